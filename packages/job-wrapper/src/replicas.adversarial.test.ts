// Replicas sharing a ledger, adversarially: the standby's skipped runs are newer than the winner's run, a first run
// that ends before the start-up ledger read, an adopted run that would raise alerts. (From an adversarial review.)
import { type Alerter, createAlerter, createLogger, type RunRecord } from '@slakit/core';
import { createFakeClock, createTestTelemetry } from '@slakit/core/testing';
import { describe, expect, it } from 'vitest';
import type { RunLedger } from './ledger.js';
import { memoryLeases } from './memory-leases.js';
import { memoryLedger } from './memory-ledger.js';
import { withSla } from './with-sla.js';

const silent = createLogger({ level: 'silent' });
const mkAlerter = (clock: ReturnType<typeof createFakeClock>, sent: string[] = []) =>
  createAlerter({
    clock,
    env: {},
    logger: silent,
    sinks: [
      {
        name: 's',
        kind: 'custom',
        send: async (a: { labels: Record<string, unknown> }) => {
          sent.push(String(a.labels.alertname));
        },
      },
    ],
  } as never);
const names = (a: Alerter) =>
  a
    .active()
    .map((x) => x.labels.alertname)
    .sort();
const flush = async () => {
  for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
};

/** A test telemetry (its fake clock), a ledger and a lease store shared by every "process" of the test. */
/** withSla options of a new process (its own alerter and telemetry view) on the shared ledger and leases. */
const processOptions = (
  o: {
    kit: ReturnType<typeof createTestTelemetry>;
    clock: ReturnType<typeof createTestTelemetry>['clock'];
    ledger: RunLedger;
    leases: ReturnType<typeof memoryLeases>;
  },
  alerter: Alerter,
) => ({
  budgetSeconds: 100,
  clock: o.clock,
  ledger: o.ledger,
  leases: o.leases,
  alerter,
  logger: silent,
  telemetry: o.kit.telemetry,
  env: {},
});

async function shared(
  fn: (s: {
    kit: ReturnType<typeof createTestTelemetry>;
    clock: ReturnType<typeof createTestTelemetry>['clock'];
    ledger: ReturnType<typeof memoryLedger>;
    leases: ReturnType<typeof memoryLeases>;
  }) => Promise<void>,
): Promise<void> {
  const kit = createTestTelemetry({ serviceName: 't', level: 'silent' });
  try {
    const clock = kit.clock;
    await fn({ kit, clock, ledger: memoryLedger({ now: () => clock.now() }), leases: memoryLeases({ clock }) });
  } finally {
    await kit.close();
  }
}

describe('reconcile across replicas', () => {
  it("the standby's skipped_locked record (1 ms after b's start) is the ledger's newest: a still adopts b's good run", async () => {
    const clock = createFakeClock(Date.UTC(2026, 0, 5, 9));
    const ledger = memoryLedger({ now: () => clock.now() });
    const leases = memoryLeases({ clock });
    const mk = (fail: boolean) => {
      const alerter = mkAlerter(clock);
      const job = withSla(
        'sync',
        async () => {
          await new Promise<void>((r) => clock.setTimeout(r, 1000));
          if (fail) throw new Error('down');
          return { processed: 10 };
        },
        { budgetSeconds: 100, clock, ledger, leases, alerter, logger: silent, env: {} },
      );
      return { alerter, job };
    };
    const a = mk(true);
    const b = mk(false);
    for (let i = 0; i < 3; i++) {
      const r = a.job().catch(() => undefined);
      await clock.advance(2000);
      await r;
    }
    expect(names(a.alerter)).toEqual(['JobConsecutiveFailures']);
    const good = b.job();
    await clock.advance(1);
    const skip = await a.job(); // a's schedule fires the same slot 1 ms later and loses the lease race
    expect(skip.outcome).toBe('skipped_locked');
    await clock.advance(2000);
    expect((await good).outcome).toBe('succeeded');
    await clock.advance(5 * 60_000);
    expect(names(a.alerter)).toEqual([]);
  });
});

describe('hydrate at start', () => {
  it("a first run that ends before hydrate read the ledger: hydrate keeps the fresh run's gauges and raises nothing old", async () => {
    await shared(async ({ kit, clock, ledger: inner, leases }) => {
      // the previous process: one run at 150 % of its budget
      const old = withSla(
        'sync',
        async () => {
          await new Promise<void>((r) => clock.setTimeout(r, 150_000));
          return { processed: 1 };
        },
        { budgetSeconds: 100, clock, ledger: inner, leases, logger: silent, env: {} },
      );
      const r0 = old();
      await clock.advance(150_000);
      await r0;
      // new process; the ledger's first recent() (hydrate's) is slow (a pool still connecting)
      let open!: () => void;
      const gate = new Promise<void>((r) => {
        open = r;
      });
      let first = true;
      const ledger: RunLedger = {
        ...inner,
        recent: async (job: string, n?: number): Promise<RunRecord[]> => {
          const snap = await inner.recent(job, n);
          if (first) {
            first = false;
            await gate;
          }
          return snap;
        },
      };
      const alerter = mkAlerter(clock);
      const job = withSla('sync', async () => ({ processed: 5 }), processOptions({ kit, clock, ledger, leases }, alerter));
      await clock.advance(10_000);
      const fresh = await job();
      expect(fresh.outcome).toBe('succeeded');
      const freshAt = fresh.finishedAt.getTime() / 1000;
      expect(await kit.metrics.value('job_last_run_timestamp_seconds', { job_name: 'sync' })).toBe(freshAt);
      open();
      await flush();
      await clock.advance(0);
      await flush();
      const util = await kit.metrics.value('job_sla_utilization_ratio', { job_name: 'sync' });
      const last = await kit.metrics.value('job_last_run_timestamp_seconds', { job_name: 'sync' });
      expect(last).toBe(freshAt);
      expect(util).toBeLessThan(1);
      expect(names(alerter)).toEqual([]);
    });
  });
});

describe('an adopted run only resolves', () => {
  it("b's zero-record success is notified by b only (a only had JobConsecutiveFailures firing)", async () => {
    const clock = createFakeClock(Date.UTC(2026, 0, 5, 9));
    const ledger = memoryLedger({ now: () => clock.now() });
    const leases = memoryLeases({ clock });
    let mode: 'ok' | 'fail' | 'zero' = 'ok';
    const mk = (sent: string[]) => {
      const alerter = mkAlerter(clock, sent);
      const job = withSla(
        'sync',
        async () => {
          await new Promise<void>((r) => clock.setTimeout(r, 1000));
          if (mode === 'fail') throw new Error('down');
          return { processed: mode === 'zero' ? 0 : 10 };
        },
        { budgetSeconds: 100, clock, ledger, leases, alerter, logger: silent, env: {} },
      );
      return { alerter, job };
    };
    const sa: string[] = [];
    const sb: string[] = [];
    const a = mk(sa);
    const b = mk(sb);
    const go = async (j: typeof a) => {
      const r = j.job().catch(() => undefined);
      await clock.advance(2000);
      await r;
    };
    for (let i = 0; i < 5; i++) await go(b); // a baseline
    mode = 'fail';
    for (let i = 0; i < 3; i++) await go(a);
    mode = 'zero';
    await go(b);
    await clock.advance(120_000);
    await a.alerter.idle?.();
    await b.alerter.idle?.();
    expect(sa.filter((n) => n === 'JobNoRecordsProcessed').length + sb.filter((n) => n === 'JobNoRecordsProcessed').length).toBe(
      1,
    );
  });
});

describe('hydrate after a standby skip', () => {
  it("restart of the failing replica a: the standby's skipped_locked is the newest record, the failures are still hydrated", async () => {
    await shared(async ({ kit, clock, ledger, leases }) => {
      const opts = { budgetSeconds: 100, clock, ledger, leases, logger: silent, env: {} };
      const a = withSla(
        'sync',
        async () => {
          await new Promise<void>((r) => clock.setTimeout(r, 1000));
          throw new Error('down');
        },
        opts,
      );
      const b = withSla('sync', async () => ({ processed: 1 }), opts);
      for (let i = 0; i < 3; i++) {
        const r = a().catch(() => undefined);
        await clock.advance(1);
        expect((await b()).outcome).toBe('skipped_locked'); // b's timer fires 1 ms later for the same slot
        await clock.advance(2000);
        await r;
      }
      expect(await ledger.consecutiveFailures('sync')).toBe(3);
      withSla('sync', async () => ({ processed: 1 }), { ...opts, alerter: mkAlerter(clock), telemetry: kit.telemetry });
      await flush();
      await clock.advance(0);
      await flush();
      expect(await kit.metrics.value('job_consecutive_failures', { job_name: 'sync' })).toBe(3);
    });
  });
});

describe('withSla in a new process (restart) with a shared ledger', () => {
  it('adopts the latest run: job_consecutive_failures, job_last_run_timestamp_seconds and the failure alert come back', async () => {
    await shared(async ({ kit, clock, ledger, leases }) => {
      const before = withSla(
        'sync',
        async () => {
          throw new Error('down');
        },
        { budgetSeconds: 100, clock, ledger, leases, logger: silent, env: {} },
      );
      for (let i = 0; i < 3; i++) await before().catch(() => undefined);
      const [last] = await ledger.recent('sync', 1);
      // The process restarts: a new wrapper, new telemetry view, new alerter; only the ledger survives.
      const alerter = createAlerter({
        clock,
        env: {},
        logger: silent,
        sinks: [{ name: 's', kind: 'custom', send: async () => {} }],
      });
      withSla('sync', async () => ({ processed: 1 }), processOptions({ kit, clock, ledger, leases }, alerter));
      await clock.advance(0);
      expect(await kit.metrics.value('job_consecutive_failures', { job_name: 'sync' })).toBe(3);
      expect(await kit.metrics.value('job_last_run_timestamp_seconds', { job_name: 'sync' })).toBe(
        (last?.finishedAt?.getTime() ?? Number.NaN) / 1000,
      );
      expect(names(alerter)).toEqual(['JobConsecutiveFailures']);
    });
  });
});
