// One failure count across a restart: job_consecutive_failures and JobConsecutiveFailures both come from the Postgres
// ledger's count, so a process that starts after failed runs of another exports (and alerts on) the same number.
import { type AlertNotification, createAlerter } from '@slakit/core';
import { createTestTelemetry, type TestTelemetry } from '@slakit/core/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePostgres } from '../../../test-support/services.js';
import { memoryLeases } from './memory-leases.js';
import { postgresLedger } from './postgres-ledger.js';
import { withSla } from './with-sla.js';

const table = `slakit_failures_test_${process.pid}`;
const pools: pg.Pool[] = [];
const kits: TestTelemetry[] = [];
const newPool = () => {
  const pool = new pg.Pool({ host: '127.0.0.1', user: 'postgres', database: 'test', max: 2 });
  pools.push(pool);
  return pool;
};
beforeAll(async () => {
  await ensurePostgres();
  await postgresLedger(newPool(), { table }).ensureSchema();
});
afterAll(async () => {
  await pools[0]?.query(`DROP TABLE IF EXISTS ${table}`);
  await Promise.all(kits.map((k) => k.close()));
  await Promise.all(pools.map((p) => p.end()));
});

/** One "process": its own pool, telemetry, alerter and lease store over the shared ledger table. */
function process_(fail: () => boolean) {
  const kit = createTestTelemetry();
  kits.push(kit);
  const sent: AlertNotification[] = [];
  const alerter = createAlerter({
    sinks: [{ name: 'pager', kind: 'pager', send: async (n) => void sent.push(n) }],
    telemetry: kit.telemetry,
    env: {},
  });
  const ledger = postgresLedger(newPool(), { table });
  const job = withSla(
    'restarted_job',
    async () => {
      if (fail()) throw Object.assign(new Error('database unavailable'), { code: 'ECONNREFUSED' });
      return { processed: 1 };
    },
    { budgetSeconds: 60, ledger, alerter, telemetry: kit.telemetry, leases: memoryLeases(), env: {} },
  );
  const gauge = () => kit.metrics.value('job_consecutive_failures', { job_name: 'restarted_job' });
  return { job, ledger, alerter, sent, gauge };
}

describe('consecutive failures across a restart (real Postgres ledger)', () => {
  it('the gauge and the alert both equal the ledger count after a restart', async () => {
    const before = process_(() => true);
    await expect(before.job()).rejects.toThrow('database unavailable');
    await expect(before.job()).rejects.toThrow('database unavailable');
    expect(await before.gauge()).toBe(2);

    // The restarted process has counted nothing itself: it reads the ledger's count.
    let failing = true;
    const after = process_(() => failing);
    await expect(after.job()).rejects.toThrow('database unavailable');
    expect(await after.ledger.consecutiveFailures('restarted_job')).toBe(3);
    expect(await after.gauge()).toBe(3);
    await after.alerter.idle();
    const alert = after.sent.find((n) => n.labels.alertname === 'JobConsecutiveFailures');
    expect(alert?.status).toBe('firing');
    expect(alert?.values.consecutive_failures).toBe(3);

    failing = false;
    expect((await after.job()).outcome).toBe('succeeded');
    expect(await after.gauge()).toBe(0);
    await after.alerter.idle();
    expect(after.alerter.active().map((a) => a.labels.alertname)).not.toContain('JobConsecutiveFailures');
  });
});
