import { type Clock, runWithDeadline, sanitizeMessage, systemClock } from '@slakit/core';
import { type CheckResult, failureCode, type ResolvedCheck } from './check.js';

/** The latest result of a check. */
export interface CheckState {
  check: ResolvedCheck;
  /** Undefined until the first run finished. */
  result: CheckResult | undefined;
  /** When the latest result was produced (epoch ms). */
  time: number | undefined;
  /** Duration of the latest run in ms. */
  latencyMs: number | undefined;
  /** How many times `run` was called (single-flight: never more than one at a time). */
  runs: number;
  running: Promise<void> | undefined;
  /**
   * True while a run that passed its deadline has not settled (the check ignores its `AbortSignal`): no new run
   * starts until it settles, and the check stays `fail` / `TIMEOUT`.
   */
  stuck: boolean;
}

/** Options of the runner. */
export interface RunnerOptions {
  clock?: Clock;
  random?: () => number;
  onResult?: (state: CheckState, previous: CheckResult | undefined) => void;
}

/** What {@link createRunner} returns. */
export type Runner = ReturnType<typeof createRunner>;

/**
 * Runs every check in the background on its TTL (± 10 % jitter), one run at a time per check (single-flight),
 * each with a hard deadline that aborts its signal and records `fail` / `TIMEOUT`. Timers are unref'd.
 */
export function createRunner(checks: ResolvedCheck[], options: RunnerOptions = {}) {
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const states = new Map<string, CheckState>(
    checks.map((check) => [
      check.name,
      { check, result: undefined, time: undefined, latencyMs: undefined, runs: 0, running: undefined, stuck: false },
    ]),
  );
  const timers = new Map<string, ReturnType<Clock['setTimeout']>>();
  let stopped = true;

  const runOnce = (state: CheckState) => runCheck(state, clock, options.onResult);

  const schedule = (state: CheckState) => {
    if (stopped) return;
    const ttl = state.check.ttlMs;
    const delay = Math.max(1, ttl * (0.9 + random() * 0.2));
    timers.set(
      state.check.name,
      clock.setTimeout(() => {
        runOnce(state).finally(() => schedule(state));
      }, delay),
    );
  };

  return {
    states,
    /** Starts background runs: every check runs now, then on its TTL. */
    start() {
      if (!stopped) return;
      stopped = false;
      for (const state of states.values()) runOnce(state).finally(() => schedule(state));
    },
    /** Runs one check now (single-flight), e.g. for an on-demand refresh. */
    runNow: (name: string) => {
      const state = states.get(name);
      return state ? runOnce(state) : Promise.resolve();
    },
    /** Resolves when every check has a result, or after `ms`. */
    async firstResults(ms: number): Promise<void> {
      const pending = [...states.values()].filter((s) => s.result === undefined).map((s) => s.running ?? runOnce(s));
      if (pending.length === 0) return;
      await new Promise<void>((resolve) => {
        const timer = systemClock.setTimeout(resolve, ms);
        Promise.all(pending).then(() => {
          systemClock.clearTimeout(timer);
          resolve();
        });
      });
    },
    stop() {
      stopped = true;
      for (const t of timers.values()) clock.clearTimeout(t);
      timers.clear();
    },
  };
}

/**
 * Runs one check now with its deadline (single-flight: a run in flight is returned; a stuck run — past its deadline,
 * not settled — only moves `time` on), stores the normalised result and reports it to `onResult`.
 */
function runCheck(state: CheckState, clock: Clock, onResult: RunnerOptions['onResult']): Promise<void> {
  if (state.running) return state.running;
  if (state.stuck) {
    // The previous run passed its deadline and still has not settled: never a second run in flight. The result
    // stays fail / TIMEOUT (recorded at the deadline); only its time moves on.
    state.time = clock.now();
    return Promise.resolve();
  }
  const { check } = state;
  state.runs += 1;
  const started = performance.now();
  let settled = false;
  let abandoned = false;
  const settle = () => {
    settled = true;
    // A late result is ignored; the next scheduled run is a normal one again.
    if (abandoned) state.stuck = false;
  };
  const promise = runWithDeadline(
    clock,
    check.timeoutMs,
    (signal) => {
      const run = Promise.resolve().then(() => check.run(signal));
      run.then(settle, settle);
      return run;
    },
    () => Object.assign(new Error('check deadline exceeded'), { name: 'TimeoutError' }),
  )
    .then(normalize, (error: unknown): CheckResult => ({ status: 'fail', output: failureCode(error) }))
    .then((result) => {
      if (!settled) {
        abandoned = true;
        state.stuck = true;
      }
      const previous = state.result;
      state.result = result;
      state.time = clock.now();
      state.latencyMs = performance.now() - started;
      state.running = undefined;
      try {
        onResult?.(state, previous);
      } catch {
        // reporting must never break the runner
      }
    });
  state.running = promise;
  return promise;
}

const INVALID: Readonly<CheckResult> = Object.freeze({ status: 'fail', output: 'INVALID_RESULT' });

/**
 * Copies the fields of the IETF format out of whatever a check returned, so nothing it returns can break a
 * response: a non-finite, bigint or object `observedValue` is dropped, strings are bounded, a throwing getter or
 * an unknown status gives `fail` / `INVALID_RESULT`; text fields are scrubbed of secrets (`sanitizeMessage`).
 */
function normalize(result: unknown): CheckResult {
  try {
    if (!result || typeof result !== 'object') return { ...INVALID };
    const { status, observedValue, observedUnit, output } = result as Record<string, unknown>;
    if (status !== 'pass' && status !== 'warn' && status !== 'fail') return { ...INVALID };
    const out: CheckResult = { status };
    if (typeof observedValue === 'number' ? Number.isFinite(observedValue) : typeof observedValue === 'boolean')
      out.observedValue = observedValue as number | boolean;
    // free text a check author wrote (a custom() check may echo a driver message): scrubbed like ops/ledger text
    else if (typeof observedValue === 'string') out.observedValue = sanitizeMessage(observedValue, 256);
    if (typeof observedUnit === 'string') out.observedUnit = sanitizeMessage(observedUnit, 64);
    if (typeof output === 'string') out.output = sanitizeMessage(output, 256);
    return out;
  } catch {
    return { ...INVALID };
  }
}
