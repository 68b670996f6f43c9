// Leases against the real Redis and Postgres of the machine, contended by real OS processes.
// Workers run the built packages: `pnpm test` builds first.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePostgres, ensureRedis, waitFor } from '../../../test-support/services.js';
import { redisFencedHset } from './fencing.js';
import type { LeaseStore } from './lease.js';
import { postgresLeases } from './postgres-leases.js';
import { redisLeases } from './redis-leases.js';

const WORKER = new URL('../test/worker.mjs', import.meta.url).pathname;
const tag = `${process.pid}_${Date.now() % 100000}`;
const prefix = `slakit:test:${tag}:`;
const leaseTable = `slakit_leases_test_${tag}`;
let pool: pg.Pool;
let redis: Redis;

interface Worker {
  proc: ChildProcessWithoutNullStreams;
  lines: string[];
  exited: Promise<number | null>;
}

function startWorker(config: Record<string, unknown>): Worker {
  const proc = spawn(process.execPath, [WORKER], {
    env: { ...process.env, SLAKIT_WORKER: JSON.stringify({ prefix, leaseTable, ...config }) },
    cwd: new URL('..', import.meta.url).pathname,
  });
  const lines: string[] = [];
  let buffer = '';
  let stderr = '';
  proc.stdout.on('data', (c) => {
    buffer += c;
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    lines.push(...parts);
  });
  proc.stderr.on('data', (c) => (stderr += c));
  const exited = new Promise<number | null>((resolve) =>
    proc.on('exit', (code) => {
      if (code !== 0 && code !== null) lines.push(`STDERR ${stderr}`);
      resolve(code);
    }),
  );
  return { proc, lines, exited };
}
const line = (w: Worker, start: string) =>
  waitFor(`worker line ${start} (${w.lines.join(' | ')})`, () => w.lines.find((l) => l.startsWith(start)), 20_000);

beforeAll(async () => {
  if (!existsSync(new URL('../dist/index.js', import.meta.url))) throw new Error('build @slakit/job-wrapper first (pnpm build)');
  await Promise.all([ensurePostgres(), ensureRedis()]);
  pool = new pg.Pool({ host: '127.0.0.1', user: 'postgres', database: 'test', max: 4 });
  redis = new Redis({ host: '127.0.0.1', port: 6379 });
  await postgresLeases(pool, { table: leaseTable }).ensureSchema();
});
afterAll(async () => {
  await pool.query(`DROP TABLE IF EXISTS ${leaseTable}`);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  await pool.end();
  redis.disconnect();
});

const stores: [string, () => LeaseStore][] = [
  ['redis', () => redisLeases(redis, { prefix })],
  ['postgres', () => postgresLeases(pool, { table: leaseTable })],
];

describe.each(stores)('%s leases (real server, real processes)', (store, makeStore) => {
  it('8 processes × ≥ 200 triggers: zero overlapping runs, fences strictly increasing in start order', async () => {
    const runsTable = `slakit_test_runs_${store}_${tag}`;
    await pool.query(
      `CREATE TABLE ${runsTable} (id serial PRIMARY KEY, fence bigint NOT NULL, pid int NOT NULL, started_at timestamptz NOT NULL, finished_at timestamptz)`,
    );
    try {
      const workers = Array.from({ length: 8 }, () =>
        // Each process triggers 200 times, then on until it has run the job 3 times (≤ 5000 triggers).
        startWorker({
          mode: 'mutex',
          store,
          job: `mutex_${store}`,
          triggers: 200,
          minSucceeded: 3,
          maxTriggers: 5000,
          runsTable,
        }),
      );
      const codes = await Promise.all(workers.map((w) => w.exited));
      expect(codes, workers.map((w) => w.lines.join('\n')).join('\n')).toEqual(Array(8).fill(0));
      const totals: Record<string, number> = {};
      for (const w of workers) {
        const counts = JSON.parse((w.lines.find((l) => l.startsWith('RESULT ')) ?? 'RESULT {}').slice(7)) as Record<
          string,
          number
        >;
        for (const [k, v] of Object.entries(counts)) totals[k] = (totals[k] ?? 0) + v;
      }
      expect(Object.keys(totals).sort()).toEqual(expect.arrayContaining(['succeeded']));
      const triggered = Object.values(totals).reduce((a, b) => a + b, 0);
      expect(triggered).toBeGreaterThanOrEqual(1600);
      // Every trigger either ran or was skipped because another process held the lease: no failures.
      expect((totals.succeeded ?? 0) + (totals.skipped_locked ?? 0)).toBe(triggered);
      const { rows } = await pool.query(
        `SELECT fence::text AS fence, pid, started_at, finished_at FROM ${runsTable} ORDER BY started_at, id`,
      );
      expect(rows.length).toBe(totals.succeeded);
      expect(rows.length).toBeGreaterThanOrEqual(20); // enough executed runs for the overlap check to mean something
      expect(new Set(rows.map((r) => r.pid)).size).toBeGreaterThan(1);
      let overlaps = 0;
      let nonIncreasing = 0;
      for (let i = 1; i < rows.length; i++) {
        const prev = rows[i - 1];
        const cur = rows[i];
        if (cur.started_at < prev.finished_at) overlaps++;
        if (BigInt(cur.fence) <= BigInt(prev.fence)) nonIncreasing++;
      }
      expect(overlaps).toBe(0);
      expect(nonIncreasing).toBe(0);
      expect(rows.every((r) => r.finished_at !== null)).toBe(true);
    } finally {
      await pool.query(`DROP TABLE IF EXISTS ${runsTable}`);
    }
  }, 120_000);

  it('a holder paused past its TTL loses the lease: a higher fence takes over, its run is lease_lost, its fenced write rejected', async () => {
    const guardTable = `slakit_test_guard_${store}_${tag}`;
    await pool.query(`CREATE TABLE ${guardTable} (id int PRIMARY KEY, value text, last_fence bigint NOT NULL)`);
    await pool.query(`INSERT INTO ${guardTable} VALUES (1, 'initial', 0)`);
    const job = `pause_${store}`;
    try {
      const w = startWorker({ mode: 'hold', store, job, ttlMs: 1500, holdMs: 8000, guardTable });
      const firstFence = BigInt((await line(w, 'STARTED ')).slice(8));
      w.proc.kill('SIGSTOP');
      await new Promise((r) => setTimeout(r, 2500));
      const leases = makeStore();
      const takeover = await leases.acquire(`job:${job}`, {
        ttlMs: 10_000,
        owner: { id: 'test', host: hostname(), pid: process.pid },
      });
      expect(takeover).not.toBeNull();
      expect(takeover?.fence).toBeGreaterThan(firstFence);
      const mine = await pool.query(
        `UPDATE ${guardTable} SET value = 'taken over', last_fence = $1 WHERE id = 1 AND last_fence < $1`,
        [String(takeover?.fence)],
      );
      expect(mine.rowCount).toBe(1);
      w.proc.kill('SIGCONT');
      expect(await w.exited).toBe(0);
      expect(w.lines).toContain('WRITE 0');
      const result = JSON.parse((w.lines.find((l) => l.startsWith('RESULT ')) as string).slice(7));
      expect(result).toMatchObject({ outcome: 'lease_lost', fence: String(firstFence) });
      const { rows } = await pool.query(`SELECT value, last_fence::text AS f FROM ${guardTable}`);
      expect(rows[0]).toEqual({ value: 'taken over', f: String(takeover?.fence) });
      expect(await takeover?.release()).toBe(true);
    } finally {
      await pool.query(`DROP TABLE IF EXISTS ${guardTable}`);
    }
  }, 60_000);

  it('a SIGKILLed holder leaves a visible lease (owner host/pid, heartbeat) that becomes acquirable after the TTL', async () => {
    const job = `crash_${store}`;
    const ttlMs = 2000;
    const w = startWorker({ mode: 'crash', store, job, ttlMs });
    const crashedFence = BigInt((await line(w, 'HELD ')).slice(5));
    const pid = w.proc.pid as number;
    w.proc.kill('SIGKILL');
    await w.exited;
    const killedAt = Date.now();
    const leases = makeStore();
    const listed = (await leases.listLeases()).find((l) => l.key === `job:${job}`);
    expect(listed).toMatchObject({ state: 'held', fence: crashedFence, owner: { host: hostname(), pid } });
    const heartbeatAge = Date.now() - (listed?.heartbeatAt.getTime() ?? 0);
    expect(heartbeatAge).toBeGreaterThanOrEqual(0);
    expect(heartbeatAge).toBeLessThan(ttlMs + 1000);
    const owner = { id: 'test', host: hostname(), pid: process.pid };
    expect(await leases.acquire(`job:${job}`, { ttlMs: 5000, owner })).toBeNull();
    const taken = await waitFor(
      'the crashed lease to expire',
      async () => (await leases.acquire(`job:${job}`, { ttlMs: 5000, owner })) ?? undefined,
      10_000,
      100,
    );
    // The lease stayed unavailable for (about) the rest of its TTL, then was taken over with a higher fence.
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(ttlMs - 600);
    expect(taken.fence).toBeGreaterThan(crashedFence);
    const after = (await leases.listLeases()).find((l) => l.key === `job:${job}`);
    expect(after).toMatchObject({ state: 'held', owner: { pid: process.pid } });
    expect(await taken.release()).toBe(true);
    expect((await leases.listLeases()).find((l) => l.key === `job:${job}`)?.state).toBe('released');
  }, 30_000);
});

describe('fencing recipe, Redis side', () => {
  it("rejects a stale holder's write after a takeover", async () => {
    const leases = redisLeases(redis, { prefix });
    const owner = { id: 'f', host: hostname(), pid: process.pid };
    const stale = await leases.acquire('job:fenced', { ttlMs: 1000, owner });
    await new Promise((r) => setTimeout(r, 1100)); // paused past its TTL
    const fresh = await leases.acquire('job:fenced', { ttlMs: 5000, owner });
    expect(fresh?.fence).toBeGreaterThan(stale?.fence as bigint);
    const key = `${prefix}data`;
    expect(await redisFencedHset(redis, key, 'status', 'fresh', fresh?.fence as bigint)).toBe(true);
    expect(await redisFencedHset(redis, key, 'status', 'stale', stale?.fence as bigint)).toBe(false);
    expect(await redis.hget(key, 'status')).toBe('fresh');
    await fresh?.release();
  });
});

describe('negative control', () => {
  it('memoryLeases do not exclude other processes: the same overlap check finds overlaps', async () => {
    const runsTable = `slakit_test_runs_memory_${tag}`;
    await pool.query(
      `CREATE TABLE ${runsTable} (id serial PRIMARY KEY, fence bigint NOT NULL, pid int NOT NULL, started_at timestamptz NOT NULL, finished_at timestamptz)`,
    );
    try {
      const workers = Array.from({ length: 4 }, () =>
        startWorker({ mode: 'mutex', store: 'memory', job: 'mutex_memory', triggers: 50, runsTable }),
      );
      expect(await Promise.all(workers.map((w) => w.exited))).toEqual([0, 0, 0, 0]);
      const { rows } = await pool.query(`SELECT started_at, finished_at FROM ${runsTable} ORDER BY started_at, id`);
      let overlaps = 0;
      for (let i = 1; i < rows.length; i++) if (rows[i].started_at < rows[i - 1].finished_at) overlaps++;
      expect(rows.length).toBe(200);
      expect(overlaps).toBeGreaterThan(0);
    } finally {
      await pool.query(`DROP TABLE IF EXISTS ${runsTable}`);
    }
  }, 60_000);
});

describe('postgres lease table', () => {
  it('keeps a crashed lease visible as an expired row until taken over (zombie report)', async () => {
    const leases = postgresLeases(pool, { table: leaseTable });
    const owner = { id: 'zombie', host: 'gone-host', pid: 4242 };
    const lease = await leases.acquire('job:zombie_demo', { ttlMs: 1000, owner });
    expect(lease).not.toBeNull();
    await new Promise((r) => setTimeout(r, 1300));
    const row = (await leases.listLeases()).find((l) => l.key === 'job:zombie_demo');
    expect(row).toMatchObject({ state: 'expired', owner: { host: 'gone-host', pid: 4242 } });
    expect(await lease?.extend()).toBe(false); // its local validity deadline has passed: the holder knows it lost it
  });
});
