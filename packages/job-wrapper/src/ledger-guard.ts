import { describeError, withDeadline } from '@slakit/core';
import type { Logger } from 'pino';
import type { RunLedger } from './ledger.js';
import type { AttemptRecord, RunRecord } from './types.js';

/** The ledger calls of a run: each has a deadline, never throws and resolves undefined when the ledger failed. */
export interface GuardedLedger {
  claim(run: RunRecord): Promise<boolean | undefined>;
  record(run: RunRecord): Promise<void>;
  successRate(job: string, windowSeconds: number): Promise<{ rate: number | undefined; runs: number } | undefined>;
  consecutiveFailures(job: string): Promise<number | undefined>;
  baselineThroughput(
    job: string,
    options: { runs: number; excludeRunId: string },
  ): Promise<{ perHour: number | undefined; runs: number } | undefined>;
  lastSuccess(job: string): Promise<Date | undefined>;
  recent(job: string, limit: number): Promise<RunRecord[] | undefined>;
  /** A ledger without `recordAttempt` stores no attempts (resolves at once). */
  recordAttempt(attempt: AttemptRecord): Promise<void>;
  /** Undefined for a ledger without `retryRate`, as for an unreadable one. */
  retryRate(job: string, windowSeconds: number): Promise<{ rate: number | undefined; runs: number } | undefined>;
}

/**
 * Wraps a ledger for the run path: every call gets `timeoutMs` and a failing or hanging ledger is logged at warn
 * (`run ledger: <call> failed` / `timed out`), never failing the run.
 */
export function guardLedger(ledger: RunLedger, timeoutMs: number, logger: Logger): GuardedLedger {
  const call = <T>(what: string, fn: () => Promise<T>): Promise<T | undefined> =>
    withDeadline(
      Promise.resolve().then(fn),
      timeoutMs,
      (error) => {
        const { name, code, message } = describeError(error);
        logger.warn({ error: { type: name, code, message } }, `run ledger: ${what} failed`);
      },
      () => logger.warn(`run ledger: ${what} timed out`),
    );
  return {
    claim: (run) => call('claim', () => ledger.claim(run)),
    record: async (run) => void (await call('record', () => ledger.record(run))),
    successRate: (job, windowSeconds) => call('successRate', () => ledger.successRate(job, windowSeconds)),
    consecutiveFailures: (job) => call('consecutiveFailures', () => ledger.consecutiveFailures(job)),
    baselineThroughput: (job, options) => call('baseline', () => ledger.baselineThroughput(job, options)),
    lastSuccess: (job) => call('lastSuccess', () => ledger.lastSuccess(job)),
    recent: (job, limit) => call('recent', () => ledger.recent(job, limit)),
    recordAttempt: async (attempt) => {
      if (typeof ledger.recordAttempt === 'function')
        await call('recordAttempt', () => (ledger.recordAttempt as NonNullable<RunLedger['recordAttempt']>)(attempt));
    },
    retryRate: async (job, windowSeconds) =>
      typeof ledger.retryRate === 'function'
        ? call('retryRate', () => (ledger.retryRate as NonNullable<RunLedger['retryRate']>)(job, windowSeconds))
        : undefined,
  };
}
