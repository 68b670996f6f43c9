/**
 * The alerts of retried runs and of late starts (`withSla({ retry, priority, lateStartSeconds })`): defined here,
 * spread into `ALERT_CATALOGUE`. Pure data.
 */
import type { AlertDefinition } from './alert-types.js';
import { JOB_RULE_DEFAULTS as D, JOB_RULE_PARITY as P, JOB_START_DELAY_THRESHOLDS as T } from './job-rules.js';

/** The retry and start-lateness alerts, by `alertname`. */
export const JOB_ATTEMPT_ALERTS = {
  JobRetryRateHigh: {
    name: 'JobRetryRateHigh',
    params: { retryRateThreshold: D.retryRateThreshold, retryRateWindowSeconds: D.retryRateWindowSeconds, minRuns: D.minRuns },
    parity: P.JobRetryRateHigh,
    severity: 'warning',
    subject: 'job_name',
    labels: ['alertname', 'severity', 'service', 'job_name'],
    summary: 'Job {job_name} retries more than 20 % of its runs',
    description: 'Over the last 24 h the job needed more than 0.2 retries per executed run (seed 002: retry rate > 20 %).',
    runbook: 'docs/runbooks/JobRetryRateHigh.md',
    runtime: {
      raisedBy: '`withSla` rules (ledger)',
      package: 'job-wrapper',
      firesWhen: 'after a run: retries / executed runs over 24 h `> 0.2` with ≥ 5 executed runs',
      resolvesWhen: 'after a run: the rate falls to 20 % or below, or fewer than 5 executed runs remain in the window',
    },
    rule: {
      expr: '`increase(job_retries_total[24h]) / increase(job_runs_total{outcome=~"succeeded|failed|timed_out|lease_lost"}[24h]) > 0.2` with ≥ 5 executed runs',
    },
  },
  JobRetriesExhausted: {
    name: 'JobRetriesExhausted',
    parity: P.JobRetriesExhausted,
    severity: 'critical',
    subject: 'job_name',
    labels: ['alertname', 'severity', 'service', 'job_name'],
    summary: 'Job {job_name} failed after all its retries',
    description: 'The last executed run failed on its last allowed attempt (`retry.attempts`): retrying did not help.',
    runbook: 'docs/runbooks/JobRetriesExhausted.md',
    runtime: {
      raisedBy: '`withSla` rules',
      package: 'job-wrapper',
      firesWhen: 'a run fails on its last allowed attempt (`retry.attempts` > 1)',
      resolvesWhen: 'the next executed run that does not exhaust its attempts',
    },
    rule: { expr: '`job_last_run_retries_exhausted` of the replica that ran last `== 1`' },
  },
  JobStartLate: {
    name: 'JobStartLate',
    params: { critical: T.critical, high: T.high, normal: T.normal, low: T.low },
    parity: P.JobStartLate,
    severity: 'warning',
    subject: 'job_name',
    labels: ['alertname', 'severity', 'service', 'job_name'],
    summary: 'Job {job_name} started late',
    description:
      'The last scheduled run started later after its slot than its priority allows (5 / 30 / 60 / 300 s for critical / high / normal / low, or `lateStartSeconds`).',
    runbook: 'docs/runbooks/JobStartLate.md',
    runtime: {
      raisedBy: '`withSla` rules',
      package: 'job-wrapper',
      firesWhen: 'a run with a schedule slot started more than its threshold after the slot (judged when it ends)',
      resolvesWhen: 'the next run with a slot that starts within its threshold',
    },
    rule: {
      expr: "`job_last_run_start_delay_seconds` of the replica that ran last `>` the threshold of the job's priority",
    },
  },
  JobStalled: {
    name: 'JobStalled',
    parity: P.JobStalled,
    severity: 'critical',
    subject: 'job_name',
    labels: ['alertname', 'severity', 'service', 'job_name'],
    summary: 'Job {job_name} is running but made no progress',
    description:
      'A running run reported no progress (`ctx.progress()`) for `stallSeconds` (seed 000: no progress for 10 min → stuck).',
    runbook: 'docs/runbooks/JobStalled.md',
    runtime: {
      raisedBy: '`withSla` (`stallSeconds`)',
      package: 'job-wrapper',
      firesWhen: 'a running run reported no progress for `stallSeconds` (since its start or its last progress)',
      resolvesWhen: 'the run reports progress again, or ends',
    },
    rule: {
      expr: '`time() - job_last_progress_timestamp_seconds > stallSeconds` while `job_current_run_start_timestamp_seconds > 0` (jobs with `stallSeconds`)',
    },
  },
  JobRunTooFast: {
    name: 'JobRunTooFast',
    parity: P.JobRunTooFast,
    severity: 'warning',
    subject: 'job_name',
    labels: ['alertname', 'severity', 'service', 'job_name'],
    summary: 'Job {job_name} finished suspiciously fast',
    description: 'The last run succeeded in less than `minDurationSeconds`: it probably did nothing (Healthchecks #236).',
    runbook: 'docs/runbooks/JobRunTooFast.md',
    runtime: {
      raisedBy: '`withSla` rules (`minDurationSeconds`)',
      package: 'job-wrapper',
      firesWhen: 'a run succeeded in less than `minDurationSeconds`',
      resolvesWhen: 'the next executed run that is not a too-fast success',
    },
    rule: {
      expr: '`job_last_run_duration_seconds < minDurationSeconds` when the latest run succeeded (jobs with `minDurationSeconds`)',
    },
  },
  JobRunTooOften: {
    name: 'JobRunTooOften',
    parity: P.JobRunTooOften,
    severity: 'warning',
    subject: 'job_name',
    labels: ['alertname', 'severity', 'service', 'job_name'],
    summary: 'Job {job_name} runs more often than its schedule allows',
    description: 'The last executed run started less than `minIntervalSeconds` after the previous one (Healthchecks #17).',
    runbook: 'docs/runbooks/JobRunTooOften.md',
    runtime: {
      raisedBy: '`withSla` rules (ledger, `minIntervalSeconds`)',
      package: 'job-wrapper',
      firesWhen: 'an executed run started less than `minIntervalSeconds` after the previous executed run',
      resolvesWhen: 'the next executed run that starts at least `minIntervalSeconds` after its predecessor',
    },
    rule: { expr: '`job_last_run_interval_seconds` of the replica that ran last `< minIntervalSeconds`' },
  },
  JobUtilizationStreak: {
    name: 'JobUtilizationStreak',
    params: { utilizationStreakRuns: D.utilizationStreakRuns },
    parity: P.JobUtilizationStreak,
    severity: 'critical',
    subject: 'job_name',
    labels: ['alertname', 'severity', 'service', 'job_name'],
    summary: 'Job {job_name} used 80 % of its budget several runs in a row',
    description:
      'The last `utilizationStreakRuns` (3) executed runs each used at least `warningPercent` (80 %) of the budget: escalate (seed 000).',
    runbook: 'docs/runbooks/JobUtilizationStreak.md',
    runtime: {
      raisedBy: '`withSla` rules (ledger)',
      package: 'job-wrapper',
      firesWhen: '3 executed runs in a row at or above 80 % of the budget',
      resolvesWhen: 'an executed run below 80 %',
    },
    rule: { expr: '`job_high_utilization_streak` of the replica that ran last `>= 3`' },
  },
} as const satisfies Record<string, AlertDefinition>;
