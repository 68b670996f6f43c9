// The runtime row of the service dashboard: event loop delay and utilization, V8 heap against its limit, GC time,
// process CPU and memory, per instance — the series of `createTelemetry({ runtimeMetrics })`, with the thresholds of
// the EventLoopDelayHigh and HeapUsageHigh rules drawn in.
import { ALERT_CATALOGUE as A, LABEL_CATALOGUE, METRIC_CATALOGUE as M, type SlakitConfig } from '@slakit/core';
import type { Layout } from './dashboard-layout.js';
import { METRICS, selector } from './promql.js';

const threshold = (value: number) => [
  { color: 'green', value: null },
  { color: 'red', value },
];

/** Adds the "Runtime" row to `l`. */
export function runtimeRow(l: Layout, config: SlakitConfig): void {
  const s = selector(config);
  const space = LABEL_CATALOGUE.heapSpace.prometheus;
  const gcType = LABEL_CATALOGUE.gcType.prometheus;
  l.row('Runtime (event loop, heap, GC, CPU, memory)');
  l.add({
    title: 'Event loop delay p99 by instance',
    unit: 's',
    thresholds: threshold(A.EventLoopDelayHigh.params.eventLoopDelaySeconds),
    queries: [
      [`max by (instance) (${METRICS.runtimeEventLoopDelayP99}${s})`, '{{instance}} p99'],
      [`max by (instance) (${M.runtimeEventLoopDelayP50.prometheus}${s})`, '{{instance}} p50'],
    ],
  });
  l.add({
    title: 'Event loop utilization by instance',
    unit: 'percentunit',
    queries: [[`max by (instance) (${METRICS.runtimeEventLoopUtilization}${s})`, '{{instance}}']],
  });
  l.add({
    title: 'V8 heap used / heap limit by instance',
    unit: 'percentunit',
    thresholds: threshold(A.HeapUsageHigh.params.heapUsedRatio),
    queries: [
      [
        `sum by (instance) (${METRICS.runtimeHeapUsed}${s}) / max by (instance) (${METRICS.runtimeHeapSizeLimit}${s})`,
        '{{instance}}',
      ],
    ],
  });
  l.add({
    title: 'V8 heap used by space',
    unit: 'bytes',
    queries: [[`sum by (${space}) (${METRICS.runtimeHeapUsed}${s})`, `{{${space}}}`]],
  });
  l.add({
    title: 'GC time per second by type',
    unit: 's',
    queries: [[`sum by (${gcType}) (rate(${METRICS.runtimeGcDuration}_sum${s}[$__rate_interval]))`, `{{${gcType}}}`]],
  });
  l.add({
    title: 'Process CPU (cores) and resident memory by instance',
    unit: 'short',
    queries: [
      [`sum by (instance) (rate(${M.runtimeCpuTime.prometheus}${s}[$__rate_interval]))`, '{{instance}} CPU cores'],
      [`max by (instance) (${M.runtimeMemoryUsage.prometheus}${s}) / 2^20`, '{{instance}} RSS MiB'],
    ],
  });
}
