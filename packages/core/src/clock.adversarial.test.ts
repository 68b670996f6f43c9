// Issue #26 item 2: Node clamps timers beyond 2^31-1 ms to 1 ms (TimeoutOverflowWarning). Every slakit timer goes
// through the Clock, which chains long delays so they fire exactly on time — and the fake clock behaves the same.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAlerter } from './alerts/alerter.js';
import { runWithDeadline, systemClock, timeoutSignal, withDeadline } from './clock.js';
import { createFakeClock } from './testing/fake-clock.js';

const DAY = 86_400_000;

afterEach(() => {
  vi.useRealTimers();
});

/** Collects process warnings while `fn` runs with real timers. */
async function warningsDuring(fn: () => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  const onWarning = (w: Error) => seen.push(`${w.name}: ${w.message}`);
  process.on('warning', onWarning);
  try {
    await fn();
    // process warnings are emitted on the next tick
    await new Promise((r) => setImmediate(r));
  } finally {
    process.off('warning', onWarning);
  }
  return seen;
}

describe('systemClock with delays beyond 2^31-1 ms', () => {
  it('setTimeout(40 days) fires exactly after 40 days, not after 1 ms (mocked Node timers)', () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 0, 2) });
    const fn = vi.fn();
    systemClock.setTimeout(fn, 40 * DAY);
    vi.advanceTimersByTime(1000);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(40 * DAY - 1000 - 1);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(100 * DAY);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('a chained timeout can be cleared in any segment', () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 0, 2) });
    const fn = vi.fn();
    const handle = systemClock.setTimeout(fn, 60 * DAY);
    vi.advanceTimersByTime(30 * DAY); // past the first segment
    systemClock.clearTimeout(handle);
    vi.advanceTimersByTime(60 * DAY);
    expect(fn).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('setInterval(30 days) fires every 30 days exactly', () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 0, 2) });
    const fired: number[] = [];
    const start = Date.now();
    // (bounded, so a clamped 1 ms interval on broken code fails instead of filling the heap)
    const handle = systemClock.setInterval(() => {
      fired.push(Date.now() - start);
      if (fired.length > 10) systemClock.clearInterval(handle);
    }, 30 * DAY);
    vi.advanceTimersByTime(95 * DAY);
    expect(fired).toEqual([30 * DAY, 60 * DAY, 90 * DAY]);
    systemClock.clearInterval(handle);
    vi.advanceTimersByTime(60 * DAY);
    expect(fired).toHaveLength(3);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('an interval cleared from its own callback stops', () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 0, 2) });
    let n = 0;
    const handle = systemClock.setInterval(() => {
      n++;
      systemClock.clearInterval(handle);
    }, 30 * DAY);
    vi.advanceTimersByTime(200 * DAY);
    expect(n).toBe(1);
  });

  it('short timers keep their usual behaviour', () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 0, 2) });
    const fn = vi.fn();
    systemClock.setTimeout(fn, 10);
    vi.advanceTimersByTime(9);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('Infinity never fires; NaN and negative delays fire at once (like Node, without a warning)', () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 0, 2) });
    const never = vi.fn();
    const nan = vi.fn();
    const negative = vi.fn();
    systemClock.setTimeout(never, Number.POSITIVE_INFINITY);
    const interval = systemClock.setInterval(() => {
      never();
      systemClock.clearInterval(interval);
    }, Number.POSITIVE_INFINITY);
    systemClock.setTimeout(nan, Number.NaN);
    systemClock.setTimeout(negative, -5);
    vi.advanceTimersByTime(1);
    expect(nan).toHaveBeenCalledTimes(1);
    expect(negative).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1000 * DAY);
    expect(never).not.toHaveBeenCalled();
  });

  it('real timers: 30-day timeout and interval do not fire within 300 ms and emit no TimeoutOverflowWarning', async () => {
    const fn = vi.fn();
    const warnings = await warningsDuring(async () => {
      const t = systemClock.setTimeout(fn, 30 * DAY);
      const i = systemClock.setInterval(fn, 30 * DAY);
      await new Promise((r) => setTimeout(r, 300));
      systemClock.clearTimeout(t);
      systemClock.clearInterval(i);
    });
    expect(warnings.filter((w) => w.startsWith('TimeoutOverflowWarning'))).toEqual([]);
    expect(fn).not.toHaveBeenCalled();
  });

  it('withDeadline(promise, 40 days) waits for the promise instead of timing out after 1 ms', async () => {
    const onTimeout = vi.fn();
    const warnings = await warningsDuring(async () => {
      const value = await withDeadline(new Promise((r) => setTimeout(() => r('done'), 200)), 40 * DAY, () => {}, onTimeout);
      expect(value).toBe('done');
    });
    expect(onTimeout).not.toHaveBeenCalled();
    expect(warnings.filter((w) => w.startsWith('TimeoutOverflowWarning'))).toEqual([]);
  });

  it('runWithDeadline(systemClock, 40 days) and timeoutSignal(40 days) do not time out after 1 ms', async () => {
    const warnings = await warningsDuring(async () => {
      const signal = timeoutSignal(40 * DAY);
      const value = await runWithDeadline(
        systemClock,
        40 * DAY,
        (s) => new Promise((r) => setTimeout(() => r(s.aborted ? 'aborted' : 'done'), 200)),
        () => new Error('TIMEOUT'),
      );
      expect(value).toBe('done');
      expect(signal.aborted).toBe(false);
    });
    expect(warnings.filter((w) => w.startsWith('TimeoutOverflowWarning'))).toEqual([]);
  });

  it('timeoutSignal(ms) aborts with a TimeoutError once ms have passed', async () => {
    const signal = timeoutSignal(20);
    await new Promise((r) => signal.addEventListener('abort', r));
    expect((signal.reason as DOMException).name).toBe('TimeoutError');
  });

  it('createAlerter({ tickSeconds: 60 days }) arms no clamped ticker', async () => {
    let ticks = 0;
    const warnings = await warningsDuring(async () => {
      const alerter = createAlerter({
        tickSeconds: 60 * 86_400,
        resendIntervalSeconds: 1,
        env: {},
        sinks: [{ name: 'pager', kind: 'pager', send: async () => void ticks++ }],
      });
      alerter.fire({ labels: { alertname: 'A', severity: 'critical', job: 'x' } });
      await alerter.idle();
      await new Promise((r) => setTimeout(r, 300));
      await alerter.close();
    });
    expect(warnings.filter((w) => w.startsWith('TimeoutOverflowWarning'))).toEqual([]);
    expect(ticks).toBe(1); // the firing notification
  });
});

describe('fake clock behaves like systemClock', () => {
  it('fires a 40-day timeout exactly at 40 days and a 30-day interval every 30 days', async () => {
    const clock = createFakeClock(Date.UTC(2026, 0, 2));
    const at: number[] = [];
    const start = clock.now();
    clock.setTimeout(() => at.push(clock.now() - start), 40 * DAY);
    const i = clock.setInterval(() => at.push(-(clock.now() - start)), 30 * DAY);
    await clock.advance(40 * DAY - 1);
    expect(at).toEqual([-30 * DAY]);
    await clock.advance(1);
    expect(at).toEqual([-30 * DAY, 40 * DAY]);
    clock.clearInterval(i);
    expect(clock.pending()).toBe(0);
  });

  it('Infinity never fires; NaN and negative delays fire at once', async () => {
    const clock = createFakeClock();
    const never = vi.fn();
    const soon = vi.fn();
    clock.setTimeout(never, Number.POSITIVE_INFINITY);
    clock.setInterval(never, Number.POSITIVE_INFINITY);
    clock.setTimeout(soon, Number.NaN);
    clock.setTimeout(soon, -5);
    await clock.advance(0);
    expect(soon).toHaveBeenCalledTimes(2);
    await clock.advance(1000 * DAY);
    expect(never).not.toHaveBeenCalled();
  });
});
