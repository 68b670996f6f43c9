// withSla({ retry }) against the real Redis and Postgres of the machine (issue #23, acceptance 1): a job failing
// twice then succeeding is one run `succeeded` with 3 attempt rows in the Postgres ledger; exhausted retries are
// `failed` with the critical alert; and the lease — Redis or the Postgres lease table — never lapses between
// attempts: a second holder polling the store never gets it, even though the run lasts several TTLs.
import { type AlertNotification, createAlerter, createLogger } from '@slakit/core';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePostgres, ensureRedis } from '../../../test-support/services.js';
import { defaultOwner, type LeaseStore } from './lease.js';
import { postgresLeases } from './postgres-leases.js';
import { postgresLedger } from './postgres-ledger.js';
import { redisLeases } from './redis-leases.js';
import { withSla } from './with-sla.js';

const tag = `${process.pid}_${Date.now() % 100000}`;
const ledgerTable = `slakit_retry_runs_${tag}`;
const leaseTable = `slakit_retry_leases_${tag}`;
let pool: pg.Pool;
let redis: Redis;
const logger = createLogger({ level: 'silent' });

beforeAll(async () => {
  await Promise.all([ensurePostgres(), ensureRedis()]);
  pool = new pg.Pool({ host: '127.0.0.1', user: 'postgres', database: 'test', max: 6 });
  redis = new Redis({ host: '127.0.0.1', port: 6379 });
  await postgresLedger(pool, { table: ledgerTable }).ensureSchema();
  await postgresLeases(pool, { table: leaseTable }).ensureSchema();
});
afterAll(async () => {
  await pool.query(
    `DROP TABLE IF EXISTS ${ledgerTable}; DROP TABLE IF EXISTS ${ledgerTable}_attempts; DROP TABLE IF EXISTS ${leaseTable}`,
  );
  await pool.end();
  redis.disconnect();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `store` for the job's lease as another owner until `done`; returns how often it got it (must be 0). */
function rival(store: LeaseStore, key: string, done: () => boolean): Promise<{ tries: number; won: number }> {
  const owner = { ...defaultOwner(), id: 'rival' };
  return (async () => {
    let tries = 0;
    let won = 0;
    while (!done()) {
      const lease = await store.acquire(key, { ttlMs: 1000, owner }).catch(() => null);
      tries++;
      if (lease) {
        won++;
        await lease.release();
      }
      await sleep(50);
    }
    return { tries, won };
  })();
}

const stores: [string, () => LeaseStore][] = [
  ['Redis', () => redisLeases(redis, { prefix: `slakit:retry:${tag}:` })],
  ['Postgres lease table', () => postgresLeases(pool, { table: leaseTable })],
];

describe.each(stores)('withSla({ retry }) with %s leases and the Postgres ledger', (storeName, makeStore) => {
  const job = `retried_${storeName === 'Redis' ? 'redis' : 'pg'}`;

  it('fails twice then succeeds: one run succeeded, 3 attempt rows linked to it, the lease held across every backoff', async () => {
    const ledger = postgresLedger(pool, { table: ledgerTable });
    const leases = makeStore();
    let calls = 0;
    let finished = false;
    let started!: () => void;
    const holding = new Promise<void>((r) => {
      started = r;
    });
    const wrapped = withSla(
      job,
      async (ctx) => {
        calls++;
        started(); // the lease is ours from here: the rival starts polling only now
        await sleep(400);
        if (ctx.attempt < 3) throw Object.assign(new Error('could not serialize access'), { code: '40001' });
        // Stop polling as the last attempt ends (the release that follows would otherwise race the rival).
        finished = true;
        return { processed: 7 };
      },
      // TTL 1 s, run ≈ 3 × 400 ms + 2 × 700 ms = 2.6 s: only the renewal (every 333 ms) keeps the lease.
      {
        budgetSeconds: 60,
        leases,
        leaseTtlMs: 1000,
        ledger,
        logger,
        env: {},
        retry: { attempts: 3, backoff: 'fixed', baseMs: 700 },
      },
    );
    const run = wrapped().finally(() => {
      finished = true; // also when the run failed
    });
    await holding;
    const contender = rival(makeStore(), `job:${job}`, () => finished);
    const result = await run;
    const { tries, won } = await contender;
    expect(result.outcome).toBe('succeeded');
    expect(result.attempts).toBe(3);
    expect(calls).toBe(3);
    expect(result.durationSeconds).toBeGreaterThan(2.5); // > 2 TTLs: the lease was renewed, never lapsed
    expect(tries).toBeGreaterThan(5); // polled throughout the run (every 50 ms plus the store round trip)
    expect(won).toBe(0);
    const [row] = await ledger.recent(job, 1);
    expect(row).toMatchObject({ runId: result.runId, outcome: 'succeeded', attempts: 3, processed: 7 });
    const attempts = await ledger.attempts(result.runId);
    expect(attempts.map((a) => [a.attempt, a.outcome, a.errorCode, a.retryDelayMs])).toEqual([
      [1, 'failed', '40001', 700],
      [2, 'failed', '40001', 700],
      [3, 'succeeded', undefined, undefined],
    ]);
    // Linked to the run in SQL too (a join on run_id), each attempt inside the run's time span.
    const { rows } = await pool.query(
      `SELECT a.attempt FROM ${ledgerTable}_attempts a JOIN ${ledgerTable} r USING (run_id)
       WHERE r.run_id = $1 AND a.started_at >= r.started_at AND a.finished_at <= r.finished_at ORDER BY a.attempt`,
      [result.runId],
    );
    expect(rows.map((r) => r.attempt)).toEqual([1, 2, 3]);
    // The lease was released at the end: the rival can take it now.
    const after = await makeStore().acquire(`job:${job}`, { ttlMs: 1000, owner: { ...defaultOwner(), id: 'after' } });
    expect(after).not.toBeNull();
    await after?.release();
  }, 30_000);

  it('exhausted: failed after 2 attempts, the critical JobRetriesExhausted fires; the ledger retry rate counts the retries', async () => {
    const ledger = postgresLedger(pool, { table: ledgerTable });
    const notifications: AlertNotification[] = [];
    const alerter = createAlerter({
      sinks: [{ name: 'pager', kind: 'custom', send: async (n) => void notifications.push(n) }],
      logger,
      env: {},
    });
    const name = `${job}_exhausted`;
    const wrapped = withSla(
      name,
      async () => {
        throw Object.assign(new Error('relation "orders" does not exist'), { code: '42P01' });
      },
      {
        budgetSeconds: 60,
        leases: makeStore(),
        ledger,
        alerter,
        logger,
        env: {},
        retry: { attempts: 2, baseMs: 100 },
        rules: { minRuns: 1 },
      },
    );
    const error = await wrapped().catch((e: Error) => e);
    expect((error as Error).message).toContain('orders');
    await alerter.idle();
    const exhausted = notifications.find((n) => n.labels.alertname === 'JobRetriesExhausted');
    expect(exhausted?.labels).toMatchObject({ severity: 'critical', job_name: name });
    // 1 retry in 1 run: rate 1 > 0.2 with minRuns 1.
    expect(await ledger.retryRate(name, 3600)).toEqual({ rate: 1, runs: 1 });
    expect(notifications.some((n) => n.labels.alertname === 'JobRetryRateHigh')).toBe(true);
    const [row] = await ledger.recent(name, 1);
    expect(row).toMatchObject({ outcome: 'failed', attempts: 2, errorCode: '42P01' });
    expect((await ledger.attempts(row?.runId ?? '')).map((a) => a.outcome)).toEqual(['failed', 'failed']);
    await alerter.close();
  }, 30_000);
});

describe('postgresLedger schema upgrade', () => {
  it('ensureSchema() adds the attempts column to a ledger table created before retries', async () => {
    const old = `slakit_old_runs_${tag}`;
    try {
      await pool.query(
        `CREATE TABLE ${old} (run_id uuid PRIMARY KEY, job text NOT NULL, slot timestamptz, fence bigint, owner text,
          outcome text NOT NULL, started_at timestamptz NOT NULL, finished_at timestamptz,
          duration_seconds double precision NOT NULL DEFAULT 0, budget_seconds double precision NOT NULL,
          processed bigint NOT NULL DEFAULT 0, error_code text, error_message varchar(500), dry_run boolean NOT NULL DEFAULT false)`,
      );
      const ledger = postgresLedger(pool, { table: old });
      await ledger.ensureSchema();
      const wrapped = withSla('upgraded', async () => ({ processed: 1 }), { budgetSeconds: 5, ledger, logger, env: {} });
      expect((await wrapped()).outcome).toBe('succeeded');
      expect((await ledger.recent('upgraded', 1))[0]?.attempts).toBe(1);
    } finally {
      await pool.query(`DROP TABLE IF EXISTS ${old}; DROP TABLE IF EXISTS ${old}_attempts`);
    }
  }, 30_000);
});
