/**
 * The queue and health entries of the alert catalogue (`ALERT_CATALOGUE` spreads them in). Each is the one
 * definition both evaluators read: `watchQueue()` / `createHealth()` at run time and `slakit rules` in PromQL take
 * the thresholds from `params` (or the config / options that override them), `for` from `rule.for`, the severity,
 * the summary and the recommended action from here. Pure data.
 */
import type { AlertDefinition } from './alert-types.js';

const QUEUE_ACTION = 'Review the oldest items first; escalate items past the escalation age to the team lead.';

/** The queue alerts (`watchQueue`, `queues.<name>` in the config) and `HealthCheckFailing`. */
export const QUEUE_HEALTH_ALERTS = {
  QueueDepthWarning: {
    name: 'QueueDepthWarning',
    severity: 'warning',
    subject: 'queue',
    labels: ['alertname', 'severity', 'service', 'queue'],
    summary: 'Queue {queue} holds more items than its warning depth',
    description:
      'More than `depthWarning` (100) items wait in the queue, at most `depthCritical` (500): above that ' +
      '`QueueDepthCritical` fires instead, so one depth alert fires per queue.',
    runbook: 'docs/runbooks/QueueDepthWarning.md',
    params: { depthWarning: 100 },
    action: QUEUE_ACTION,
    runtime: {
      raisedBy: '`watchQueue`',
      package: 'job-wrapper',
      firesWhen: 'a probe sees 100 < depth ≤ 500',
      resolvesWhen: 'depth back under the threshold, or above the critical one',
    },
    rule: { expr: '`max(queue_depth > 100 <= 500)` (each replica, then any)' },
  },
  QueueDepthCritical: {
    name: 'QueueDepthCritical',
    severity: 'critical',
    subject: 'queue',
    labels: ['alertname', 'severity', 'service', 'queue'],
    summary: 'Queue {queue} holds more items than its critical depth',
    description: 'More than `depthCritical` (500) items wait in the queue: it is overflowing.',
    runbook: 'docs/runbooks/QueueDepthCritical.md',
    params: { depthCritical: 500 },
    action: `${QUEUE_ACTION} Add reviewers or pause the producer.`,
    runtime: {
      raisedBy: '`watchQueue`',
      package: 'job-wrapper',
      firesWhen: 'a probe sees depth > 500',
      resolvesWhen: 'depth back under the threshold',
    },
    rule: { expr: '`max(queue_depth > 500)`' },
  },
  QueueAgeWarning: {
    name: 'QueueAgeWarning',
    severity: 'warning',
    subject: 'queue',
    labels: ['alertname', 'severity', 'service', 'queue'],
    summary: 'Items in queue {queue} wait too long on average',
    description: 'Items wait in the queue and their average age is above `ageWarningHours` (48 h).',
    runbook: 'docs/runbooks/QueueAgeWarning.md',
    params: { ageWarningHours: 48 },
    action: QUEUE_ACTION,
    runtime: {
      raisedBy: '`watchQueue`',
      package: 'job-wrapper',
      firesWhen: 'depth > 0 and average item age > 48 h',
      resolvesWhen: 'the average is back under, or the queue is empty',
    },
    rule: { expr: '`max(queue_average_item_age_seconds > 48h and queue_depth > 0)`' },
  },
  QueueEscalationRequired: {
    name: 'QueueEscalationRequired',
    severity: 'critical',
    subject: 'queue',
    labels: ['alertname', 'severity', 'service', 'queue'],
    summary: 'Items in queue {queue} need escalation',
    description:
      'The oldest waiting item is older than `ageEscalationHours` (7 days) and needs escalation (the runtime ' +
      "alert's values list the oldest ids the probe reports).",
    runbook: 'docs/runbooks/QueueEscalationRequired.md',
    params: { ageEscalationHours: 168 },
    action: 'Escalate the oldest items to the team lead now.',
    runtime: {
      raisedBy: '`watchQueue`',
      package: 'job-wrapper',
      firesWhen: 'depth > 0 and the oldest item is older than 7 days (values list the oldest ids)',
      resolvesWhen: 'no such item',
    },
    rule: { expr: '`max(queue_oldest_item_age_seconds > 7d and queue_depth > 0)`' },
  },
  QueueResolutionRateLow: {
    name: 'QueueResolutionRateLow',
    severity: 'warning',
    subject: 'queue',
    labels: ['alertname', 'severity', 'service', 'queue'],
    summary: 'Queue {queue} resolves fewer items than usual',
    description:
      'The items resolved in the last 24 h (`queue_resolved_per_day`) fell below `resolutionRateRatio` (50 %) of ' +
      'their average over `resolutionBaselineHours` (7 days); the baseline counts once it holds a sample at least ' +
      '`resolutionMinHistoryHours` (24 h) old.',
    runbook: 'docs/runbooks/QueueResolutionRateLow.md',
    params: { resolutionRateRatio: 0.5, resolutionBaselineHours: 168, resolutionMinHistoryHours: 24 },
    action: 'Check that operators are available and the resolution tooling works; re-assign work.',
    runtime: {
      raisedBy: '`watchQueue`',
      package: 'job-wrapper',
      firesWhen: 'resolutions/day < 50 % of their 7-day average (a sample ≥ 24 h old in the window)',
      resolvesWhen: 'the rate recovers',
    },
    rule: {
      expr: '`queue_resolved_per_day < 0.5 × avg_over_time(…[7d])` and a sample in `[6d] offset 24h` (each replica, then any)',
    },
    parity:
      'The baseline averages the samples of its window: at run time one per probe (`intervalMs`), in Prometheus ' +
      'one per scrape — the same average while probes are regular, weighted differently around gaps. The runtime ' +
      'history is in memory: a restarted process waits `resolutionMinHistoryHours` again before it can fire, while ' +
      "Prometheus still holds the instance's older samples.",
  },
  HealthCheckFailing: {
    name: 'HealthCheckFailing',
    severity: 'critical',
    subject: 'check',
    labels: ['alertname', 'severity', 'service', 'check'],
    summary: 'Health check {check} is failing',
    description:
      'A critical health check has failed for `failingFor` (5 min); readiness is failing, so traffic is held off ' +
      'the instance.',
    runbook: 'docs/runbooks/HealthCheckFailing.md',
    action: 'Check the dependency behind the check (database, cache, upstream); see the detailed /health view.',
    runtime: {
      raisedBy: '`createHealth`',
      package: 'health',
      firesWhen: "a critical check's results stay `fail` for `failingFor` (5 min; a `pass` or `warn` restarts it)",
      resolvesWhen: 'the check passes (or warns) again',
    },
    rule: { expr: '`health_check_status == 0` per instance (optionally only `health.criticalChecks`)', for: '5m' },
    parity:
      "The rule cannot see a check's severity: without `health.criticalChecks` it watches every check, degraded " +
      'ones too (a failure is 0 whatever the severity), while the runtime alerts on `critical` checks only. List the ' +
      'critical checks in `health.criticalChecks` and both watch the same set.',
  },
} as const satisfies Record<string, AlertDefinition>;
