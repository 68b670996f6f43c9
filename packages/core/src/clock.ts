/** An opaque timer handle returned by a {@link Clock}. */
export type TimerHandle = { readonly __timer: unique symbol } | object;

/**
 * Time source and timers used by every slakit component, so tests can drive time with a fake clock
 * (`createFakeClock()` in `@slakit/core/testing`).
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /**
   * Schedules `fn` once after `ms` milliseconds — exactly, however long (no 2^31-1 ms clamp); `Infinity` never fires,
   * NaN and negative delays fire at once. Real timers are unref'd: they never keep the host alive.
   */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Cancels a timer from {@link Clock.setTimeout}. */
  clearTimeout(handle: TimerHandle | undefined): void;
  /** Schedules `fn` every `ms` milliseconds (same delay rules as `setTimeout`). Real timers are unref'd. */
  setInterval(fn: () => void, ms: number): TimerHandle;
  /** Cancels a timer from {@link Clock.setInterval}. */
  clearInterval(handle: TimerHandle | undefined): void;
}

/** The largest delay a Node timer keeps (2^31-1 ms, ~24.8 days); Node clamps longer ones to 1 ms. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/**
 * A delay as every slakit clock reads it: NaN and negative → 0 (fire at once, as Node does, without its warning),
 * +Infinity stays Infinity (never fires), anything else as given — never clamped.
 */
export function timerDelay(ms: number): number {
  const n = Number(ms);
  return Number.isNaN(n) || n < 0 ? 0 : n;
}

/** A real timer that may span several Node timers (delays beyond {@link MAX_TIMER_DELAY_MS} are chained). */
interface ChainedTimer {
  node: NodeJS.Timeout | undefined;
  cleared: boolean;
}

/**
 * Runs `fn` after `ms` on Node timers, chaining segments of at most {@link MAX_TIMER_DELAY_MS}; `every` re-arms it
 * after each run (an interval). Every segment is unref'd.
 */
function chainedTimer(fn: () => void, ms: number, every: boolean): ChainedTimer {
  const delay = timerDelay(ms);
  const timer: ChainedTimer = { node: undefined, cleared: false };
  if (delay === Number.POSITIVE_INFINITY) return timer; // never fires
  const arm = (remaining: number) => {
    if (timer.cleared) return;
    const segment = Math.min(remaining, MAX_TIMER_DELAY_MS);
    timer.node = setTimeout(() => {
      timer.node = undefined;
      if (timer.cleared) return;
      if (remaining > segment) return arm(remaining - segment);
      // An interval re-arms before running, so clearing it from its own callback stops it (like setInterval).
      if (every) arm(Math.max(1, delay));
      fn();
    }, segment);
    timer.node.unref();
  };
  arm(delay);
  return timer;
}

function clearChained(handle: TimerHandle | undefined): void {
  if (!handle || typeof handle !== 'object') return;
  const timer = handle as Partial<ChainedTimer>;
  if (typeof timer.cleared === 'boolean') {
    timer.cleared = true;
    if (timer.node) clearTimeout(timer.node);
    timer.node = undefined;
  } else if ('ref' in handle) {
    clearTimeout(handle as NodeJS.Timeout); // a plain Node timer handed in by a caller
  }
}

/**
 * The real clock: `Date.now()` and unref'd Node timers. Delays beyond Node's 2^31-1 ms limit are chained, so a
 * 40-day timeout fires after 40 days (Node alone would fire it after 1 ms with a `TimeoutOverflowWarning`);
 * `Infinity` never fires; NaN and negative delays fire at once.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => chainedTimer(fn, ms, false),
  clearTimeout: clearChained,
  setInterval: (fn, ms) => chainedTimer(fn, ms, true),
  clearInterval: clearChained,
};

/**
 * Resolves with `promise`'s value, or with `undefined` once `ms` have passed — whichever comes first.
 * Never rejects: a rejection is passed to `onError` and resolves `undefined`. The timer runs on `clock`
 * (default {@link systemClock}: unref'd, long delays chained).
 */
export function withDeadline<T>(
  promise: Promise<T>,
  ms: number,
  onError: (error: unknown) => void = () => {},
  onTimeout: () => void = () => {},
  clock: Pick<Clock, 'setTimeout' | 'clearTimeout'> = systemClock,
): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = clock.setTimeout(() => {
      onTimeout();
      resolve(undefined);
    }, ms);
    promise.then(
      (value) => {
        clock.clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clock.clearTimeout(timer);
        onError(error);
        resolve(undefined);
      },
    );
  });
}

/**
 * Runs `fn(signal)` with a deadline on `clock`: at the deadline `signal` aborts with `timeoutError()` and the returned
 * promise rejects with it (even if `fn` ignores the signal). A synchronous throw becomes a rejection; the timer is
 * always cleared.
 */
export function runWithDeadline<T>(
  clock: Pick<Clock, 'setTimeout' | 'clearTimeout'>,
  ms: number,
  fn: (signal: AbortSignal) => Promise<T> | T,
  timeoutError: () => Error,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const controller = new AbortController();
    const timer = clock.setTimeout(() => {
      const error = timeoutError();
      controller.abort(error);
      reject(error);
    }, ms);
    Promise.resolve()
      .then(() => fn(controller.signal))
      .then(
        (value) => {
          clock.clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clock.clearTimeout(timer);
          reject(error);
        },
      );
  });
}

/**
 * Like `AbortSignal.timeout(ms)`, but on `clock` (default {@link systemClock}), so a long `ms` is not clamped to
 * 1 ms: the signal aborts with a `TimeoutError` `DOMException` once `ms` have passed. The timer is unref'd.
 */
export function timeoutSignal(ms: number, clock: Pick<Clock, 'setTimeout'> = systemClock): AbortSignal {
  const controller = new AbortController();
  clock.setTimeout(() => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), ms);
  return controller.signal;
}
