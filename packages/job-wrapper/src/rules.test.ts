import { type AlertNotification, createAlerter } from '@slakit/core';
import { createTestTelemetry, type TestTelemetry } from '@slakit/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryLeases } from './memory-leases.js';
import { memoryLedger } from './memory-ledger.js';
import { withSla } from './with-sla.js';

const kits: TestTelemetry[] = [];
afterEach(async () => {
  await Promise.all(kits.splice(0).map((k) => k.close()));
});

/** A job whose behaviour each run is set by the test: duration (fake seconds), records, or a failure. */
function setup(budgetSeconds = 3600) {
  const kit = createTestTelemetry();
  kits.push(kit);
  const clock = kit.clock;
  const sent: AlertNotification[] = [];
  const alerter = createAlerter({
    sinks: [{ name: 'chat', kind: 'chat', send: async (n) => void sent.push(n) }],
    clock,
    env: {},
    dedupWindowSeconds: 0,
  });
  const ledger = memoryLedger({ now: () => clock.now() });
  let next: { seconds: number; processed?: number; fail?: boolean } = { seconds: 60, processed: 100 };
  const job = withSla(
    'cleanup_quiz_responses',
    async () => {
      const { seconds, processed, fail } = next;
      await new Promise<void>((r) => clock.setTimeout(r, seconds * 1000));
      if (fail) throw Object.assign(new Error('db down'), { code: 'ECONNREFUSED' });
      return { processed };
    },
    {
      budgetSeconds,
      ledger,
      alerter,
      clock,
      telemetry: kit.telemetry,
      leases: memoryLeases({ clock }),
      env: {},
      runbookUrl: 'https://runbooks.example/sla-breach',
    },
  );
  const run = async (behaviour: typeof next) => {
    next = behaviour;
    const pending = job().catch((e: unknown) => e);
    await clock.advance(behaviour.seconds * 1000 + 1);
    const result = await pending;
    await alerter.idle();
    await clock.advance(60_000); // time between runs
    return result;
  };
  const firing = () =>
    alerter
      .active()
      .map((a) => a.labels.alertname)
      .sort();
  return { kit, clock, sent, alerter, ledger, run, firing, job };
}

describe('rules evaluated after every run', () => {
  it('3 consecutive failures → critical; a success resolves it', async () => {
    const { run, firing, sent } = setup();
    await run({ seconds: 10, fail: true });
    await run({ seconds: 10, fail: true });
    expect(firing()).not.toContain('JobConsecutiveFailures');
    await run({ seconds: 10, fail: true });
    expect(firing()).toContain('JobConsecutiveFailures');
    const alert = sent.find((n) => n.labels.alertname === 'JobConsecutiveFailures');
    expect(alert?.labels.severity).toBe('critical');
    expect(alert?.values).toMatchObject({ consecutive_failures: 3, last_error: 'ECONNREFUSED', sla_budget_seconds: 3600 });
    expect(alert?.annotations.runbook_url).toBe('https://runbooks.example/sla-breach');
    await run({ seconds: 10, processed: 5 });
    expect(firing()).not.toContain('JobConsecutiveFailures');
  });

  it('24 h success rate < 95% → critical only once the minimum number of runs exists; recovery resolves', async () => {
    const { run, firing } = setup();
    await run({ seconds: 10, fail: true });
    for (let i = 0; i < 3; i++) await run({ seconds: 10, processed: 5 });
    expect(firing()).not.toContain('JobSuccessRateLow'); // 4 runs < minRuns 5
    await run({ seconds: 10, processed: 5 });
    expect(firing()).toContain('JobSuccessRateLow'); // 4/5 = 80 %
    for (let i = 0; i < 15; i++) await run({ seconds: 10, processed: 5 });
    expect(firing()).not.toContain('JobSuccessRateLow'); // 19/20 = 95 %
  });

  it('throughput below 50% of the baseline warns only once the baseline has 5 runs; zero records warns; recovery resolves', async () => {
    const { run, firing, sent } = setup();
    // 4 runs of 600 records in 60 s = 36000/h: not enough for a baseline yet
    for (let i = 0; i < 4; i++) await run({ seconds: 60, processed: 600 });
    await run({ seconds: 60, processed: 100 });
    expect(firing()).not.toContain('JobThroughputLow');
    for (let i = 0; i < 5; i++) await run({ seconds: 60, processed: 600 });
    await run({ seconds: 60, processed: 200 }); // 12000/h vs 36000/h baseline = 33 %
    expect(firing()).toContain('JobThroughputLow');
    const warning = sent.filter((n) => n.labels.alertname === 'JobThroughputLow').at(-1);
    expect(warning?.labels.severity).toBe('warning');
    expect(warning?.values).toMatchObject({ throughput_per_hour: 12000, baseline_per_hour: 36000, threshold_percent: 50 });
    await run({ seconds: 60, processed: 0 });
    expect(firing()).toContain('JobNoRecordsProcessed');
    await run({ seconds: 60, processed: 600 });
    expect(firing()).not.toContain('JobThroughputLow');
    expect(firing()).not.toContain('JobNoRecordsProcessed');
  });

  it('reproduces the seed 000 "simulate SLA breach": 3700 s against 3600 s raises the critical breach with the seed payload', async () => {
    const { run, sent, ledger } = setup(3600);
    const result = (await run({ seconds: 3700, processed: 1000 })) as { outcome: string; durationSeconds: number };
    expect(result.outcome).toBe('succeeded');
    const critical = sent.find((n) => n.labels.alertname === 'JobSlaBreachCritical');
    expect(critical?.labels).toMatchObject({ severity: 'critical', job_name: 'cleanup_quiz_responses' });
    expect(critical?.values).toMatchObject({
      alert_type: 'sla_breach_critical',
      sla_budget_seconds: 3600,
      threshold_percent: 100,
    });
    expect(critical?.annotations).toMatchObject({
      runbook_url: 'https://runbooks.example/sla-breach',
      recommended_action: 'Review batch size, check database load, verify indexes',
    });
    const [recorded] = await ledger.recent('cleanup_quiz_responses', 1);
    expect(recorded).toMatchObject({ outcome: 'succeeded', durationSeconds: 3700, budgetSeconds: 3600, processed: 1000 });
  });

  it('records skipped runs, and one schedule slot runs once (second: skipped_overlap)', async () => {
    const { job, clock, ledger } = setup();
    const slot = new Date('2026-01-03T15:30:00Z');
    const first = job(undefined, { scheduledAt: slot });
    await clock.advance(60_001);
    expect((await first).outcome).toBe('succeeded');
    const second = await job(undefined, { scheduledAt: slot });
    expect(second.outcome).toBe('skipped_overlap');
    const recent = await ledger.recent('cleanup_quiz_responses', 10);
    expect(recent.map((r) => r.outcome).sort()).toEqual(['skipped_overlap', 'succeeded']);
    expect((await ledger.stats('cleanup_quiz_responses', 86400)).count).toBe(1); // skipped runs never count
  });
});
