/**
 * The runtime entries of the alert catalogue (`ALERT_CATALOGUE` spreads them in): generated rules over the runtime
 * metrics (`createTelemetry({ runtimeMetrics })`, docs/metrics.md), per instance. Only Prometheus evaluates them.
 * Pure data.
 */
import type { AlertDefinition } from './alert-types.js';

/** `EventLoopDelayHigh` and `HeapUsageHigh`. */
export const RUNTIME_ALERTS = {
  EventLoopDelayHigh: {
    name: 'EventLoopDelayHigh',
    severity: 'warning',
    subject: 'service',
    labels: ['alertname', 'severity', 'service'],
    summary: '{service}: the event loop of an instance is blocked',
    description:
      'The 99th percentile of the event loop delay of an instance has stayed above `eventLoopDelaySeconds` ' +
      '(0.5 s) for 5 minutes: every request and timer on it waits that long before it runs.',
    runbook: 'docs/runbooks/EventLoopDelayHigh.md',
    params: { eventLoopDelaySeconds: 0.5 },
    action: 'Profile the instance (CPU profile or --cpu-prof) for synchronous work on the event loop; shed load meanwhile.',
    rule: { expr: '`nodejs_eventloop_delay_p99_seconds > 0.5` per instance', for: '5m' },
  },
  HeapUsageHigh: {
    name: 'HeapUsageHigh',
    severity: 'warning',
    subject: 'service',
    labels: ['alertname', 'severity', 'service'],
    summary: '{service}: the V8 heap of an instance is close to its limit',
    description:
      'The V8 heap in use of an instance (all spaces) has stayed above `heapUsedRatio` (90 %) of its limit ' +
      '(`--max-old-space-size`) for 10 minutes: garbage collection takes more and more time and the process ' +
      'will abort with "JavaScript heap out of memory" when the limit is reached.',
    runbook: 'docs/runbooks/HeapUsageHigh.md',
    params: { heapUsedRatio: 0.9 },
    action: 'Take a heap snapshot before the instance restarts; look for a leak or raise the heap limit with the memory limit.',
    rule: {
      expr: '`sum without (v8js_heap_space_name) (v8js_memory_heap_used_bytes) / v8js_memory_heap_size_limit_bytes > 0.9`',
      for: '10m',
    },
  },
} as const satisfies Record<string, AlertDefinition>;
