import { type Clock, invalidOption, MAX_MS, SlakitError, systemClock } from '@slakit/core';

/** `withSla({ retry })`: calls the job again after a failed attempt, within the same run (one lease, one budget). */
export interface RetryOptions {
  /** Attempts in all, the first included: an integer from 1 to 100; default 3 (1 = no retries). */
  attempts?: number;
  /** `exponential` (default): `baseMs × 2^(attempt − 1)`, capped at `maxMs`; `fixed`: always `baseMs`. */
  backoff?: 'exponential' | 'fixed';
  /** First (or every, with `fixed`) delay before a retry, in ms (≥ 0); default 1000. */
  baseMs?: number;
  /** Longest delay before a retry, in ms (≥ `baseMs`); default 60000. */
  maxMs?: number;
  /**
   * Share of each delay that is random, from 0 to 1 (`true` = 1, full jitter; `false` = 0): the delay is
   * `d × (1 − jitter × random())`, never above `maxMs`; default 0 (deterministic).
   */
  jitter?: number | boolean;
  /**
   * Whether a failed attempt is retried, from what it threw and its number (from 1); default: every failure. Runs
   * aborted by slakit (`lease_lost`, `timed_out`) are never retried. A `retryOn` that throws counts as `false`.
   */
  retryOn?: (error: unknown, attempt: number) => boolean;
}

/** The retry policy of a job, resolved and checked once. */
export interface RetryPolicy {
  attempts: number;
  backoff: 'exponential' | 'fixed';
  baseMs: number;
  maxMs: number;
  jitter: number;
  retryOn: ((error: unknown, attempt: number) => boolean) | undefined;
  random: () => number;
}

/** Without `retry`: one attempt. */
export const NO_RETRY: RetryPolicy = {
  attempts: 1,
  backoff: 'fixed',
  baseMs: 0,
  maxMs: 0,
  jitter: 0,
  retryOn: undefined,
  random: Math.random,
};

const RETRY_DEFAULTS = { attempts: 3, backoff: 'exponential', baseMs: 1000, maxMs: 60_000, jitter: 0 } as const;

/**
 * Resolves `retry` (types already checked by the options schema) with its defaults and checks what the schema
 * cannot: `maxMs ≥ baseMs`.
 * @throws SlakitError `ERR_SLAKIT_INVALID_OPTION`
 */
export function retryPolicy(retry: RetryOptions | undefined, random: () => number = Math.random): RetryPolicy {
  if (retry === undefined) return NO_RETRY;
  const o = { ...RETRY_DEFAULTS, ...retry };
  const baseMs = o.baseMs;
  const maxMs = retry.maxMs ?? Math.max(RETRY_DEFAULTS.maxMs, baseMs);
  if (!Number.isInteger(o.attempts) || o.attempts < 1 || o.attempts > 100)
    throw invalidOption('retry.attempts', o.attempts, 'an integer from 1 to 100 (attempts in all, the first included)');
  if (!(Number.isFinite(baseMs) && baseMs >= 0 && baseMs <= MAX_MS))
    throw invalidOption('retry.baseMs', baseMs, 'a number of ms ≥ 0');
  if (!(Number.isFinite(maxMs) && maxMs <= MAX_MS) || maxMs < baseMs)
    throw new SlakitError('ERR_SLAKIT_INVALID_OPTION', `retry.maxMs (${maxMs}) must be ≥ retry.baseMs (${baseMs})`, {
      field: 'retry.maxMs',
      value: maxMs,
      accepted: `a number of ms ≥ retry.baseMs (${baseMs})`,
    });
  const jitter = o.jitter === true ? 1 : o.jitter === false ? 0 : o.jitter;
  if (!(Number.isFinite(jitter) && jitter >= 0 && jitter <= 1))
    throw invalidOption('retry.jitter', o.jitter, 'a number from 0 to 1, or true / false');
  return { attempts: o.attempts, backoff: o.backoff, baseMs, maxMs, jitter, retryOn: retry.retryOn, random };
}

/** The delay before attempt `attempt + 1`, in ms (never above `maxMs`, never negative). */
export function retryDelayMs(policy: RetryPolicy, attempt: number): number {
  const raw = policy.backoff === 'fixed' ? policy.baseMs : policy.baseMs * 2 ** Math.min(attempt - 1, 60);
  const capped = Math.min(policy.maxMs, raw);
  const x = policy.jitter > 0 ? policy.random() : 0;
  const r = Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0; // a broken random source means no jitter
  return Math.max(0, Math.round(capped * (1 - policy.jitter * r)));
}

/** Whether the failed attempt `attempt` is retried: attempts left and `retryOn` says yes (a throwing one says no). */
export function shouldRetry(policy: RetryPolicy, error: unknown, attempt: number): boolean {
  if (attempt >= policy.attempts) return false;
  if (!policy.retryOn) return true;
  try {
    return policy.retryOn(error, attempt) === true;
  } catch {
    return false;
  }
}

/**
 * Waits `ms` on the clock, or until `signal` aborts (a lost lease or the hard deadline ends the backoff at once).
 * On the system clock the timer is a plain (ref'd) one: a one-shot job process must not exit during a backoff.
 */
export function backoff(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    let cancel: () => void = () => {};
    const done = () => {
      cancel();
      signal.removeEventListener('abort', done);
      resolve();
    };
    if (clock === systemClock) {
      const timer = setTimeout(done, ms);
      cancel = () => clearTimeout(timer);
    } else {
      const timer = clock.setTimeout(done, ms);
      cancel = () => clock.clearTimeout(timer);
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
