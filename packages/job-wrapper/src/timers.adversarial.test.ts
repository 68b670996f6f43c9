// Issue #26 item 2: timers beyond 2^31-1 ms (~24.8 days) fired after 1 ms. Monthly and yearly crons, 40-day budgets
// and hard timeouts, month-long lease TTLs and queue intervals must fire exactly on time — on the real clock (no
// TimeoutOverflowWarning) and on the fake clock alike.
import { type AlertNotification, type Clock, createAlerter, createLogger, systemClock } from '@slakit/core';
import { createFakeClock } from '@slakit/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { LeaseStore } from './lease.js';
import { memoryLeases } from './memory-leases.js';
import { memoryLedger } from './memory-ledger.js';
import { watchQueue } from './queue.js';
import { schedule } from './schedule.js';
import { withSla } from './with-sla.js';

const DAY = 86_400_000;
const silent = createLogger({ level: 'silent' });
const stops: (() => void)[] = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

/** Collects TimeoutOverflowWarnings emitted while `fn` runs. */
async function overflowWarnings(fn: () => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  const onWarning = (w: Error) => {
    if (w.name === 'TimeoutOverflowWarning') seen.push(w.message);
  };
  process.on('warning', onWarning);
  try {
    await fn();
    await new Promise((r) => setImmediate(r));
  } finally {
    process.off('warning', onWarning);
  }
  return seen;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The real clock with its wall time moved to `at` (real Node timers, so clamping would show). */
function realClockAt(at: number): Clock {
  const offset = at - Date.now();
  return { ...systemClock, now: () => Date.now() + offset };
}

/** A counter of lease renewals around a store. */
function countingLeases(store: LeaseStore) {
  const counts = { extend: 0 };
  const leases: LeaseStore = {
    kind: store.kind,
    listLeases: () => store.listLeases(),
    async acquire(key, options) {
      const lease = await store.acquire(key, options);
      if (!lease) return lease;
      return {
        key: lease.key,
        fence: lease.fence,
        get expiresAt() {
          return lease.expiresAt;
        },
        signal: lease.signal,
        extend: () => {
          counts.extend++;
          return lease.extend();
        },
        release: () => lease.release(),
      };
    },
  };
  return { leases, counts };
}

describe('monthly and yearly crons (fake clock)', () => {
  it("schedule('0 3 1 * *') started on the 2nd runs on the 1st of the next months, once per slot", async () => {
    const clock = createFakeClock(Date.UTC(2026, 0, 2, 3, 0, 0));
    const ledger = memoryLedger({ now: () => clock.now() });
    const slots: string[] = [];
    const job = withSla(
      'monthly_report',
      async (ctx) => {
        slots.push(`${ctx.scheduledAt.toISOString()}@${new Date(clock.now()).toISOString()}`);
      },
      { budgetSeconds: 3600, clock, ledger, leases: memoryLeases({ clock }), env: {}, logger: silent },
    );
    const s = schedule('0 3 1 * *', job, { clock, timezone: 'UTC', logger: silent, watchdogIntervalMs: DAY });
    stops.push(() => s.stop());
    expect(s.nextRun()?.toISOString()).toBe('2026-02-01T03:00:00.000Z');
    await clock.set(Date.UTC(2026, 1, 1, 2, 59, 59, 999));
    expect(slots).toEqual([]);
    await clock.set(Date.UTC(2026, 3, 1, 3, 0, 0));
    await s.idle();
    expect(slots).toEqual([
      '2026-02-01T03:00:00.000Z@2026-02-01T03:00:00.000Z',
      '2026-03-01T03:00:00.000Z@2026-03-01T03:00:00.000Z',
      '2026-04-01T03:00:00.000Z@2026-04-01T03:00:00.000Z',
    ]);
    const outcomes = (await ledger.recent('monthly_report', 100)).map((r) => r.outcome);
    expect(outcomes).toEqual(['succeeded', 'succeeded', 'succeeded']);
  });

  it("a yearly cron ('0 0 1 1 *') started on 2 January runs next New Year exactly", async () => {
    const clock = createFakeClock(Date.UTC(2026, 0, 2));
    const at: number[] = [];
    const job = withSla('yearly_purge', async () => void at.push(clock.now()), {
      budgetSeconds: 60,
      clock,
      leases: memoryLeases({ clock }),
      env: {},
      logger: silent,
    });
    const s = schedule('0 0 1 1 *', job, { clock, timezone: 'UTC', logger: silent, watchdogIntervalMs: DAY });
    stops.push(() => s.stop());
    await clock.set(Date.UTC(2026, 11, 31, 23, 59, 59));
    expect(at).toEqual([]);
    await clock.set(Date.UTC(2027, 0, 1, 0, 0, 1));
    await s.idle();
    expect(at).toEqual([Date.UTC(2027, 0, 1)]);
  });

  it('a clock whose timers fire early never runs a slot before its time, nor twice', async () => {
    const fake = createFakeClock(Date.UTC(2026, 0, 2, 3, 0, 0));
    // A host clock that clamps like Node does (fires long timers after at most 1 day).
    const clamping: Clock = { ...fake, now: () => fake.now(), setTimeout: (fn, ms) => fake.setTimeout(fn, Math.min(ms, DAY)) };
    const at: string[] = [];
    const job = withSla('monthly_report', async () => void at.push(new Date(fake.now()).toISOString()), {
      budgetSeconds: 60,
      clock: fake,
      leases: memoryLeases({ clock: fake }),
      ledger: false,
      env: {},
      logger: silent,
    });
    const s = schedule('0 3 1 * *', job, { clock: clamping, timezone: 'UTC', logger: silent, watchdogIntervalMs: DAY });
    stops.push(() => s.stop());
    await fake.set(Date.UTC(2026, 1, 1, 4, 0, 0));
    await s.idle();
    expect(at).toEqual(['2026-02-01T03:00:00.000Z']);
  });
});

describe('long timers on the real clock (no clamp to 1 ms)', () => {
  it("schedule('0 3 1 * *') on the 2nd of a month: no run, no skipped_overlap spin, no TimeoutOverflowWarning", async () => {
    const clock = realClockAt(Date.UTC(2026, 0, 2, 3, 0, 0));
    const ledger = memoryLedger({ now: () => clock.now() });
    let bodies = 0;
    let unledgered = 0;
    const warnings = await overflowWarnings(async () => {
      const job = withSla('monthly_report', async () => void bodies++, {
        budgetSeconds: 3600,
        clock,
        ledger,
        env: {},
        logger: silent,
      });
      const bare = withSla('monthly_report_bare', async () => void unledgered++, {
        budgetSeconds: 3600,
        clock,
        ledger: false,
        env: {},
        logger: silent,
      });
      const s = schedule('0 3 1 * *', job, { clock, timezone: 'UTC', logger: silent });
      const t = schedule('0 3 1 * *', bare, { clock, timezone: 'UTC', logger: silent });
      stops.push(
        () => s.stop(),
        () => t.stop(),
      );
      await sleep(300);
      expect(s.nextRun()?.toISOString()).toBe('2026-02-01T03:00:00.000Z');
    });
    expect(warnings).toEqual([]);
    expect(bodies).toBe(0);
    expect(unledgered).toBe(0);
    expect(await ledger.recent('monthly_report', 10)).toEqual([]);
  });

  it('a yearly cron on the real clock does not run within 300 ms', async () => {
    const clock = realClockAt(Date.UTC(2026, 0, 2));
    let bodies = 0;
    const warnings = await overflowWarnings(async () => {
      const job = withSla('yearly_purge', async () => void bodies++, { budgetSeconds: 60, clock, env: {}, logger: silent });
      const s = schedule('0 0 1 1 *', job, { clock, timezone: 'UTC', logger: silent });
      stops.push(() => s.stop());
      await sleep(300);
    });
    expect(warnings).toEqual([]);
    expect(bodies).toBe(0);
  });

  it('withSla({ budgetSeconds: 30 days, hardTimeoutSeconds: 40 days }) on a 0.3 s job succeeds without an SLA alert', async () => {
    const sent: AlertNotification[] = [];
    const alerter = createAlerter({ env: {}, sinks: [{ name: 'pager', kind: 'pager', send: async (n) => void sent.push(n) }] });
    let outcome: string | undefined;
    const warnings = await overflowWarnings(async () => {
      const job = withSla('long_budget', () => sleep(300), {
        budgetSeconds: 30 * 86_400,
        hardTimeoutSeconds: 40 * 86_400,
        alerter,
        env: {},
        logger: silent,
      });
      outcome = (await job()).outcome;
      await alerter.idle();
    });
    await alerter.close();
    expect(warnings).toEqual([]);
    expect(outcome).toBe('succeeded');
    expect(sent).toEqual([]);
  });

  it('leaseTtlMs of 90 days: the lease is neither lost after 1 ms nor renewed every millisecond', async () => {
    const { leases, counts } = countingLeases(memoryLeases());
    let result: Awaited<ReturnType<ReturnType<typeof withSla>>> | undefined;
    const warnings = await overflowWarnings(async () => {
      const job = withSla('long_lease', () => sleep(300), {
        budgetSeconds: 60,
        leases,
        leaseTtlMs: 90 * DAY,
        env: {},
        logger: silent,
      });
      result = await job();
    });
    expect(warnings).toEqual([]);
    expect(result?.outcome).toBe('succeeded');
    expect(counts.extend).toBe(0);
  });

  it('leaseTimeoutMs and ledgerTimeoutMs of 40 days wait for a slow store instead of giving up after 1 ms', async () => {
    const inner = memoryLeases();
    const slowLeases: LeaseStore = {
      kind: 'slow',
      listLeases: () => inner.listLeases(),
      acquire: async (key, options) => {
        await sleep(150);
        return inner.acquire(key, options);
      },
    };
    const inner2 = memoryLedger();
    const slowLedger = {
      ...inner2,
      claim: async (run: Parameters<typeof inner2.claim>[0]) => {
        await sleep(100);
        return inner2.claim(run);
      },
    };
    let result: Awaited<ReturnType<ReturnType<typeof withSla>>> | undefined;
    const warnings = await overflowWarnings(async () => {
      const job = withSla('slow_store', async () => ({ processed: 1 }), {
        budgetSeconds: 60,
        leases: slowLeases,
        leaseTimeoutMs: 40 * DAY,
        ledger: slowLedger,
        ledgerTimeoutMs: 40 * DAY,
        env: {},
        logger: silent,
      });
      result = await job();
    });
    expect(warnings).toEqual([]);
    expect(result?.outcome).toBe('succeeded');
    expect((await inner2.recent('slow_store', 5)).map((r) => r.outcome)).toEqual(['succeeded']);
  });

  it('watchQueue({ intervalMs: 60 days }) does not probe every millisecond', async () => {
    let probes = 0;
    const warnings = await overflowWarnings(async () => {
      const monitor = watchQueue('manual_review', {
        intervalMs: 60 * DAY,
        env: {},
        logger: silent,
        probe: async () => {
          probes++;
          return {
            depth: 0,
            averageAgeSeconds: 0,
            oldestAgeSeconds: 0,
            overSla: 0,
            requiringEscalation: 0,
            resolvedPerDay: 0,
            oldestIds: [],
          };
        },
      });
      stops.push(() => monitor.stop());
      await sleep(300);
    });
    expect(warnings).toEqual([]);
    expect(probes).toBe(0);
  });
});

describe('long timers on the fake clock fire exactly', () => {
  it('a 30-day budget warns at 24 days and breaches at 30 days; a 90-day lease TTL renews every 30 days', async () => {
    const clock = createFakeClock(Date.UTC(2026, 0, 2));
    const sent: { name: string; at: number }[] = [];
    const alerter = createAlerter({
      env: {},
      clock,
      tickSeconds: 86_400,
      sinks: (['chat', 'pager'] as const).map((kind) => ({
        name: kind,
        kind,
        send: async (n: AlertNotification) => void sent.push({ name: n.labels.alertname ?? '', at: clock.now() }),
      })),
    });
    const { leases, counts } = countingLeases(memoryLeases({ clock }));
    const start = clock.now();
    const job = withSla('long_budget', () => new Promise<void>((r) => clock.setTimeout(r, 31 * DAY)), {
      budgetSeconds: 30 * 86_400,
      hardTimeoutSeconds: 40 * 86_400,
      leases,
      leaseTtlMs: 90 * DAY,
      alerter,
      clock,
      env: {},
      logger: silent,
    });
    const run = job();
    await clock.advance(24 * DAY - 1);
    await alerter.idle();
    expect(sent).toEqual([]);
    await clock.advance(1);
    await alerter.idle();
    expect([...new Map(sent.map((s) => [s.name, s.at - start]))]).toEqual([['JobSlaBreachWarning', 24 * DAY]]);
    await clock.advance(6 * DAY);
    await alerter.idle();
    expect([...new Map(sent.map((s) => [s.name, s.at - start]))]).toEqual([
      ['JobSlaBreachWarning', 24 * DAY],
      ['JobSlaBreachCritical', 30 * DAY],
    ]);
    await clock.advance(DAY);
    const result = await run;
    expect(result.outcome).toBe('succeeded');
    expect(result.durationSeconds).toBe(31 * 86_400);
    expect(counts.extend).toBe(1); // at 30 days (TTL/3)
    await alerter.close();
  });
});
