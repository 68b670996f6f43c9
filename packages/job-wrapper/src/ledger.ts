import { safeText } from '@slakit/core';
import type { AttemptRecord, RunRecord, RunResult, RunStats } from './types.js';

export type { AttemptRecord, RunRecord, RunStats } from './types.js';

/**
 * Where runs are recorded and queried. Skipped runs are recorded too but never count in rates or baselines.
 * Executed runs claim their schedule slot: a second claim of `(job, slot)` fails, which `withSla` records as
 * `skipped_overlap` — one slot runs once even when two replicas with skewed clocks both fire it.
 * Implementations: `memoryLedger()` (memory-ledger.ts) and `postgresLedger(pool)` (postgres-ledger.ts).
 */
export interface RunLedger {
  /** Claims `(job, slot)` for an executed run (writes a `running` record); false when the slot was already claimed. */
  claim(run: RunRecord): Promise<boolean>;
  /** Writes the final record of a run (updates a claimed one, or inserts). */
  record(run: RunRecord): Promise<void>;
  /** Share of executed runs (succeeded / all but skipped and running) that finished in the last `windowSeconds`. */
  successRate(job: string, windowSeconds: number): Promise<{ rate: number | undefined; runs: number }>;
  /** Executed runs since the last success, newest first, that did not succeed. */
  consecutiveFailures(job: string): Promise<number>;
  /**
   * Median records/hour of the last `runs` (10) successful runs that processed records; `excludeRunId` leaves one run
   * out (the rules pass the run just recorded, so a run never counts in its own baseline).
   */
  baselineThroughput(
    job: string,
    options?: { runs?: number; excludeRunId?: string },
  ): Promise<{ perHour: number | undefined; runs: number }>;
  lastSuccess(job: string): Promise<Date | undefined>;
  recent(job: string, limit?: number): Promise<RunRecord[]>;
  /**
   * Count, duration percentiles (nearest rank) and success rate of executed runs that finished in the window: the
   * `windowSeconds` before `options.until` (default now), `until` excluded — so `GET /ops/slo?from&to` reports exactly
   * `[from, to)`.
   */
  stats(job: string, windowSeconds: number, options?: { until?: Date }): Promise<RunStats>;
  /**
   * Writes one attempt of a run (`withSla({ retry })`), linked to the run by `runId`. Optional for ledgers written
   * before retries: without it attempts are not stored (the run's record still holds `attempts`).
   */
  recordAttempt?(attempt: AttemptRecord): Promise<void>;
  /** The attempts of a run, first first. Optional, as `recordAttempt`. */
  attempts?(runId: string): Promise<AttemptRecord[]>;
  /**
   * Retries per executed run (`attempts − 1` summed / runs) of the runs that finished in the last `windowSeconds`
   * (`JobRetryRateHigh`). Optional: without it the run-time retry-rate rule is off.
   */
  retryRate?(job: string, windowSeconds: number): Promise<{ rate: number | undefined; runs: number }>;
}

/** Outcomes that never count in rates, streaks or baselines. */
export const NOT_EXECUTED: ReadonlySet<string> = new Set(['skipped_locked', 'skipped_overlap', 'running']);

/** Builds the record of a finished run. */
export function recordOf(result: RunResult, budgetSeconds: number, slot: Date | undefined, owner: string | undefined): RunRecord {
  return {
    runId: result.runId,
    job: result.job,
    slot,
    fence: result.fence,
    owner,
    outcome: result.outcome,
    startedAt: result.startedAt,
    finishedAt: result.finishedAt,
    durationSeconds: result.durationSeconds,
    budgetSeconds,
    processed: result.processed,
    errorCode: result.error?.code ?? result.error?.type,
    errorMessage: result.error?.message === undefined ? undefined : safeText(result.error.message, 500),
    dryRun: result.dryRun,
    attempts: result.attempts,
  };
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Median of values (the mean of the two middle ones for an even count). */
export function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}
