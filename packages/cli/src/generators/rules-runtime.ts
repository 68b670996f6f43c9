// The rules of the runtime metrics (`createTelemetry({ runtimeMetrics })`): event loop delay and V8 heap usage, per
// instance. Thresholds and `for` come from the alert catalogue (`params`, `rule.for`); only Prometheus evaluates
// them (slakit raises no runtime alert of its own process).
import { ALERT_CATALOGUE as A, LABEL_CATALOGUE, type SlakitConfig } from '@slakit/core';
import { METRICS, num, selector } from './promql.js';
import { alertRule, pct, type RuleGroup } from './rule-model.js';

/** `EventLoopDelayHigh` and `HeapUsageHigh`, one series per instance that exports runtime metrics. */
export function runtimeGroup(config: SlakitConfig): RuleGroup {
  const s = selector(config);
  const delay = A.EventLoopDelayHigh;
  const heap = A.HeapUsageHigh;
  const space = LABEL_CATALOGUE.heapSpace.prometheus;
  return {
    name: `slakit:${config.service}:runtime`,
    interval: config.prometheus.evaluationInterval,
    rules: [
      alertRule(
        config,
        delay.name,
        delay.severity,
        `${METRICS.runtimeEventLoopDelayP99}${s} > ${num(delay.params.eventLoopDelaySeconds)}`,
        {},
        {
          summary: `${delay.summary.replace('{service}', config.service)}: {{ $labels.instance }} (p99 {{ $value | humanizeDuration }})`,
          description: `The 99th percentile of the event loop delay of {{ $labels.instance }} has stayed above ${num(delay.params.eventLoopDelaySeconds * 1000)} ms for ${delay.rule.for}.`,
          action: delay.action,
        },
        delay.rule.for,
      ),
      alertRule(
        config,
        heap.name,
        heap.severity,
        `sum without (${space}) (${METRICS.runtimeHeapUsed}${s})\n/\n${METRICS.runtimeHeapSizeLimit}${s}\n> ${num(heap.params.heapUsedRatio)}`,
        {},
        {
          summary: `${heap.summary.replace('{service}', config.service)}: {{ $labels.instance }} ({{ $value | humanizePercentage }})`,
          description: `The V8 heap in use of {{ $labels.instance }} has stayed above ${pct(heap.params.heapUsedRatio)} of its limit for ${heap.rule.for}.`,
          action: heap.action,
        },
        heap.rule.for,
      ),
    ],
  };
}
