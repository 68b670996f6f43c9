// Issue #26, beyond the listed items: what a careless or hostile job, caller or probe can hand to a run.
import { createAlerter, createLogger, SlakitError } from '@slakit/core';
import { createTestTelemetry, type TestTelemetry } from '@slakit/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryLeases } from './memory-leases.js';
import { memoryLedger } from './memory-ledger.js';
import { type QueueSnapshot, watchQueue } from './queue.js';
import { schedule } from './schedule.js';
import { type JobReturn, withSla } from './with-sla.js';

const silent = createLogger({ level: 'silent' });
const kits: TestTelemetry[] = [];
afterEach(async () => {
  await Promise.all(kits.splice(0).map((k) => k.close()));
});

const trap = () => {
  throw new Error('trap');
};

describe('a job that returns a hostile value', () => {
  const returns: [string, () => unknown][] = [
    ['an object whose processed getter throws', () => Object.defineProperty({}, 'processed', { get: trap })],
    ['a negative / non-finite processed', () => ({ processed: Number.NaN })],
    ['a string', () => 'done'],
    ['a number', () => 7],
  ];
  for (const [label, value] of returns) {
    it(`${label}: the run succeeds with the progress it reported, recorded and measured`, async () => {
      const kit = createTestTelemetry();
      kits.push(kit);
      const ledger = memoryLedger();
      const job = withSla(
        'odd_return',
        (ctx) => {
          ctx.progress(2);
          return value() as JobReturn;
        },
        {
          budgetSeconds: 60,
          ledger,
          telemetry: kit.telemetry,
          clock: kit.clock,
          leases: memoryLeases({ clock: kit.clock }),
          env: {},
        },
      );
      const result = await job();
      expect(result.outcome).toBe('succeeded');
      expect(result.processed).toBe(2);
      expect((await ledger.recent('odd_return', 5)).map((r) => r.outcome)).toEqual(['succeeded']);
      expect(await kit.metrics.value('job_runs_total', { job_name: 'odd_return', outcome: 'succeeded' })).toBe(1);
      expect(await job().then((r) => r.outcome)).toBe('succeeded'); // the lease was released
    });
  }
});

it('a job returning a Proxy whose `then` trap throws has rejected (JS adopts thenables): failed, the trap error rethrown', async () => {
  const ledger = memoryLedger();
  const job = withSla('proxy_return', () => new Proxy({}, { get: trap }) as JobReturn, {
    budgetSeconds: 60,
    ledger,
    logger: silent,
    env: {},
  });
  await expect(job()).rejects.toThrow('trap');
  expect((await ledger.recent('proxy_return', 5)).map((r) => r.outcome)).toEqual(['failed']);
});

describe('a caller passing an invalid schedule slot', () => {
  it('scheduledAt: new Date(NaN) rejects with a SlakitError naming the field and takes no lease', async () => {
    const leases = memoryLeases();
    const job = withSla('bad_slot', async () => undefined, { budgetSeconds: 60, leases, logger: silent, env: {} });
    for (const scheduledAt of [new Date(Number.NaN), '2026-01-01' as unknown as Date]) {
      const error = await job(undefined, { scheduledAt }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(SlakitError);
      expect((error as SlakitError).field).toBe('scheduledAt');
    }
    expect(await leases.listLeases()).toEqual([]);
    expect((await job()).outcome).toBe('succeeded');
  });
});

describe('a queue probe that resolves garbage', () => {
  const garbage: [string, unknown][] = [
    ['undefined', undefined],
    ['null', null],
    ['a string', 'depth: 5'],
    [
      'NaN depth',
      {
        depth: Number.NaN,
        averageAgeSeconds: 0,
        oldestAgeSeconds: 0,
        overSla: 0,
        requiringEscalation: 0,
        resolvedPerDay: 0,
        oldestIds: [],
      },
    ],
    [
      'oldestIds not an array',
      {
        depth: 1,
        averageAgeSeconds: 0,
        oldestAgeSeconds: 0,
        overSla: 0,
        requiringEscalation: 1,
        resolvedPerDay: 0,
        oldestIds: 'a,b',
      },
    ],
    ['a Proxy that throws on every trap', new Proxy({}, { get: trap, has: trap, getPrototypeOf: trap })],
  ];
  for (const [label, snapshot] of garbage) {
    it(`${label}: check() resolves undefined (logged), never throws`, async () => {
      const kit = createTestTelemetry();
      kits.push(kit);
      const monitor = watchQueue('manual_review', {
        probe: async () => snapshot as QueueSnapshot,
        telemetry: kit.telemetry,
        clock: kit.clock,
        env: {},
      });
      await expect(monitor.check()).resolves.toBeUndefined();
      expect(kit.logs.find(`queue manual_review: probe`)).toHaveLength(1); // failed, or returned an invalid snapshot
      monitor.stop();
    });
  }
});

it('a queue snapshot whose oldestIds hold hostile members still alerts, each unreadable id shown as a question mark', async () => {
  const sent: Record<string, unknown>[] = [];
  const alerter = createAlerter({
    env: {},
    sinks: [{ name: 'pager', kind: 'pager', send: async (n) => void sent.push(n.values ?? {}) }],
  });
  const snapshot = {
    depth: 1,
    averageAgeSeconds: 0,
    oldestAgeSeconds: 900_000,
    overSla: 1,
    requiringEscalation: 2,
    resolvedPerDay: 0,
    oldestIds: [Symbol('x'), { toString: trap }, 'q-1'],
  } as unknown as QueueSnapshot;
  const monitor = watchQueue('manual_review', { probe: async () => snapshot, alerter, logger: silent, env: {} });
  await expect(monitor.check()).resolves.toBe(snapshot);
  await alerter.idle();
  expect(sent.map((v) => v.oldest_ids)).toEqual(['?,?,q-1']);
  monitor.stop();
  await alerter.close();
});

describe('schedule() duration options', () => {
  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY, '60000'])(
    'watchdogIntervalMs: %s is refused naming the field (a 1 ms spin otherwise)',
    (v) => {
      const job = withSla('watched', async () => undefined, { budgetSeconds: 60, logger: silent, env: {} });
      let error: unknown;
      try {
        schedule('*/5 * * * *', job, { watchdogIntervalMs: v as number, logger: silent }).stop();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(SlakitError);
      expect((error as SlakitError).field).toBe('watchdogIntervalMs');
    },
  );
});
