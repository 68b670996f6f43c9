import type { RunOutcome, RunRecord } from '@slakit/core';
import type { Logger } from 'pino';

// Types shared by withSla, the run ledgers and the rules. This module imports nothing from its callers (only types of core
// and of third-party packages), so the storage layer never depends on the wrapper that writes to it.

/** How a run ended, and one run as stored in a ledger: defined once in `@slakit/core` (read by `@slakit/ops` too). */
export type { RunOutcome, RunRecord };

/** What the job function receives. */
export interface JobContext<I = unknown> {
  /** Aborted on a lost lease or at the hard timeout: stop work and return. */
  signal: AbortSignal;
  /** The lease fence: strictly increasing across all holders of this job's lease; guard writes with it. */
  fence: bigint;
  /** Reports processed records (adds to the run's count). */
  progress(records: number): void;
  runId: string;
  dryRun: boolean;
  /** Logger with `job` and `run_id` bound. */
  logger: Logger;
  /** The schedule slot of this run (from `schedule()`), else the start time. */
  scheduledAt: Date;
  /** What the caller passed to the wrapped function. */
  input: I | undefined;
  /** This attempt of the run, from 1 (`withSla({ retry })` calls the job again after a failure). */
  attempt: number;
}

/** What a job may return. */
// biome-ignore lint/suspicious/noConfusingVoidType: job functions that return nothing are typed `void`
export type JobReturn = { processed?: number } | undefined | void;

/** The record of one run. */
export interface RunResult {
  runId: string;
  job: string;
  outcome: RunOutcome;
  startedAt: Date;
  finishedAt: Date;
  durationSeconds: number;
  /** Duration / budget (0 for skipped runs). */
  utilization: number;
  processed: number;
  /** Records per hour of this run (0 when nothing was processed). */
  throughputPerHour: number;
  fence: bigint | undefined;
  /**
   * Error of a failed run, whatever was thrown (`describeError`): class name (or the kind of value thrown), code (the
   * error's own, else its class name, else `NON_ERROR_THROWN`/`UNREADABLE_ERROR`) and a sanitised message
   * (credentials removed, at most 500 characters, no NUL or lone surrogates).
   */
  error: { type: string; code: string | undefined; message: string } | undefined;
  dryRun: boolean;
  scheduledAt: Date;
  /** Attempts the run took (1 without `retry`; 0 for a run that did not execute). */
  attempts: number;
  /** The run failed on its last allowed attempt (`retry.attempts` > 1). */
  retriesExhausted: boolean;
  /** Schedule slot → start of the run, in seconds, for a run called with `scheduledAt`; else undefined. */
  startDelaySeconds: number | undefined;
}

/** One attempt of a run, as stored in a ledger (`withSla({ retry })`), linked to its run by `runId`. */
export interface AttemptRecord {
  runId: string;
  job: string;
  /** From 1. */
  attempt: number;
  outcome: 'succeeded' | 'failed' | 'timed_out' | 'lease_lost';
  startedAt: Date;
  finishedAt: Date;
  durationSeconds: number;
  errorCode: string | undefined;
  /** Sanitised, at most 500 characters. */
  errorMessage: string | undefined;
  /** The backoff before the next attempt, in ms; undefined for the last attempt. */
  retryDelayMs: number | undefined;
}

/** Options of one call of the wrapped function. */
export interface RunOptions {
  /** Schedule slot of this run; a valid Date (else the call rejects with `ERR_SLAKIT_INVALID_OPTION`). */
  scheduledAt?: Date;
  /** Overrides the wrapper's `dryRun`. */
  dryRun?: boolean;
}

/** The wrapped job: each call performs one run. */
export interface SlaJob<I = unknown> {
  (input?: I, options?: RunOptions): Promise<RunResult>;
  /** The job name. */
  readonly jobName: string;
  /** The budget in seconds. */
  readonly budgetSeconds: number;
  /** Records a run that did not happen (e.g. a schedule fire while the previous run is still going): metrics, ledger, log. */
  skip(outcome: 'skipped_overlap' | 'skipped_locked', options?: RunOptions): Promise<RunResult>;
  /**
   * The last success in the job's ledger — shared across replicas with a shared ledger — read with the ledger
   * deadline; undefined without a ledger, before any success, or when the ledger cannot be read. `schedule()`'s
   * missed-run watchdog asks it before it fires, so a replica that lost every lease race does not report a job that
   * another replica runs.
   */
  lastSuccess(): Promise<Date | undefined>;
}

/** Duration statistics of a job over a window. */
export interface RunStats {
  count: number;
  p50: number | undefined;
  p95: number | undefined;
  p99: number | undefined;
  successRate: number | undefined;
}

/** Thresholds of the rules evaluated after every run (defaults from the seeds / `loadEnvConfig()`). */
export interface RuleOptions {
  /** Success rate below which the job is critical; default `SLA_SUCCESS_RATE_THRESHOLD` (0.95). */
  successRateThreshold?: number;
  /** Window of the success rate, in seconds; default 86400 (24 h). */
  successRateWindowSeconds?: number;
  /** Executed runs needed in the window before the success rate can alert; default 5. */
  minRuns?: number;
  /** Throughput below this share of the baseline warns; default 0.5. */
  throughputRatio?: number;
  /** Successful runs the baseline is the median of; default 10. */
  baselineRuns?: number;
  /** Runs the baseline needs before it can alert; default 5. */
  minBaselineRuns?: number;
  /** Consecutive failed runs that are critical; default 3. */
  consecutiveFailures?: number;
  /** Retries per executed run over the window above which the job warns (`JobRetryRateHigh`); default 0.2. */
  retryRateThreshold?: number;
  /** Window of the retry rate, in seconds; default 86400 (24 h). */
  retryRateWindowSeconds?: number;
  /** Executed runs in a row at or above `warningPercent` that escalate (`JobUtilizationStreak`); default 3. */
  utilizationStreakRuns?: number;
  /** Successful runs in a row that resolve `JobConsecutiveFailures` (recovery threshold); default 1. */
  recoveryRuns?: number;
}
