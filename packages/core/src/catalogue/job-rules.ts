/**
 * The one definition of the job rules' parameters: `withSla()` (run time, via `ruleThresholds()`), the config schema
 * (`jobs.<name>`, so `jobSla(config)` hands the same values to `withSla`) and `slakit rules` (the generated PromQL)
 * read their defaults here, and the alerts' severities, labels and text come from `ALERT_CATALOGUE`. Where the two
 * evaluators cannot be exact, the difference is written down in `JOB_RULE_PARITY` (docs/alerts.md) and the
 * differential test (`e2e/differential-jobs.test.ts`) allows exactly that. Pure data.
 */

/** Default thresholds, windows and minimum runs of the job rules. */
export const JOB_RULE_DEFAULTS = {
  /** `JobSlaBreachWarning`: percent of the budget. */
  warningPercent: 80,
  /** `JobSlaBreachCritical`: percent of the budget. */
  criticalPercent: 100,
  /** `JobSuccessRateLow`: success rate below which the job is critical. */
  successRateThreshold: 0.95,
  /** `JobSuccessRateLow`: window of the success rate, in seconds (24 h). */
  successRateWindowSeconds: 86_400,
  /** `JobSuccessRateLow`: executed runs needed in the window before it can fire. */
  minRuns: 5,
  /** `JobThroughputLow`: throughput below this share of the baseline warns. */
  throughputRatio: 0.5,
  /** `JobThroughputLow` / `JobNoRecordsProcessed`: successful runs the baseline is the median of. */
  baselineRuns: 10,
  /** `JobThroughputLow` / `JobNoRecordsProcessed`: runs the baseline needs before either can fire. */
  minBaselineRuns: 5,
  /** `JobConsecutiveFailures`: failed runs in a row that are critical. */
  consecutiveFailures: 3,
  /** `JobRetryRateHigh`: retries per executed run above which the job warns (seed 002: 20 %). */
  retryRateThreshold: 0.2,
  /** `JobRetryRateHigh`: window of the retry rate, in seconds (24 h, seed 002). */
  retryRateWindowSeconds: 86_400,
  /** `JobUtilizationStreak`: runs in a row at or above `warningPercent` that escalate (seed 000: 3 × 80 %). */
  utilizationStreakRuns: 3,
  /** `JobConsecutiveFailures`: successful runs in a row that resolve it (Sentry's recovery threshold). */
  recoveryRuns: 1,
} as const;

/**
 * `JobStartLate`: the start delay (schedule slot → start) above which a run of each priority is late, in seconds
 * (seed 002: p95 < 5 s / 30 s / 60 s / 300 s for critical / high / medium / low). `lateStartSeconds` overrides it
 * per job.
 */
export const JOB_START_DELAY_THRESHOLDS = { critical: 5, high: 30, normal: 60, low: 300 } as const;

/** The job rule parameters by name. */
export type JobRuleParameter = keyof typeof JOB_RULE_DEFAULTS;

/**
 * Where the in-process evaluation and the generated rule of a job alert differ, and by how much. Every other
 * difference is a defect (the differential test fails on it).
 */
export const JOB_RULE_PARITY = {
  // Every run-time job alert below: a replica sees its own runs at once and another replica's run (from the shared
  // ledger) on its next reconcile tick, ≤ 1 min while one of the job's alerts fires there (reconcile.ts).
  JobSlaBreachWarning:
    'Same thresholds on both sides; the rule sees a run that is still running through `job_current_run_start_timestamp_seconds`, so it fires within one scrape plus one evaluation interval of the run time crossing the threshold (the elapsed time is read at the last scrape, `timestamp(start) − start`, so it is never over-estimated after a run ends).',
  JobSlaBreachCritical:
    "As `JobSlaBreachWarning`. Across replicas the rule reads the utilisation of the replica that ran last (`job_last_run_timestamp_seconds`), never a stale replica; at run time a replica that raised it adopts another replica's later run from the shared ledger within one reconcile tick (1 min).",
  JobSuccessRateLow:
    'The run time decides at the end of each run and holds its verdict until the next; the rule slides its window continuously, so between runs it may resolve (old failures leave the window, or fewer than `minRuns` remain) up to one run interval earlier. At every run end both judge the same window. `increase()` never sees a run before the first scrape of a process (the counters start at 0 when the job is wrapped, so a scrape before the first run counts it).',
  JobThroughputLow:
    'The baseline (median of the last `baselineRuns` successful runs in the ledger) is computed at run time and exported as `job_baseline_records_per_second`; the rule compares the same two numbers, so they agree to one scrape plus one evaluation interval.',
  JobNoRecordsProcessed: 'As `JobThroughputLow` (the last successful run processed 0 records while the baseline is > 0).',
  JobConsecutiveFailures:
    "With `recoveryRuns` > 1 the rule keeps firing (its own `ALERTS` series) until `job_consecutive_successes` reaches it, as the run time. The count is the shared ledger's, exported by the replica that ran last; with `ledger: false` each replica counts its own runs and the rule reads the latest runner's count.",
  JobMissedRun:
    "With `ledger: false` a replica sees only its own runs: a standby that loses every lease race reports the job missing while the rule (any replica's success) does not — give replicas a shared ledger. A replica that did not run the last success learns it from the shared ledger on its next watchdog tick (`watchdogIntervalMs`, ≤ 1 min by default), and exports it as `job_last_success_known_timestamp_seconds` (the rule takes the max of both gauges). Both sides use one period of the schedule plus the grace after the last success (or after `schedule()` started, before any success). The rule uses the schedule's longest gap as the period; the run time the gap in which the last success fell, so on an irregular schedule (`0 9 * * 1-5`) the run time fires earlier after a short gap.",
  JobRetryRateHigh:
    'As `JobSuccessRateLow`: the run time judges the ledger (retries of the runs that finished in the window / those runs, ≥ `minRuns` runs) at the end of each run and holds its verdict; the rule slides its window over `job_retries_total` and `job_runs_total`, so between runs it may resolve up to one run interval earlier.',
  JobRetriesExhausted:
    'Same input on both sides: the last executed run failed on its last allowed attempt (`job_last_run_retries_exhausted` of the replica that ran last); resolved by the next executed run that does not exhaust its attempts.',
  JobStartLate:
    'Same input on both sides: the start delay of the last executed run that had a schedule slot (`job_last_run_start_delay_seconds` of the replica that ran last) against the threshold of its priority; both judge it when the run ends, so a late run is reported once it has finished.',
  JobStalled:
    'The run time checks at `stallSeconds` after the last progress (to the ms); the rule reads `job_last_progress_timestamp_seconds` at the last scrape, so it fires within one scrape plus one evaluation interval of the run time, and resolves when the run ends or reports progress.',
  JobRunTooFast:
    'Same input on both sides: the duration of the last run when it succeeded (`job_last_run_duration_seconds` of the replica that ran last, when that run is its last success).',
  JobRunTooOften:
    'Same input on both sides: the gap between the starts of the last two executed runs in the ledger (`job_last_run_interval_seconds` of the replica that ran last).',
  JobUtilizationStreak:
    'Same input on both sides: the ledger count of consecutive executed runs at or above `warningPercent` (`job_high_utilization_streak` of the replica that ran last).',
  JobLeaseContention:
    'Rule only: a zombie lease is held by a process that no longer runs, so no live process can see it; the rule sees that no replica ran or runs the job while runs are skipped.',
} as const;
