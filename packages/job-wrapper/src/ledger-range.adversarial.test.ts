// Issue #26 item 15 (ledger side): stats over an interval that ends before now — what GET /ops/slo?from&to asks for —
// counts exactly the runs that finished in [until - window, until), in both ledgers.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePostgres } from '../../../test-support/services.js';
import { type RunLedger, type RunRecord } from './ledger.js';
import { memoryLedger } from './memory-ledger.js';
import { postgresLedger } from './postgres-ledger.js';

const table = `slakit_ledger_range_${process.pid}`;
let pool: pg.Pool;
beforeAll(async () => {
  await ensurePostgres();
  pool = new pg.Pool({ host: '127.0.0.1', user: 'postgres', database: 'test', max: 2 });
  await postgresLedger(pool, { table }).ensureSchema();
});
afterAll(async () => {
  await pool.query(`DROP TABLE IF EXISTS ${table}`);
  await pool.end();
});

const day = 86_400_000;
function run(i: number, finishedAt: number, outcome: 'succeeded' | 'failed'): RunRecord {
  return {
    runId: randomUUID(),
    job: 'cleanup',
    slot: undefined,
    fence: undefined,
    owner: undefined,
    outcome,
    startedAt: new Date(finishedAt - 1000),
    finishedAt: new Date(finishedAt),
    durationSeconds: 1 + i,
    budgetSeconds: 60,
    processed: 0,
    errorCode: undefined,
    errorMessage: undefined,
    dryRun: false,
  };
}

describe.each([
  ['memoryLedger', async () => memoryLedger()],
  ['postgresLedger', async () => postgresLedger(pool, { table })],
])('%s.stats(job, window, { until })', (_name, make) => {
  it('counts only the runs that finished in [until - window, until)', async () => {
    const ledger: RunLedger = await make();
    const now = Date.now();
    const edge = now - 3 * day; // exactly `until`: excluded
    const runs = [
      run(0, now - 1000, 'succeeded'), // after until
      run(1, edge, 'succeeded'), // at until: excluded
      run(2, edge - 1000, 'failed'), // inside
      run(3, now - 4 * day + 1000, 'succeeded'), // inside
      run(4, now - 4 * day - 1000, 'failed'), // before the window
      run(5, now - 40 * 365 * day, 'succeeded'), // decades ago
    ];
    for (const r of runs) await ledger.record(r);
    const stats = await ledger.stats('cleanup', 86_400, { until: new Date(edge) });
    expect(stats).toMatchObject({ count: 2, successRate: 0.5, p50: 3, p99: 4 });
    // Long ago: nothing (today's runs are not "since 1970").
    const past = await ledger.stats('cleanup', 86_400, { until: new Date(86_400_000) });
    expect(past.count).toBe(0);
    // Without until: the window ending now, as before.
    expect((await ledger.stats('cleanup', 86_400)).count).toBe(1);
  });
});
