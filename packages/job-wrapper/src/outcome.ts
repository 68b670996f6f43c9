import { describeError } from '@slakit/core';
import type { JobReturn, RunOutcome, RunResult } from './types.js';

/** What every result of one call shares. */
export interface RunBase {
  runId: string;
  job: string;
  dryRun: boolean;
  scheduledAt: Date;
  /** Unix ms of the schedule slot when the call passed `scheduledAt` (start lateness), else undefined. */
  slotAt?: number;
}

/** How the job body ended, as seen by the run phase. */
export interface Execution {
  startedAt: number;
  finishedAt: number;
  fence: bigint;
  /** What the job returned (undefined when it threw or was abandoned at the hard deadline). */
  returned: JobReturn;
  /** What the job threw, if it did (before any hard deadline). */
  thrown: { error: unknown } | undefined;
  /** Set when slakit aborted the run. */
  abortedBy: 'lease_lost' | 'timed_out' | undefined;
  /** The reason `ctx.signal` aborted with. */
  abortReason: unknown;
  /** Records reported through `ctx.progress()` by the last attempt. */
  reported: number;
  /** Records the earlier attempts processed (returned or reported). */
  priorProcessed: number;
  /** Attempts the run took (≥ 1). */
  attempts: number;
  /** Allowed attempts (`retry.attempts`, 1 without retries). */
  maxAttempts: number;
  /** Unix ms of the schedule slot, for a run called with `scheduledAt`. */
  slotAt: number | undefined;
  budgetMs: number;
}

/** A failed run that used its last allowed attempt, with retries configured (`JobRetriesExhausted`). */
export function retriesExhausted(outcome: RunOutcome, attempts: number, maxAttempts: number): boolean {
  return outcome === 'failed' && maxAttempts > 1 && attempts >= maxAttempts;
}

/** Any thrown value as safe strings (never throws; see `describeError`). */
export function errorInfo(error: unknown): NonNullable<RunResult['error']> {
  const { name, code, message } = describeError(error);
  return { type: name, code, message };
}

/** `processed` of what the job returned, read without trusting it (a Proxy or a throwing getter counts as none). */
export function returnedProcessed(returned: unknown): number | undefined {
  if (returned === null || typeof returned !== 'object') return undefined;
  try {
    const p = (returned as { processed?: unknown }).processed;
    return typeof p === 'number' && Number.isFinite(p) && p >= 0 ? p : undefined;
  } catch {
    return undefined;
  }
}

/** The result of a run that did not execute (skipped, or refused before it started). */
export function blankResult(base: RunBase, outcome: RunOutcome, at: Date, error?: RunResult['error']): RunResult {
  return {
    runId: base.runId,
    job: base.job,
    outcome,
    startedAt: at,
    finishedAt: at,
    durationSeconds: 0,
    utilization: 0,
    processed: 0,
    throughputPerHour: 0,
    fence: undefined,
    error,
    dryRun: base.dryRun,
    scheduledAt: base.scheduledAt,
    attempts: 0,
    retriesExhausted: false,
    startDelaySeconds: undefined,
  };
}

/** Records per hour of a run (0 when it processed nothing or took no time). */
export function throughputPerHour(processed: number, durationMs: number): number {
  return durationMs > 0 && processed > 0 ? processed / (durationMs / 3_600_000) : 0;
}

/** The result of a run that executed: outcome, duration, utilization, records and throughput, error. */
export function executedResult(base: RunBase, run: Execution): RunResult {
  const durationMs = run.finishedAt - run.startedAt;
  const processed = run.priorProcessed + (returnedProcessed(run.returned) ?? run.reported);
  const outcome: RunOutcome = run.abortedBy ?? (run.thrown ? 'failed' : 'succeeded');
  return {
    ...base,
    outcome,
    startedAt: new Date(run.startedAt),
    finishedAt: new Date(run.finishedAt),
    durationSeconds: durationMs / 1000,
    utilization: durationMs / run.budgetMs,
    processed,
    throughputPerHour: throughputPerHour(processed, durationMs),
    fence: run.fence,
    error: run.thrown ? errorInfo(run.thrown.error) : run.abortedBy ? errorInfo(run.abortReason) : undefined,
    attempts: run.attempts,
    retriesExhausted: retriesExhausted(outcome, run.attempts, run.maxAttempts),
    startDelaySeconds: run.slotAt === undefined ? undefined : Math.max(0, run.startedAt - run.slotAt) / 1000,
  };
}
