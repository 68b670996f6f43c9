// Issue #26 item 4: a job that ignores its signal past `hardTimeoutSeconds` used to stay `running` with its lease held
// (renewed forever): every later call was `skipped_locked` until a restart. At the hard deadline the run must end
// `timed_out`, the lease be released (the next holder's higher fence rejects the zombie's late fenced write), the next
// call proceed, and the zombie's eventual result be ignored and logged at warn.
import { createTestTelemetry, type TestTelemetry } from '@slakit/core/testing';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensurePostgres, ensureRedis } from '../../../test-support/services.js';
import { redisFencedHset } from './fencing.js';
import type { LeaseStore } from './lease.js';
import { memoryLeases } from './memory-leases.js';
import { memoryLedger } from './memory-ledger.js';
import { postgresLeases } from './postgres-leases.js';
import { redisLeases } from './redis-leases.js';
import { withSla } from './with-sla.js';

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
});
const kits: TestTelemetry[] = [];
afterEach(async () => {
  await new Promise((r) => setTimeout(r, 5));
  await Promise.all(kits.splice(0).map((k) => k.close()));
  expect(unhandled).toEqual([]);
});

/** A body the test ends by hand; it never looks at ctx.signal. */
function zombieBody() {
  let finish!: (how: 'resolve' | 'reject') => void;
  const done = new Promise<{ processed: number }>((resolve, reject) => {
    finish = (how) => (how === 'resolve' ? resolve({ processed: 5 }) : reject(new Error('zombie failed late')));
  });
  return { done, finish };
}

describe('hardTimeoutSeconds with a job that ignores its signal (memory store, fake clock)', () => {
  for (const late of ['resolve', 'reject'] as const) {
    it(`records timed_out at the deadline, releases the lease, the next run proceeds; the zombie's late ${late} is ignored and logged`, async () => {
      const kit = createTestTelemetry();
      kits.push(kit);
      const clock = kit.clock;
      const leases = memoryLeases({ clock });
      const ledger = memoryLedger({ now: () => clock.now() });
      // The fenced resource: a write lands only with a fence higher than the last one that wrote.
      const resource = { value: '', fence: 0n };
      const fencedWrite = (value: string, fence: bigint) => {
        if (fence <= resource.fence) return false;
        Object.assign(resource, { value, fence });
        return true;
      };
      const zombie = zombieBody();
      let calls = 0;
      const fences: bigint[] = [];
      const job = withSla(
        'stuck_cleanup',
        async (ctx) => {
          calls++;
          fences.push(ctx.fence);
          if (calls === 1) {
            const r = await zombie.done;
            fencedWrite('zombie', ctx.fence);
            return r;
          }
          fencedWrite('second run', ctx.fence);
          return { processed: 1 };
        },
        { budgetSeconds: 30, hardTimeoutSeconds: 60, leases, ledger, clock, telemetry: kit.telemetry, env: {} },
      );

      const first = job();
      await clock.advance(60_000);
      const result = await first;
      expect(result.outcome).toBe('timed_out');
      expect(result.error?.code).toBe('TIMEOUT');
      expect(result.durationSeconds).toBe(60);
      const records = await ledger.recent('stuck_cleanup', 10);
      expect(records.map((r) => r.outcome)).toEqual(['timed_out']);
      expect((await leases.listLeases()).map((l) => l.state)).toEqual(['released']);
      expect(await kit.metrics.value('job_runs_total', { job_name: 'stuck_cleanup', outcome: 'timed_out' })).toBe(1);
      expect(await kit.metrics.value('job_active', { job_name: 'stuck_cleanup' })).toBe(0);

      const second = await job();
      expect(second.outcome).toBe('succeeded');
      expect(fences[1]).toBeGreaterThan(fences[0] as bigint);
      expect(resource).toEqual({ value: 'second run', fence: fences[1] });

      zombie.finish(late);
      await clock.advance(1000);
      expect(resource.value).toBe('second run'); // the zombie's fenced write was rejected
      const warn = kit.logs.find('after its hard timeout');
      expect(warn).toHaveLength(1);
      expect(warn[0]?.level).toBe(40);
      // the zombie's result changes nothing already recorded
      expect((await ledger.recent('stuck_cleanup', 10)).map((r) => r.outcome).sort()).toEqual(['succeeded', 'timed_out']);
      expect(await kit.metrics.value('job_runs_total', { job_name: 'stuck_cleanup', outcome: 'succeeded' })).toBe(1);
    });
  }

  it('a job that honours its signal still returns its own result at the deadline (no zombie warning)', async () => {
    const kit = createTestTelemetry();
    kits.push(kit);
    const job = withSla(
      'polite_cleanup',
      ({ signal }) =>
        new Promise<{ processed: number }>((resolve) => signal.addEventListener('abort', () => resolve({ processed: 3 }))),
      {
        budgetSeconds: 30,
        hardTimeoutSeconds: 60,
        clock: kit.clock,
        leases: memoryLeases({ clock: kit.clock }),
        telemetry: kit.telemetry,
        env: {},
      },
    );
    const run = job();
    await kit.clock.advance(60_000);
    const result = await run;
    expect(result.outcome).toBe('timed_out');
    expect(result.processed).toBe(3);
    expect(kit.logs.find('after its hard timeout')).toEqual([]);
  });
});

describe('hardTimeoutSeconds with a zombie on the real Redis and Postgres lease stores', () => {
  const tag = `${process.pid}_${Date.now() % 100000}`;
  let redis: Redis;
  let pool: pg.Pool;
  const leaseTable = `slakit_leases_zombie_${tag}`;
  const dataTable = `slakit_fenced_zombie_${tag}`;
  beforeAll(async () => {
    await Promise.all([ensureRedis(), ensurePostgres()]);
    redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: false, maxRetriesPerRequest: 1 });
    pool = new pg.Pool({ host: '127.0.0.1', user: 'postgres', database: 'test', max: 4 });
    await postgresLeases(pool, { table: leaseTable }).ensureSchema();
    await pool.query(`CREATE TABLE ${dataTable} (id int PRIMARY KEY, value text NOT NULL, last_fence bigint NOT NULL)`);
  });
  afterAll(async () => {
    const keys = await redis.keys(`slakit:zombie:${tag}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await pool.query(`DROP TABLE IF EXISTS ${leaseTable}`);
    await pool.query(`DROP TABLE IF EXISTS ${dataTable}`);
    await pool.end();
  });

  const stores: {
    name: string;
    store: () => LeaseStore;
    write: (value: string, fence: bigint) => Promise<boolean>;
    read: () => Promise<string | undefined>;
  }[] = [
    {
      name: 'redis',
      store: () => redisLeases(redis, { prefix: `slakit:zombie:${tag}:` }),
      write: (value, fence) => redisFencedHset(redis, `slakit:zombie:${tag}:data`, 'value', value, fence),
      read: async () => (await redis.hget(`slakit:zombie:${tag}:data`, 'value')) ?? undefined,
    },
    {
      name: 'postgres',
      store: () => postgresLeases(pool, { table: leaseTable }),
      write: async (value, fence) =>
        (
          await pool.query(
            `INSERT INTO ${dataTable} AS t (id, value, last_fence) VALUES (1, $1, $2)
ON CONFLICT (id) DO UPDATE SET value = EXCLUDED.value, last_fence = EXCLUDED.last_fence WHERE t.last_fence < EXCLUDED.last_fence`,
            [value, fence.toString()],
          )
        ).rowCount === 1,
      read: async () => (await pool.query(`SELECT value FROM ${dataTable} WHERE id = 1`)).rows[0]?.value,
    },
  ];

  for (const { name, store, write, read } of stores) {
    it(`${name}: timed_out at the deadline, lease released, the next run proceeds, the zombie's late write is rejected`, async () => {
      const kit = createTestTelemetry();
      kits.push(kit);
      const leases = store();
      const zombie = zombieBody();
      const writes: boolean[] = [];
      let calls = 0;
      const job = withSla(
        `zombie_${name}`,
        async (ctx) => {
          calls++;
          if (calls === 1) {
            await zombie.done;
            writes.push(await write('zombie', ctx.fence));
            return { processed: 1 };
          }
          writes.push(await write('second run', ctx.fence));
          return { processed: 1 };
        },
        { budgetSeconds: 1, hardTimeoutSeconds: 0.3, leases, leaseTtlMs: 5000, telemetry: kit.telemetry, env: {} },
      );
      const first = await job();
      expect(first.outcome).toBe('timed_out');
      const listed = (await leases.listLeases()).filter((l) => l.key === `job:zombie_${name}`);
      expect(listed.map((l) => l.state)).toEqual(['released']);
      const second = await job();
      expect(second.outcome).toBe('succeeded');
      expect(second.fence).toBeGreaterThan(first.fence as bigint);
      zombie.finish('resolve');
      for (let i = 0; i < 50 && writes.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
      expect(writes).toEqual([true, false]);
      expect(await read()).toBe('second run');
      expect(kit.logs.find('after its hard timeout')).toHaveLength(1);
    });
  }
});
