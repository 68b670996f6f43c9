/** An opaque timer handle returned by a {@link Clock}. */
export type TimerHandle = { readonly __timer: unique symbol } | object;

/**
 * Time source and timers used by every slakit component, so tests can drive time with a fake clock
 * (`createFakeClock()` in `@slakit/core/testing`).
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Schedules `fn` once after `ms` milliseconds. Real timers are unref'd: they never keep the host alive. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Cancels a timer from {@link Clock.setTimeout}. */
  clearTimeout(handle: TimerHandle | undefined): void;
  /** Schedules `fn` every `ms` milliseconds. Real timers are unref'd. */
  setInterval(fn: () => void, ms: number): TimerHandle;
  /** Cancels a timer from {@link Clock.setInterval}. */
  clearInterval(handle: TimerHandle | undefined): void;
}

/** The real clock: `Date.now()` and unref'd Node timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimeout(handle) {
    if (handle) clearTimeout(handle as NodeJS.Timeout);
  },
  setInterval(fn, ms) {
    const t = setInterval(fn, ms);
    t.unref();
    return t;
  },
  clearInterval(handle) {
    if (handle) clearInterval(handle as NodeJS.Timeout);
  },
};

/**
 * Resolves with `promise`'s value, or with `undefined` once `ms` have passed — whichever comes first.
 * Never rejects: a rejection is passed to `onError` and resolves `undefined`. The timer is unref'd.
 */
export function withDeadline<T>(
  promise: Promise<T>,
  ms: number,
  onError: (error: unknown) => void = () => {},
  onTimeout: () => void = () => {},
): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      onTimeout();
      resolve(undefined);
    }, ms);
    timer.unref();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
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
