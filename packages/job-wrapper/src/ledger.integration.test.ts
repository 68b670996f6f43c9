// The Postgres ledger against a brute-force computation over the same rows, written by 4 concurrent processes.
import { spawn } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePostgres } from '../../../test-support/services.js';
import { percentile } from './ledger.js';
import { postgresLedger } from './postgres-ledger.js';

const ledgerTable = `slakit_ledger_test_${process.pid}`;
let pool: pg.Pool;
beforeAll(async () => {
  await ensurePostgres();
  pool = new pg.Pool({ host: '127.0.0.1', user: 'postgres', database: 'test', max: 4 });
  await postgresLedger(pool, { table: ledgerTable }).ensureSchema();
});
afterAll(async () => {
  await pool.query(`DROP TABLE IF EXISTS ${ledgerTable}`);
  await pool.end();
});

const worker = (config: Record<string, unknown> = { mode: 'ledger', store: 'postgres', ledgerTable, runs: 250 }) =>
  new Promise<number | null>((resolve) => {
    const p = spawn(process.execPath, [new URL('../test/worker.mjs', import.meta.url).pathname], {
      env: { ...process.env, SLAKIT_WORKER: JSON.stringify(config) },
      cwd: new URL('..', import.meta.url).pathname,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    p.on('exit', resolve);
  });

describe('postgresLedger (real Postgres, 4 writer processes)', () => {
  it('every query matches a brute-force computation over the same rows', async () => {
    expect(await Promise.all([worker(), worker(), worker(), worker()])).toEqual([0, 0, 0, 0]);
    const { rows } = await pool.query(
      `SELECT job, outcome, started_at, finished_at, duration_seconds, processed FROM ${ledgerTable}`,
    );
    expect(rows).toHaveLength(1000);
    const ledger = postgresLedger(pool, { table: ledgerTable });
    const now = Date.now();
    const day = 86400 * 1000;
    for (const job of ['job_0', 'job_1', 'job_2']) {
      const executed = rows.filter((r) => r.job === job && !String(r.outcome).startsWith('skipped'));
      // Timestamps are random over 30 h: a row within milliseconds of the 24 h edge is vanishingly unlikely.
      const inDay = executed.filter((r) => now - new Date(r.finished_at).getTime() < day);
      const rateBrute = inDay.filter((r) => r.outcome === 'succeeded').length / inDay.length;
      const rate = await ledger.successRate(job, 86400);
      expect(rate.runs).toBe(inDay.length);
      expect(rate.rate).toBeCloseTo(rateBrute, 10);

      const byStart = [...executed].sort((a, b) => new Date(b.started_at).getTime() - new Date(a.started_at).getTime());
      let streak = 0;
      for (const r of byStart) {
        if (r.outcome === 'succeeded') break;
        streak++;
      }
      expect(await ledger.consecutiveFailures(job)).toBe(streak);

      const okRuns = byStart
        .filter((r) => r.outcome === 'succeeded' && Number(r.processed) > 0 && Number(r.duration_seconds) > 0)
        .slice(0, 10);
      const tph = okRuns.map((r) => Number(r.processed) / (Number(r.duration_seconds) / 3600)).sort((a, b) => a - b);
      const med =
        tph.length % 2 ? tph[(tph.length - 1) / 2] : ((tph[tph.length / 2 - 1] as number) + (tph[tph.length / 2] as number)) / 2;
      const baseline = await ledger.baselineThroughput(job, { runs: 10 });
      expect(baseline.runs).toBe(okRuns.length);
      expect(baseline.perHour).toBeCloseTo(med as number, 6);

      const lastOk = Math.max(...executed.filter((r) => r.outcome === 'succeeded').map((r) => new Date(r.finished_at).getTime()));
      expect((await ledger.lastSuccess(job))?.getTime()).toBe(lastOk);

      const durations = inDay.map((r) => Number(r.duration_seconds)).sort((a, b) => a - b);
      const stats = await ledger.stats(job, 86400);
      expect(stats.count).toBe(inDay.length);
      expect(stats.p50).toBeCloseTo(percentile(durations, 50) as number, 6);
      expect(stats.p95).toBeCloseTo(percentile(durations, 95) as number, 6);
      expect(stats.p99).toBeCloseTo(percentile(durations, 99) as number, 6);
      expect(stats.successRate).toBeCloseTo(rateBrute, 10);

      const recent = await ledger.recent(job, 5);
      expect(recent.map((r) => r.startedAt.getTime())).toEqual(
        rows
          .filter((r) => r.job === job)
          .map((r) => new Date(r.started_at).getTime())
          .sort((a, b) => b - a)
          .slice(0, 5),
      );
    }
  }, 60_000);

  it('two schedulers in two processes, one clock skewed by 2 s: each slot body runs once, the other run is skipped_overlap', async () => {
    const bodyTable = `slakit_sched_body_${process.pid}`;
    const schedLedger = `slakit_sched_ledger_${process.pid}`;
    const leaseTable = `slakit_sched_leases_${process.pid}`;
    await pool.query(`CREATE TABLE ${bodyTable} (slot timestamptz NOT NULL, pid int NOT NULL)`);
    await postgresLedger(pool, { table: schedLedger }).ensureSchema();
    const { postgresLeases } = await import('./postgres-leases.js');
    await postgresLeases(pool, { table: leaseTable }).ensureSchema();
    try {
      const common = {
        mode: 'schedule',
        store: 'postgres',
        leaseTable,
        ledgerTable: schedLedger,
        bodyTable,
        job: 'skewed_job',
        durationMs: 10_000,
      };
      expect(await Promise.all([worker({ ...common, skewMs: 0 }), worker({ ...common, skewMs: 2000 })])).toEqual([0, 0]);
      const bodies = await pool.query(`SELECT slot, count(*)::int AS n FROM ${bodyTable} GROUP BY slot`);
      expect(bodies.rows.length).toBeGreaterThanOrEqual(2);
      expect(bodies.rows.every((r) => r.n === 1)).toBe(true);
      const runs = await pool.query(
        `SELECT slot, array_agg(outcome ORDER BY outcome) AS outcomes FROM ${schedLedger} GROUP BY slot`,
      );
      const both = runs.rows.filter((r) => r.outcomes.length === 2);
      expect(both.length).toBeGreaterThanOrEqual(1);
      for (const r of both) expect(r.outcomes).toEqual(['skipped_overlap', 'succeeded']);
    } finally {
      await pool.query(`DROP TABLE IF EXISTS ${bodyTable}, ${schedLedger}, ${leaseTable}`);
    }
  }, 60_000);

  it('claims a schedule slot once, even with concurrent claimers', async () => {
    const ledger = postgresLedger(pool, { table: ledgerTable });
    const slot = new Date('2026-01-03T15:30:00Z');
    const claim = (i: number) =>
      ledger.claim({
        runId: crypto.randomUUID(),
        job: 'slotted',
        slot,
        fence: BigInt(i),
        owner: `o${i}`,
        outcome: 'running',
        startedAt: new Date(),
        finishedAt: undefined,
        durationSeconds: 0,
        budgetSeconds: 60,
        processed: 0,
        errorCode: undefined,
        errorMessage: undefined,
        dryRun: false,
      });
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => claim(i)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});
