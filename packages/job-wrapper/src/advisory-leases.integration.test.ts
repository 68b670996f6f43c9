import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePostgres } from '../../../test-support/services.js';
import { postgresAdvisoryLeases } from './advisory-leases.js';

const fenceTable = `slakit_advisory_test_${process.pid}`;
const connect = async () => {
  const client = new pg.Client({ host: '127.0.0.1', user: 'postgres', database: 'test' });
  await client.connect();
  return client;
};
const owner = { id: 'x', host: 'h', pid: process.pid };
let admin: pg.Client;

beforeAll(async () => {
  await ensurePostgres();
  admin = await connect();
  await postgresAdvisoryLeases(connect, { fenceTable }).ensureSchema();
});
afterAll(async () => {
  await admin.query(`DROP TABLE IF EXISTS ${fenceTable}`);
  await admin.end();
});

describe('postgresAdvisoryLeases (real Postgres, dedicated sessions)', () => {
  it('excludes across sessions, yields increasing fences, lists the holder, and unlocks on release', async () => {
    const store = postgresAdvisoryLeases(connect, { fenceTable });
    const a = await store.acquire('job:adv', { ttlMs: 3000, owner });
    expect(a?.fence).toBe(1n);
    expect(await store.acquire('job:adv', { ttlMs: 3000, owner })).toBeNull();
    const listed = (await store.listLeases()).find((l) => l.key === 'job:adv');
    expect(listed).toMatchObject({ state: 'held', fence: 1n, owner: { host: 'h', pid: process.pid } });
    expect(await a?.extend()).toBe(true);
    expect(await a?.release()).toBe(true);
    const b = await store.acquire('job:adv', { ttlMs: 3000, owner });
    expect(b?.fence).toBe(2n);
    expect(await b?.release()).toBe(true);
  });

  it('aborts the lease when its session is terminated, and a release then reports the loss', async () => {
    const store = postgresAdvisoryLeases(connect, { fenceTable });
    const lease = await store.acquire('job:adv_kill', { ttlMs: 3000, owner });
    expect(lease).not.toBeNull();
    await admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE 'slakit:%:job:adv_kill'`,
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(lease?.signal.aborted).toBe(true);
    expect(await lease?.release()).toBe(false);
    const again = await store.acquire('job:adv_kill', { ttlMs: 3000, owner });
    expect(again).not.toBeNull();
    await again?.release();
  });
});
