/**
 * Every alert slakit raises at run time (alerter.fire) or generates as a Prometheus rule (`slakit rules`): name,
 * severity, labels, text, runbook page, who raises it and the rule's expression. The thresholds quoted are the
 * defaults; the config or the factory options change them. Pure data, no imports but types.
 */
import type { Severity } from '../env-vars.js';
import type { LabelKey } from './labels.js';

/** Who raises an alert at run time, and when it fires and resolves. */
export interface AlertRuntime {
  /** The API that fires it (`withSla`, `withSla` rules (ledger), `schedule`, `watchQueue`, `createHealth`). */
  readonly raisedBy: string;
  readonly package: 'job-wrapper' | 'health';
  readonly firesWhen: string;
  readonly resolvesWhen: string;
}

/** The generated Prometheus alerting rule of an alert. */
export interface AlertRule {
  /** The expression, simplified (the generated one adds the config's selector and thresholds). */
  readonly expr: string;
  /** The rule's `for`, if any. */
  readonly for?: string;
}

/** One alert of the catalogue. */
export interface AlertDefinition {
  /** The `alertname` label. */
  readonly name: string;
  readonly severity: Severity;
  /** The label naming what the alert is about. */
  readonly subject: 'job_name' | 'queue' | 'check' | 'slo';
  /** The labels every instance carries. */
  readonly labels: readonly LabelKey[];
  /** The summary, with `{label}` placeholders (the fired text adds the measured values). */
  readonly summary: string;
  readonly description: string;
  /** The runbook page, relative to the repository root (`runbook_url` = `<alerting.runbookBaseUrl>/<name>.md`). */
  readonly runbook: string;
  /** Set when slakit fires it in process. */
  readonly runtime?: AlertRuntime;
  /** Set when `slakit rules` generates it. */
  readonly rule?: AlertRule;
}

/** Every alert, by its `alertname`. */
export const ALERT_CATALOGUE = {
  SloErrorBudgetBurnCritical: {
    name: 'SloErrorBudgetBurnCritical',
    severity: 'critical',
    subject: 'slo',
    labels: ['alertname', 'severity', 'service', 'slo'],
    summary: '{service}: SLO {slo} is burning its error budget fast',
    description: 'The error ratio burns the SLO error budget at 14.4× over 1h/5m or 6× over 6h/30m.',
    runbook: 'docs/runbooks/SloErrorBudgetBurnCritical.md',
    rule: { expr: 'error ratio > 14.4 × budget over 1h **and** 5m, or > 6 × over 6h **and** 30m' },
  },
  SloErrorBudgetBurnWarning: {
    name: 'SloErrorBudgetBurnWarning',
    severity: 'warning',
    subject: 'slo',
    labels: ['alertname', 'severity', 'service', 'slo'],
    summary: '{service}: SLO {slo} is burning its error budget steadily',
    description: 'The error ratio burns the SLO error budget at 3× over 1d/2h or 1× over 3d/6h.',
    runbook: 'docs/runbooks/SloErrorBudgetBurnWarning.md',
    rule: { expr: 'error ratio > 3 × budget over 1d **and** 2h, or > 1 × over 3d **and** 6h' },
  },
  JobSlaBreachWarning: {
    name: 'JobSlaBreachWarning',
    severity: 'warning',
    subject: 'job_name',
    labels: ['alertname', 'severity', 'service', 'job_name'],
    summary: 'Job {job} approaching its SLA budget',
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
    severity: 'critical',
    subject: 'job_name',
    labels: ['alertname', 'severity', 'service', 'job_name'],
    summary: 'Job {job} exceeded its SLA budget',
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
    severity: 'critical',
    subject: 'job_name',
    labels: ['alertname', 'severity', 'service', 'job_name'],
    summary: 'Job {job} success rate over 24 h is low',
    description: 'Fewer than 95 % of the runs of the job in the last 24 h succeeded.',
    runbook: 'docs/runbooks/JobSuccessRateLow.md',
    runtime: {
      raisedBy: '`withSla` rules (ledger)',
      package: 'job-wrapper',
      firesWhen: 'after a run: 24 h success rate < 95 % with ≥ 5 executed runs',
      resolvesWhen: 'the rate recovers',
    },
    rule: { expr: 'succeeded / executed runs over 24h `< 0.95` with ≥ 5 executed runs (`increase` of `job_runs_total`)' },
  },
  JobThroughputLow: {
    name: 'JobThroughputLow',
    severity: 'warning',
    subject: 'job_name',
    labels: ['alertname', 'severity', 'service', 'job_name'],
    summary: 'Job {job} throughput is below 50 % of its baseline',
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
    severity: 'warning',
    subject: 'job_name',
    labels: ['alertname', 'severity', 'service', 'job_name'],
    summary: 'Job {job} processed no records',
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
    severity: 'critical',
    subject: 'job_name',
    labels: ['alertname', 'severity', 'service', 'job_name'],
    summary: 'Job {job} failed several times in a row',
    description: 'The job has failed at least `consecutiveFailures` (3) consecutive runs.',
    runbook: 'docs/runbooks/JobConsecutiveFailures.md',
    runtime: {
      raisedBy: '`withSla` rules (ledger)',
      package: 'job-wrapper',
      firesWhen: '3 failed runs in a row',
      resolvesWhen: 'a successful run',
    },
    rule: { expr: '`job_consecutive_failures` of the replica that ran last `>= 3`' },
  },
  JobMissedRun: {
    name: 'JobMissedRun',
    severity: 'critical',
    subject: 'job_name',
    labels: ['alertname', 'severity', 'service', 'job_name'],
    summary: 'Job {job} has not succeeded for one period plus grace',
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
    severity: 'warning',
    subject: 'job_name',
    labels: ['alertname', 'severity', 'service', 'job_name'],
    summary: 'Job {job} is locked out: runs are skipped on a lease nobody is running under',
    description: 'Every run of the job was skipped because its lease was held, and no replica ran it — a zombie lease.',
    runbook: 'docs/runbooks/JobLeaseContention.md',
    rule: { expr: 'runs `skipped_locked` while no replica executed or runs the job (zombie lease)', for: '15m' },
  },
  QueueDepthWarning: {
    name: 'QueueDepthWarning',
    severity: 'warning',
    subject: 'queue',
    labels: ['alertname', 'severity', 'service', 'queue'],
    summary: 'Queue {queue} holds more items than its warning depth',
    description: 'More than `depthWarning` (100) items wait in the queue.',
    runbook: 'docs/runbooks/QueueDepthWarning.md',
    runtime: {
      raisedBy: '`watchQueue`',
      package: 'job-wrapper',
      firesWhen: 'depth > 100',
      resolvesWhen: 'depth back under the threshold',
    },
    rule: { expr: '`max(queue_depth) > 100`' },
  },
  QueueDepthCritical: {
    name: 'QueueDepthCritical',
    severity: 'critical',
    subject: 'queue',
    labels: ['alertname', 'severity', 'service', 'queue'],
    summary: 'Queue {queue} holds more items than its critical depth',
    description: 'More than `depthCritical` (500) items wait in the queue: it is overflowing.',
    runbook: 'docs/runbooks/QueueDepthCritical.md',
    runtime: {
      raisedBy: '`watchQueue`',
      package: 'job-wrapper',
      firesWhen: 'depth > 500',
      resolvesWhen: 'depth back under the threshold',
    },
    rule: { expr: '`max(queue_depth) > 500`' },
  },
  QueueAgeWarning: {
    name: 'QueueAgeWarning',
    severity: 'warning',
    subject: 'queue',
    labels: ['alertname', 'severity', 'service', 'queue'],
    summary: 'Items in queue {queue} wait too long on average',
    description: 'The average age of the waiting items is above `ageWarningHours` (48 h).',
    runbook: 'docs/runbooks/QueueAgeWarning.md',
    runtime: {
      raisedBy: '`watchQueue`',
      package: 'job-wrapper',
      firesWhen: 'average item age > 48 h',
      resolvesWhen: 'the average is back under',
    },
    rule: { expr: '`max(queue_average_item_age_seconds) > 48h`' },
  },
  QueueEscalationRequired: {
    name: 'QueueEscalationRequired',
    severity: 'critical',
    subject: 'queue',
    labels: ['alertname', 'severity', 'service', 'queue'],
    summary: 'Items in queue {queue} need escalation',
    description: 'An item is older than `ageEscalationHours` (7 days) and needs escalation.',
    runbook: 'docs/runbooks/QueueEscalationRequired.md',
    runtime: {
      raisedBy: '`watchQueue`',
      package: 'job-wrapper',
      firesWhen: 'any item older than 7 days (values list the oldest ids)',
      resolvesWhen: 'no such item',
    },
    rule: { expr: '`max(queue_oldest_item_age_seconds) > 7d`' },
  },
  QueueResolutionRateLow: {
    name: 'QueueResolutionRateLow',
    severity: 'warning',
    subject: 'queue',
    labels: ['alertname', 'severity', 'service', 'queue'],
    summary: 'Queue {queue} resolves fewer items than usual',
    description: 'Resolutions per day fell below `resolutionRateRatio` (50 %) of their running average.',
    runbook: 'docs/runbooks/QueueResolutionRateLow.md',
    runtime: {
      raisedBy: '`watchQueue`',
      package: 'job-wrapper',
      firesWhen: 'resolutions/day < 50 % of their running average',
      resolvesWhen: 'the rate recovers',
    },
  },
  HealthCheckFailing: {
    name: 'HealthCheckFailing',
    severity: 'critical',
    subject: 'check',
    labels: ['alertname', 'severity', 'service', 'check'],
    summary: 'Health check {check} is failing',
    description: 'A critical health check fails; readiness is failing, so traffic is held off the instance.',
    runbook: 'docs/runbooks/HealthCheckFailing.md',
    runtime: {
      raisedBy: '`createHealth`',
      package: 'health',
      firesWhen: "a critical check's result turns `fail`",
      resolvesWhen: 'the check passes again',
    },
    rule: { expr: '`health_check_status == 0` (optionally only `health.criticalChecks`)', for: '5m' },
  },
} as const satisfies Record<string, AlertDefinition>;

/** An alert name of the catalogue. */
export type AlertName = keyof typeof ALERT_CATALOGUE;
