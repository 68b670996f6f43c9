import { type Clock, runWithDeadline, systemClock } from '@slakit/core';
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
}

/** Options of the runner. */
export interface RunnerOptions {
  clock?: Clock;
  random?: () => number;
  onResult?: (state: CheckState, previous: CheckResult | undefined) => void;
}

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
      { check, result: undefined, time: undefined, latencyMs: undefined, runs: 0, running: undefined },
    ]),
  );
  const timers = new Map<string, ReturnType<Clock['setTimeout']>>();
  let stopped = true;

  const runOnce = (state: CheckState): Promise<void> => {
    if (state.running) return state.running;
    const { check } = state;
    state.runs += 1;
    const started = performance.now();
    const promise = runWithDeadline(
      clock,
      check.timeoutMs,
      (signal) => check.run(signal),
      () => Object.assign(new Error('check deadline exceeded'), { name: 'TimeoutError' }),
    )
      .then(normalize, (error: unknown): CheckResult => ({ status: 'fail', output: failureCode(error) }))
      .then((result) => {
        const previous = state.result;
        state.result = result;
        state.time = clock.now();
        state.latencyMs = performance.now() - started;
        state.running = undefined;
        try {
          options.onResult?.(state, previous);
        } catch {
          // reporting must never break the runner
        }
      });
    state.running = promise;
    return promise;
  };

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

function normalize(result: CheckResult | undefined): CheckResult {
  if (!result || typeof result !== 'object' || !['pass', 'warn', 'fail'].includes(result.status)) {
    return { status: 'fail', output: 'INVALID_RESULT' };
  }
  return result;
}
