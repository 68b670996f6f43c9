import { ALERT_CATALOGUE } from '@slakit/core';
import type { JobInstruments } from './instruments.js';
import type { GuardedLedger } from './ledger-guard.js';
import { fire } from './retry-rules.js';
import type { AlertTarget, JobRules } from './rule-types.js';
import type { RunRecord, RunResult } from './types.js';

// Odd runs (issue #23): a run that succeeds suspiciously fast (`minDurationSeconds`), a job that runs more often than
// its schedule allows (`minIntervalSeconds`), a running run without progress (`stallSeconds`, watched in
// execute.ts) and `utilizationStreakRuns` runs in a row at ≥ `warningPercent` (escalate, seed 000) — plus the
// recovery threshold of `JobConsecutiveFailures` (`recoveryRuns`). The ledger inputs are read once after each run
// (`readShape`) and exported as gauges, which the generated rules read from the replica that ran last.

/** Alert names of the odd-run rules (also used by the generated Prometheus rules). */
export const ODD_RUN_ALERTS = {
  stalled: ALERT_CATALOGUE.JobStalled.name,
  tooFast: ALERT_CATALOGUE.JobRunTooFast.name,
  tooOften: ALERT_CATALOGUE.JobRunTooOften.name,
  utilizationStreak: ALERT_CATALOGUE.JobUtilizationStreak.name,
} as const;

/** What the ledger says about the runs up to the one just recorded. */
export interface RunShape {
  /** Seconds between the starts of this run and the executed run before it; undefined for the first. */
  intervalSeconds: number | undefined;
  /** Executed runs in a row, newest first, at or above the warning share of their budget. */
  highUtilizationStreak: number;
  /** Successful runs in a row, newest first. */
  consecutiveSuccesses: number;
}

/** Ledger rows read to find the streaks past standbys' skipped runs (streaks longer than this count as this). */
const RECENT = 200;
const executed = (r: RunRecord) => r.outcome !== 'running' && r.outcome !== 'skipped_locked' && r.outcome !== 'skipped_overlap';

/** Reads the run's shape from the ledger (undefined when it cannot be read or does not hold the run yet). */
export async function readShape(ledger: GuardedLedger, result: RunResult, warningPercent: number): Promise<RunShape | undefined> {
  const rows = await ledger.recent(result.job, RECENT);
  if (!rows) return undefined;
  const runs = rows.filter(executed).sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime());
  const at = runs.findIndex((r) => r.runId === result.runId);
  if (at < 0) return undefined;
  const mine = runs.slice(at);
  const previous = mine[1];
  const streak = (test: (r: RunRecord) => boolean) => {
    const n = mine.findIndex((r) => !test(r));
    return n < 0 ? mine.length : n;
  };
  return {
    intervalSeconds: previous ? (result.startedAt.getTime() - previous.startedAt.getTime()) / 1000 : undefined,
    highUtilizationStreak: streak((r) => r.budgetSeconds > 0 && (r.durationSeconds / r.budgetSeconds) * 100 >= warningPercent),
    consecutiveSuccesses: streak((r) => r.outcome === 'succeeded'),
  };
}

/** Exports a shape as the gauges the generated rules read (`latestBy` the last runner). */
export function recordShape(instruments: JobInstruments, job: string, shape: RunShape): void {
  const attrs = { job_name: job };
  if (shape.intervalSeconds !== undefined) instruments.lastRunInterval.record(shape.intervalSeconds, attrs);
  instruments.highUtilizationStreak.record(shape.highUtilizationStreak, attrs);
  instruments.consecutiveSuccesses.record(shape.consecutiveSuccesses, attrs);
}

/** `JobRunTooFast`: judged on every executed run (no ledger needed). */
export function tooFastRule(rules: JobRules, result: RunResult, alerter: AlertTarget): void {
  const min = rules.minDurationSeconds;
  if (min === undefined) return;
  if (result.outcome === 'succeeded' && result.durationSeconds < min) {
    fire(
      rules,
      alerter,
      ODD_RUN_ALERTS.tooFast,
      'warning',
      `Job ${rules.job} succeeded in ${Math.round(result.durationSeconds * 1000) / 1000} s (< ${min} s)`,
      { actual_duration_seconds: result.durationSeconds, min_duration_seconds: min, processed: result.processed },
      'Check that the job found its input (empty source query, wrong filter, missing credentials that short-circuit).',
    );
  } else alerter.resolve({ alertname: ODD_RUN_ALERTS.tooFast, job_name: rules.job });
}

/** `JobRunTooOften` and `JobUtilizationStreak`, from the ledger's shape of the run just recorded. */
export function shapeRules(rules: JobRules, shape: RunShape, streakRuns: number, alerter: AlertTarget): void {
  const { job } = rules;
  const min = rules.minIntervalSeconds;
  if (min !== undefined && shape.intervalSeconds !== undefined) {
    if (shape.intervalSeconds < min)
      fire(
        rules,
        alerter,
        ODD_RUN_ALERTS.tooOften,
        'warning',
        `Job ${job} started ${Math.round(shape.intervalSeconds)} s after its previous run (< ${min} s)`,
        { interval_seconds: shape.intervalSeconds, min_interval_seconds: min },
        'Look for a second scheduler (a duplicated cron entry, two deployments) or a retry loop outside slakit.',
      );
    else alerter.resolve({ alertname: ODD_RUN_ALERTS.tooOften, job_name: job });
  }
  if (shape.highUtilizationStreak >= streakRuns)
    fire(
      rules,
      alerter,
      ODD_RUN_ALERTS.utilizationStreak,
      'critical',
      `Job ${job} used ≥ ${rules.warningPercent}% of its budget ${shape.highUtilizationStreak} runs in a row`,
      { runs: shape.highUtilizationStreak, threshold_percent: rules.warningPercent },
      'Escalate to the engineering lead: raise the budget or make the job faster (batch size, indexes) before it breaches.',
    );
  else alerter.resolve({ alertname: ODD_RUN_ALERTS.utilizationStreak, job_name: job });
}

/** `JobStalled` while a run is running: fired by the watch in execute.ts, resolved on progress or at the end. */
export function stallAlert(rules: JobRules, sinceMs: number, stallSeconds: number): void {
  if (!rules.alerter) {
    rules.logger.error({ stall_seconds: stallSeconds }, `Job ${rules.job} made no progress for ${Math.round(sinceMs / 1000)} s`);
    return;
  }
  fire(
    rules,
    rules.alerter,
    ODD_RUN_ALERTS.stalled,
    'critical',
    `Job ${rules.job} made no progress for ${Math.round(sinceMs / 1000)} s`,
    { seconds_without_progress: Math.round(sinceMs / 1000), stall_seconds: stallSeconds },
    'Look at what the run waits on (locks: pg_stat_activity, a hung HTTP call); the job keeps running — never kill a running cleanup job blindly.',
  );
}
