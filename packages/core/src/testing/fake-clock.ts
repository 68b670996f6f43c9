import { type Clock, type TimerHandle, timerDelay } from '../clock.js';

interface FakeTimer {
  id: number;
  at: number;
  every: number | undefined;
  fn: () => void;
}

/**
 * A manually driven {@link Clock}: time only moves when the test calls `advance()` or `set()`. Delays follow
 * `systemClock`'s rules (never clamped; `Infinity` never fires; NaN and negative delays fire at once).
 */
export interface FakeClock extends Clock {
  /** Moves time forward by `ms`, firing due timers in order; awaits pending promise callbacks after each. */
  advance(ms: number): Promise<void>;
  /** Moves time to the absolute epoch-ms `at` (never backwards), firing due timers. */
  set(at: number): Promise<void>;
  /** Number of timers still scheduled. */
  pending(): number;
}

async function drainMicrotasks(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * Creates a fake clock starting at `startMs` (default 2026-01-01T00:00:00Z). No global timers are replaced.
 */
export function createFakeClock(startMs = Date.UTC(2026, 0, 1)): FakeClock {
  let now = startMs;
  let nextId = 1;
  const timers = new Map<number, FakeTimer>();

  const schedule = (fn: () => void, ms: number, every: number | undefined): TimerHandle => {
    const id = nextId++;
    // The same delay rules as systemClock: exact however long, Infinity never fires, NaN/negative fire at once.
    timers.set(id, { id, at: now + timerDelay(ms), every: every === undefined ? undefined : timerDelay(every), fn });
    return { id };
  };
  const cancel = (handle: TimerHandle | undefined) => {
    if (handle && typeof handle === 'object' && 'id' in handle) timers.delete((handle as { id: number }).id);
  };

  const runUntil = async (target: number) => {
    await drainMicrotasks();
    for (;;) {
      let due: FakeTimer | undefined;
      for (const timer of timers.values()) {
        if (timer.at <= target && (!due || timer.at < due.at || (timer.at === due.at && timer.id < due.id))) due = timer;
      }
      if (!due) break;
      now = Math.max(now, due.at);
      if (due.every !== undefined) due.at = now + Math.max(1, due.every);
      else timers.delete(due.id);
      due.fn();
      await drainMicrotasks();
    }
    now = Math.max(now, target);
  };

  return {
    now: () => now,
    setTimeout: (fn, ms) => schedule(fn, ms, undefined),
    clearTimeout: cancel,
    setInterval: (fn, ms) => schedule(fn, ms, ms),
    clearInterval: cancel,
    advance: (ms) => runUntil(now + ms),
    set: (at) => runUntil(at),
    pending: () => timers.size,
  };
}
