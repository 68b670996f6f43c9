import { type AlertNotification, createAlerter } from '@slakit/core';
import { createFakeClock, createTestTelemetry } from '@slakit/core/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePostgres } from '../../../test-support/services.js';
import { postgresQueueProbe, watchQueue } from './queue.js';

const table = `slakit_mrq_test_${process.pid}`;
let pool: pg.Pool;
beforeAll(async () => {
  await ensurePostgres();
  pool = new pg.Pool({ host: '127.0.0.1', user: 'postgres', database: 'test', max: 2 });
  await pool.query(
    `CREATE TABLE ${table} (id text PRIMARY KEY, kind text NOT NULL, created_at timestamptz NOT NULL, resolved_at timestamptz)`,
  );
  // Waiting items aged 1 h, 30 h, 100 h, 200 h and 300 h; two resolved in the last day; one of another kind.
  await pool.query(`INSERT INTO ${table} VALUES
    ('a', 'manual', now() - interval '1 hour', NULL),
    ('b', 'manual', now() - interval '30 hours', NULL),
    ('c', 'manual', now() - interval '100 hours', NULL),
    ('d', 'manual', now() - interval '200 hours', NULL),
    ('e', 'manual', now() - interval '300 hours', NULL),
    ('r1', 'manual', now() - interval '50 hours', now() - interval '2 hours'),
    ('r2', 'manual', now() - interval '60 hours', now() - interval '3 hours'),
    ('r3', 'manual', now() - interval '90 hours', now() - interval '3 days'),
    ('x', 'auto', now() - interval '999 hours', NULL)`);
});
afterAll(async () => {
  await pool.query(`DROP TABLE IF EXISTS ${table}`);
  await pool.end();
});

describe('queue monitor on a real Postgres table', () => {
  it('computes exact depth, ages and counts in one query, exports them, and raises the seed alerts with the oldest ids', async () => {
    const kit = createTestTelemetry();
    const sent: AlertNotification[] = [];
    const alerter = createAlerter({ sinks: [{ name: 'all', kind: 'custom', send: async (n) => void sent.push(n) }], env: {} });
    const probe = postgresQueueProbe(pool, { table, where: "kind = 'manual'" });
    const monitor = watchQueue('manual_resolution', {
      probe,
      alerter,
      telemetry: kit.telemetry,
      thresholds: { depthWarning: 3, depthCritical: 10 },
      env: {},
      intervalMs: 3_600_000,
    });
    const s = await monitor.check();
    await alerter.idle();
    expect(s).toMatchObject({ depth: 5, overSla: 4, requiringEscalation: 2, resolvedPerDay: 2, oldestIds: ['e', 'd'] });
    expect(s?.oldestAgeSeconds).toBeCloseTo(300 * 3600, -1); // within ~5 s of the database clock
    expect(s?.averageAgeSeconds).toBeCloseTo(((1 + 30 + 100 + 200 + 300) / 5) * 3600, -1);
    expect(await kit.metrics.value('queue_depth', { queue: 'manual_resolution' })).toBe(5);
    expect(await kit.metrics.value('queue_items_over_sla', { queue: 'manual_resolution' })).toBe(4);
    expect(await kit.metrics.value('queue_items_requiring_escalation', { queue: 'manual_resolution' })).toBe(2);
    expect(await kit.metrics.value('queue_resolved_per_day', { queue: 'manual_resolution' })).toBe(2);
    expect(await kit.metrics.value('queue_oldest_item_age_seconds', { queue: 'manual_resolution' })).toBeCloseTo(300 * 3600, -1);
    expect(await kit.metrics.value('queue_average_item_age_seconds', { queue: 'manual_resolution' })).toBeCloseTo(
      126.2 * 3600,
      -1,
    );
    const names = sent.map((n) => `${n.labels.alertname}:${n.labels.severity}`).sort();
    expect(names).toEqual(['QueueAgeWarning:warning', 'QueueDepthWarning:warning', 'QueueEscalationRequired:critical']);
    const escalation = sent.find((n) => n.labels.alertname === 'QueueEscalationRequired');
    expect(escalation?.values).toMatchObject({ items_requiring_escalation: 2, oldest_ids: 'e,d' });
    expect(escalation?.labels.queue).toBe('manual_resolution');

    // Items get resolved: the alerts resolve.
    await pool.query(`UPDATE ${table} SET resolved_at = now() WHERE id IN ('b', 'c', 'd', 'e')`);
    await monitor.check();
    await alerter.idle();
    expect(alerter.active()).toEqual([]);
    monitor.stop();
    await alerter.close();
    await kit.close();
  });

  it('warns when resolutions fall below half their 7-day average once it holds 24 h; a failing probe is logged, not thrown', async () => {
    const sent: AlertNotification[] = [];
    const clock = createFakeClock(0);
    const alerter = createAlerter({
      clock,
      sinks: [{ name: 'chat', kind: 'chat', send: async (n) => void sent.push(n) }],
      env: {},
    });
    let resolved = 10;
    let fail = false;
    const monitor = watchQueue('mrq', {
      probe: async () => {
        if (fail) throw Object.assign(new Error('connection to postgres://u:pw@h failed'), { code: 'ECONNREFUSED' });
        return {
          depth: 0,
          averageAgeSeconds: 0,
          oldestAgeSeconds: 0,
          overSla: 0,
          requiringEscalation: 0,
          resolvedPerDay: resolved,
          oldestIds: [],
        };
      },
      alerter,
      clock,
      env: {},
      intervalMs: 30 * 86_400_000, // checks by hand below
    });
    const hourly = async (hours: number) => {
      for (let i = 0; i < hours; i++) {
        await monitor.check();
        await clock.advance(3_600_000);
      }
    };
    await hourly(3);
    resolved = 4; // a drop while the baseline is younger than resolutionMinHistoryHours (24 h): silent
    await hourly(1);
    await alerter.idle();
    expect(sent).toEqual([]);
    resolved = 10;
    await hourly(21); // the oldest sample is now 24 h old
    resolved = 4;
    await monitor.check();
    await alerter.idle();
    expect(sent.map((n) => [n.labels.alertname, n.labels.severity])).toEqual([['QueueResolutionRateLow', 'warning']]);
    expect(sent[0]?.values).toMatchObject({ resolved_per_day: 4, average_per_day: 9.5, ratio: 0.5 });
    resolved = 9;
    await monitor.check();
    await alerter.idle();
    expect(sent.map((n) => n.status)).toEqual(['firing', 'resolved']);
    fail = true;
    expect(await monitor.check()).toBeUndefined();
    monitor.stop();
    await alerter.close();
  });

  it('rejects bad configuration', () => {
    expect(() => watchQueue('Bad-Name', { probe: async () => ({}) as never })).toThrowError(
      expect.objectContaining({ code: 'ERR_SLAKIT_INVALID_NAME' }),
    );
    expect(() =>
      watchQueue('q', { probe: async () => ({}) as never, thresholds: { depthWarning: 500, depthCritical: 100 }, env: {} }),
    ).toThrowError(expect.objectContaining({ code: 'ERR_SLAKIT_THRESHOLD_ORDER' }));
    const history = { resolutionBaselineHours: 12, resolutionMinHistoryHours: 12 };
    expect(() => watchQueue('q', { probe: async () => ({}) as never, thresholds: history, env: {} })).toThrowError(
      expect.objectContaining({
        code: 'ERR_SLAKIT_THRESHOLD_ORDER',
        field: 'thresholds.resolutionMinHistoryHours',
        value: 12,
        accepted: 'a number of hours lower than 12',
      }),
    );
    expect(() =>
      watchQueue('q', { probe: async () => ({}) as never, thresholds: { resolutionRateRatio: 1 }, env: {} }),
    ).toThrowError(expect.objectContaining({ code: 'ERR_SLAKIT_INVALID_OPTION', field: 'thresholds.resolutionRateRatio' }));
    expect(() => postgresQueueProbe(pool, { table, createdAtColumn: 'created_at; drop table x' })).toThrowError(
      expect.objectContaining({ field: 'createdAtColumn' }),
    );
  });
});
