/**
 * Every alert slakit raises at run time (alerter.fire) or generates as a Prometheus rule (`slakit rules`): name,
 * severity, labels, text, runbook page, who raises it and the rule's expression. The thresholds quoted are the
 * defaults (`params`); the config or the factory options change them. Pure data: the queue and health entries live
 * in alerts-queues-health.ts, the types in alert-types.ts.
 */

import type { AlertDefinition } from './alert-types.js';
import { JOB_ATTEMPT_ALERTS } from './alerts-jobs-attempts.js';
import { QUEUE_HEALTH_ALERTS } from './alerts-queues-health.js';
import { RUNTIME_ALERTS } from './alerts-runtime.js';
import { JOB_RULE_DEFAULTS as D, JOB_RULE_PARITY as P } from './job-rules.js';

export type { AlertDefinition, AlertRule, AlertRuntime } from './alert-types.js';

/** Every alert, by its `alertname`. */
export const ALERT_CATALOGUE = {
  SloErrorBudgetBurnCritical: {
    name: 'SloErrorBudgetBurnCritical',
    severity: 'critical',
    subject: 'slo',
    labels: ['alertname', 'severity', 'service', 'slo'],
    summary: '{service}: SLO {slo} is burning its error budget fast',
    description:
      'The error ratio burns 2 % of the error budget within 1/720 of the SLO period or 5 % within 1/120 (30d: 14.4× over 1h/5m or 6× over 6h/30m; other periods scale, docs/alerts.md).',
    runbook: 'docs/runbooks/SloErrorBudgetBurnCritical.md',
    rule: { expr: '30d: error ratio > 14.4 × budget over 1h **and** 5m, or > 6 × over 6h **and** 30m (scaled to the period)' },
  },
  SloErrorBudgetBurnWarning: {
    name: 'SloErrorBudgetBurnWarning',
    severity: 'warning',
    subject: 'slo',
    labels: ['alertname', 'severity', 'service', 'slo'],
    summary: '{service}: SLO {slo} is burning its error budget steadily',
    description:
      'The error ratio burns 10 % of the error budget within 1/30 or 1/10 of the SLO period (30d: 3× over 1d/2h or 1× over 3d/6h; other periods scale).',
    runbook: 'docs/runbooks/SloErrorBudgetBurnWarning.md',
    rule: { expr: '30d: error ratio > 3 × budget over 1d **and** 2h, or > 1 × over 3d **and** 6h (scaled to the period)' },
  },
  JobSlaBreachWarning: {
    name: 'JobSlaBreachWarning',
    params: { warningPercent: D.warningPercent },
    parity: P.JobSlaBreachWarning,
    severity: 'warning',
    subject: 'job_name',
    labels: ['alertname', 'severity', 'service', 'job_name'],
    summary: 'Job {job_name} approaching its SLA budget',
    description: 'A run of the job used at least `warningPercent` (80 %) of its SLA budget.',
    runbook: 'docs/runbooks/JobSlaBreachWarning.md',
    runtime: {
      raisedBy: '`withSla`',
      package: 'job-wrapper',
      firesWhen: 'a run reaches `warningPercent` (80 %) of its budget — while it still runs',
      resolvesWhen: 'a later run finishes below the warning threshold',
    },
    rule: {
      expr: 'utilisation of the replica that ran last (`job_last_run_timestamp_seconds`) `>= 0.8`, or a running run (`job_current_run_start_timestamp_seconds`) past 80 % of the budget',
    },
  },
  JobSlaBreachCritical: {
    name: 'JobSlaBreachCritical',
    params: { criticalPercent: D.criticalPercent },
    parity: P.JobSlaBreachCritical,
    severity: 'critical',
    subject: 'job_name',
    labels: ['alertname', 'severity', 'service', 'job_name'],
    summary: 'Job {job_name} exceeded its SLA budget',
    description: 'A run of the job took at least `criticalPercent` (100 %) of its SLA budget.',
    runbook: 'docs/runbooks/JobSlaBreachCritical.md',
    runtime: {
      raisedBy: '`withSla`',
      package: 'job-wrapper',
      firesWhen: 'a run reaches `criticalPercent` (100 %) of its budget — while it still runs',
      resolvesWhen: 'a later run finishes below the critical threshold',
    },
    rule: {
      expr: 'utilisation of the replica that ran last `>= 1`, or a running run past the budget',
    },
  },
  JobSuccessRateLow: {
    name: 'JobSuccessRateLow',
    params: {
      successRateThreshold: D.successRateThreshold,
      successRateWindowSeconds: D.successRateWindowSeconds,
      minRuns: D.minRuns,
    },
    parity: P.JobSuccessRateLow,
    severity: 'critical',
    subject: 'job_name',
    labels: ['alertname', 'severity', 'service', 'job_name'],
    summary: 'Job {job_name} success rate over 24 h is low',
    description: 'Fewer than 95 % of the runs of the job in the last 24 h succeeded.',
    runbook: 'docs/runbooks/JobSuccessRateLow.md',
    runtime: {
      raisedBy: '`withSla` rules (ledger)',
      package: 'job-wrapper',
      firesWhen: 'after a run: 24 h success rate < 95 % with ≥ 5 executed runs',
      resolvesWhen: 'after a run: the rate recovers, or fewer than 5 executed runs remain in the window',
    },
    rule: { expr: 'succeeded / executed runs over 24h `< 0.95` with ≥ 5 executed runs (`increase` of `job_runs_total`)' },
  },
  JobThroughputLow: {
    name: 'JobThroughputLow',
    params: { throughputRatio: D.throughputRatio, baselineRuns: D.baselineRuns, minBaselineRuns: D.minBaselineRuns },
    parity: P.JobThroughputLow,
    severity: 'warning',
    subject: 'job_name',
    labels: ['alertname', 'severity', 'service', 'job_name'],
    summary: 'Job {job_name} throughput is below 50 % of its baseline',
    description:
      'The last successful run processed fewer records per second than half its ledger baseline (median of the last 10 successful runs).',
    runbook: 'docs/runbooks/JobThroughputLow.md',
    runtime: {
      raisedBy: '`withSla` rules (ledger)',
      package: 'job-wrapper',
      firesWhen: 'a successful run below 50 % of the baseline (≥ 5 baseline runs)',
      resolvesWhen: 'a successful run at or above 50 %, or one that processed nothing (`JobNoRecordsProcessed` instead)',
    },
    rule: {
      expr: '`job_last_run_records_per_second < 0.5 × job_baseline_records_per_second` of the replica that succeeded last',
    },
  },
  JobNoRecordsProcessed: {
    name: 'JobNoRecordsProcessed',
    params: { baselineRuns: D.baselineRuns, minBaselineRuns: D.minBaselineRuns },
    parity: P.JobNoRecordsProcessed,
    severity: 'warning',
    subject: 'job_name',
    labels: ['alertname', 'severity', 'service', 'job_name'],
    summary: 'Job {job_name} processed no records',
    description: 'A successful run processed nothing while the baseline throughput is non-zero.',
    runbook: 'docs/runbooks/JobNoRecordsProcessed.md',
    runtime: {
      raisedBy: '`withSla` rules (ledger)',
      package: 'job-wrapper',
      firesWhen: 'a successful run processed nothing while the baseline is non-zero',
      resolvesWhen: 'a run processes records',
    },
    rule: {
      expr: '`job_last_run_records_per_second == 0` while `job_baseline_records_per_second > 0` (the replica that succeeded last)',
    },
  },
  JobConsecutiveFailures: {
    name: 'JobConsecutiveFailures',
    params: { consecutiveFailures: D.consecutiveFailures, recoveryRuns: D.recoveryRuns },
    parity: P.JobConsecutiveFailures,
    severity: 'critical',
    subject: 'job_name',
    labels: ['alertname', 'severity', 'service', 'job_name'],
    summary: 'Job {job_name} failed several times in a row',
    description: 'The job has failed at least `consecutiveFailures` (3) consecutive runs.',
    runbook: 'docs/runbooks/JobConsecutiveFailures.md',
    runtime: {
      raisedBy: '`withSla` rules (ledger)',
      package: 'job-wrapper',
      firesWhen: '3 failed runs in a row',
      resolvesWhen: '`recoveryRuns` (1) successful runs in a row',
    },
    rule: { expr: '`job_consecutive_failures` of the replica that ran last `>= 3`' },
  },
  JobMissedRun: {
    name: 'JobMissedRun',
    parity: P.JobMissedRun,
    severity: 'critical',
    subject: 'job_name',
    labels: ['alertname', 'severity', 'service', 'job_name'],
    summary: 'Job {job_name} has not succeeded for one period plus grace',
    description: 'No run of a scheduled job succeeded for more than one period of its schedule plus the grace time.',
    runbook: 'docs/runbooks/JobMissedRun.md',
    runtime: {
      raisedBy: '`schedule`',
      package: 'job-wrapper',
      firesWhen:
        "no successful run for one period (the schedule's gap after the last success, or after the start) + grace; the shared ledger is asked first",
      resolvesWhen: 'the next success, on any replica (the ledger)',
    },
    rule: {
      expr: '`time() - max(job_last_success_timestamp_seconds) > period + grace`, before any success from the earliest `job_schedule_start_timestamp_seconds` (jobs with a `schedule`)',
    },
  },
  JobLeaseContention: {
    name: 'JobLeaseContention',
    parity: P.JobLeaseContention,
    severity: 'warning',
    subject: 'job_name',
    labels: ['alertname', 'severity', 'service', 'job_name'],
    summary: 'Job {job_name} is locked out: runs are skipped on a lease nobody is running under',
    description: 'Every run of the job was skipped because its lease was held, and no replica ran it — a zombie lease.',
    runbook: 'docs/runbooks/JobLeaseContention.md',
    rule: { expr: 'runs `skipped_locked` while no replica executed or runs the job (zombie lease)', for: '15m' },
  },
  ...JOB_ATTEMPT_ALERTS,
  ...QUEUE_HEALTH_ALERTS,
  ...RUNTIME_ALERTS,
} as const satisfies Record<string, AlertDefinition>;

/** An alert name of the catalogue. */
export type AlertName = keyof typeof ALERT_CATALOGUE;
