// The rules of watchQueue's and createHealth's series: per queue (depth, age, escalation, resolution rate) and the
// health check alert. Each rule evaluates the definition of its catalogue entry (ALERT_CATALOGUE, `params`, `for`,
// severity, summary, action) — the one the runtime evaluates too: per replica (each instance's series), then any.
import { ALERT_CATALOGUE as A, formatDuration, type SlakitConfig } from '@slakit/core';
import { METRICS, num, quote, selector } from './promql.js';
import { type AlertingRule, alertRule, type GeneratedAlert, type RuleGroup } from './rule-model.js';

type QueueConfig = SlakitConfig['queues'][string];
type QueueAlert = GeneratedAlert & `Queue${string}`;

const AGE = '{{ $value | humanizeDuration }}';
const hours = (h: number) => formatDuration(h * 3600);

/** The per-instance condition of each queue alert (the runtime's per-process test), and the generated text. */
function queueConditions(s: string, q: QueueConfig): Record<QueueAlert, { expr: string; description: string; value?: string }> {
  const depth = `${METRICS.queueDepth}${s}`;
  const resolved = `${METRICS.queueResolvedPerDay}${s}`;
  const history =
    q.resolutionMinHistoryHours > 0
      ? `\nand\ncount_over_time(${resolved}[${hours(q.resolutionBaselineHours - q.resolutionMinHistoryHours)}] offset ${hours(q.resolutionMinHistoryHours)}) > 0`
      : '';
  return {
    QueueDepthWarning: {
      expr: `${depth} > ${q.depthWarning} <= ${q.depthCritical}`,
      description: `More than ${q.depthWarning} items (at most ${q.depthCritical}) wait in the queue.`,
    },
    QueueDepthCritical: {
      expr: `${depth} > ${q.depthCritical}`,
      description: `More than ${q.depthCritical} items wait in the queue: it is overflowing.`,
    },
    QueueAgeWarning: {
      expr: `${METRICS.queueAverageAge}${s} > ${num(q.ageWarningHours * 3600)} and ${depth} > 0`,
      description: `Items wait and their average age is above ${num(q.ageWarningHours)} h.`,
      value: AGE,
    },
    QueueEscalationRequired: {
      expr: `${METRICS.queueOldestAge}${s} > ${num(q.ageEscalationHours * 3600)} and ${depth} > 0`,
      description: `The oldest waiting item is older than ${num(q.ageEscalationHours)} h and needs escalation.`,
      value: AGE,
    },
    QueueResolutionRateLow: {
      expr: `${resolved} < ${num(q.resolutionRateRatio)} * avg_over_time(${resolved}[${hours(q.resolutionBaselineHours)}])${history}`,
      description: `Items resolved in 24 h fell below ${num(q.resolutionRateRatio * 100)} % of their ${hours(q.resolutionBaselineHours)} average.`,
    },
  };
}

const QUEUE_ALERTS: readonly QueueAlert[] = [
  A.QueueDepthWarning.name,
  A.QueueDepthCritical.name,
  A.QueueAgeWarning.name,
  A.QueueEscalationRequired.name,
  A.QueueResolutionRateLow.name,
];

/** Per queue: depth, age, escalation and resolution-rate alerts. */
export function queuesGroup(config: SlakitConfig): RuleGroup | undefined {
  const names = Object.keys(config.queues).sort();
  if (names.length === 0) return undefined;
  const rules: AlertingRule[] = [];
  for (const name of names) {
    const conditions = queueConditions(selector(config, `queue=${quote(name)}`), config.queues[name] as QueueConfig);
    for (const alert of QUEUE_ALERTS) {
      const def = A[alert];
      const { expr, description, value = '{{ $value }}' } = conditions[alert];
      rules.push(
        alertRule(
          config,
          alert,
          def.severity,
          `max(\n  ${expr.replace(/\n/g, '\n  ')}\n)`,
          { queue: name },
          {
            summary: `${def.summary.replace('{queue}', name)} (${value})`,
            description,
            action: def.action,
          },
        ),
      );
    }
  }
  return { name: `slakit:${config.service}:queues`, interval: config.prometheus.evaluationInterval, rules };
}

/** The critical health check alert: per instance (the runtime's per-process view), after `health.failingFor`. */
export function healthGroup(config: SlakitConfig): RuleGroup {
  const checks = config.health.criticalChecks;
  const s =
    checks && checks.length > 0
      ? selector(config, `check=~${quote(checks.map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'))}`)
      : selector(config);
  const def = A.HealthCheckFailing;
  return {
    name: `slakit:${config.service}:health`,
    interval: config.prometheus.evaluationInterval,
    rules: [
      alertRule(
        config,
        def.name,
        def.severity,
        `${METRICS.healthStatus}${s} == 0`,
        {},
        {
          summary: `${def.summary.replace('{check}', '{{ $labels.check }}')} on {{ $labels.instance }}`,
          description: `The critical check {{ $labels.check }} has failed for ${config.health.failingFor}; readiness is failing, so traffic is held off this instance.`,
          action: def.action,
        },
        config.health.failingFor,
      ),
    ],
  };
}
