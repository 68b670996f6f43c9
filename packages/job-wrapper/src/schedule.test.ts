import { type AlertNotification, createAlerter } from '@slakit/core';
import { createTestTelemetry, type TestTelemetry } from '@slakit/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryLeases } from './memory-leases.js';
import { memoryLedger } from './memory-ledger.js';
import { schedule } from './schedule.js';
import { withSla } from './with-sla.js';

const kits: TestTelemetry[] = [];
afterEach(async () => {
  await Promise.all(kits.splice(0).map((k) => k.close()));
});

function setup(runSeconds: number) {
  const kit = createTestTelemetry({ startMs: Date.UTC(2026, 0, 3, 15, 31) });
  kits.push(kit);
  const clock = kit.clock;
  const sent: AlertNotification[] = [];
  const alerter = createAlerter({
    sinks: [{ name: 'pager', kind: 'pager', send: async (n) => void sent.push(n) }],
    clock,
    env: {},
  });
  const ledger = memoryLedger({ now: () => clock.now() });
  const slots: string[] = [];
  let seconds = runSeconds;
  const job = withSla(
    'cleanup_quiz_responses',
    async (ctx) => {
      slots.push(ctx.scheduledAt.toISOString());
      await new Promise<void>((r) => clock.setTimeout(r, seconds * 1000));
      return { processed: 1 };
    },
    { budgetSeconds: 3600, clock, ledger, leases: memoryLeases({ clock }), telemetry: kit.telemetry, env: {} },
  );
  const setSeconds = (s: number) => {
    seconds = s;
  };
  return { kit, clock, sent, alerter, ledger, slots, job, setSeconds };
}

describe('schedule', () => {
  it('fires on the cron slots, passes each slot to the run and exports the next run time', async () => {
    const { clock, job, slots, kit } = setup(10);
    const s = schedule('*/15 * * * *', job, { clock, telemetry: kit.telemetry, timezone: 'UTC' });
    expect(s.nextRun()?.toISOString()).toBe('2026-01-03T15:45:00.000Z');
    await clock.advance(31 * 60_000);
    expect(slots).toEqual(['2026-01-03T15:45:00.000Z', '2026-01-03T16:00:00.000Z']);
    expect(await kit.metrics.value('job_next_run_timestamp_seconds', { job_name: 'cleanup_quiz_responses' })).toBe(
      Date.UTC(2026, 0, 3, 16, 15) / 1000,
    );
    s.stop();
  });

  it('records an overlapping fire in this process as skipped_overlap', async () => {
    const { clock, job, ledger, slots } = setup(20 * 60); // each run takes 20 min, the period is 15 min
    const s = schedule('*/15 * * * *', job, { clock, timezone: 'UTC', graceSeconds: 3600 });
    await clock.advance(45 * 60_000);
    expect(slots).toEqual(['2026-01-03T15:45:00.000Z', '2026-01-03T16:15:00.000Z']);
    const outcomes = (await ledger.recent('cleanup_quiz_responses', 10)).map((r) => r.outcome).sort();
    expect(outcomes).toContain('skipped_overlap');
    s.stop();
  });

  it('raises JobMissedRun after one period + grace without a success (scheduler paused), and resolves on the next success', async () => {
    const { clock, job, alerter, sent } = setup(10);
    const s = schedule('*/15 * * * *', job, { clock, alerter, timezone: 'UTC', graceSeconds: 120 });
    s.pause();
    await clock.advance(15 * 60_000 + 100_000);
    await alerter.idle();
    expect(sent).toEqual([]); // 16 min 40 s < 15 min + 2 min
    await clock.advance(120_000); // past 17 min; the watchdog looks every 60 s
    await alerter.idle();
    expect(sent.map((n) => `${n.labels.alertname}:${n.status}`)).toEqual(['JobMissedRun:firing']);
    expect(sent[0]?.labels.severity).toBe('critical');
    s.resume();
    await clock.advance(15 * 60_000);
    await s.idle();
    await alerter.idle();
    expect(sent.map((n) => `${n.labels.alertname}:${n.status}`)).toEqual(['JobMissedRun:firing', 'JobMissedRun:resolved']);
    s.stop();
  });

  it('judges each gap of an irregular schedule on its own: no JobMissedRun over a weekend, one on a missed weekday', async () => {
    const { clock, job, alerter, sent, slots } = setup(10);
    // Thursday 08:00 UTC; the job runs at 09:00 on weekdays (gaps of 24 h, and 72 h from Friday to Monday).
    await clock.advance(Date.UTC(2026, 0, 8, 8, 0) - clock.now());
    const s = schedule('0 9 * * 1-5', job, { clock, alerter, timezone: 'UTC' });
    await clock.advance(Date.UTC(2026, 0, 12, 9, 30) - clock.now()); // Monday 09:30: Thursday, Friday and Monday ran
    await s.idle();
    await alerter.idle();
    expect(slots).toEqual(['2026-01-08T09:00:00.000Z', '2026-01-09T09:00:00.000Z', '2026-01-12T09:00:00.000Z']);
    expect(sent).toEqual([]); // the weekend is one 72 h gap, not three missed 24 h periods
    s.pause(); // Tuesday's run does not happen
    // Due after Monday's success (09:00:10): one 24 h gap + the default grace of 10 % of it (2 h 24 min).
    await clock.advance(Date.UTC(2026, 0, 13, 11, 23) - clock.now());
    await alerter.idle();
    expect(sent).toEqual([]);
    await clock.advance(2 * 60_000); // 11:25, past 11:24:10; the watchdog looks every 60 s
    await alerter.idle();
    expect(sent.map((n) => `${n.labels.alertname}:${n.status}`)).toEqual(['JobMissedRun:firing']);
    expect(sent[0]?.values).toMatchObject({ period_seconds: 86_400, grace_seconds: 8640 });
    s.stop();
  });

  it('measures from lastSuccessAt with the gap it fell in (a success on Friday is due again on Monday)', async () => {
    const { clock, job, alerter, sent } = setup(10);
    await clock.advance(Date.UTC(2026, 0, 10, 12, 0) - clock.now()); // Saturday noon
    const s = schedule('0 9 * * 1-5', job, {
      clock,
      alerter,
      timezone: 'UTC',
      graceSeconds: 3600,
      lastSuccessAt: new Date(Date.UTC(2026, 0, 9, 9, 5)), // Friday 09:05
    });
    s.pause();
    await clock.advance(Date.UTC(2026, 0, 12, 10, 4) - clock.now()); // Monday 10:04, due at 10:05
    await alerter.idle();
    expect(sent).toEqual([]);
    await clock.advance(2 * 60_000);
    await alerter.idle();
    expect(sent.map((n) => n.values)).toEqual([{ silent_seconds: 262_860, period_seconds: 259_200, grace_seconds: 3600 }]);
    s.stop();
  });

  it('exports lastSuccessAt at start as job_last_success_known_timestamp_seconds (the rule keeps watching after a restart)', async () => {
    const { clock, job, kit } = setup(10);
    const known = new Date(Date.UTC(2026, 0, 3, 15, 0));
    const s = schedule('*/15 * * * *', job, { clock, telemetry: kit.telemetry, timezone: 'UTC', lastSuccessAt: known });
    const value = (name: string) => kit.metrics.value(name, { job_name: 'cleanup_quiz_responses' });
    expect(await value('job_last_success_known_timestamp_seconds')).toBe(known.getTime() / 1000);
    // The own-success gauge is only this process's runs (the rules pick the latest runner by it): not written here.
    expect(await value('job_last_success_timestamp_seconds')).toBeUndefined();
    await clock.advance(15 * 60_000); // the 15:45 run succeeds at 15:45:10
    await s.idle();
    const at = Date.UTC(2026, 0, 3, 15, 45, 10) / 1000;
    expect(await value('job_last_success_timestamp_seconds')).toBe(at);
    expect(await value('job_last_success_known_timestamp_seconds')).toBe(at);
    s.stop();
  });

  it("without lastSuccessAt, adopts the shared ledger's last success at start: a job missing before a restart stays missing", async () => {
    const { clock, kit } = setup(1);
    const ledger = memoryLedger({ now: () => clock.now() });
    // A success recorded 2 days ago by another process (the ledger is shared); since then nothing succeeded.
    const old = clock.now() - 2 * 86_400_000;
    await ledger.record({
      runId: 'old',
      job: 'hourly_sync',
      slot: undefined,
      fence: undefined,
      owner: 'other:1',
      outcome: 'succeeded',
      startedAt: new Date(old - 1000),
      finishedAt: new Date(old),
      durationSeconds: 1,
      budgetSeconds: 60,
      processed: 1,
      errorCode: undefined,
      errorMessage: undefined,
      dryRun: false,
    });
    const job = withSla('hourly_sync', async () => ({ processed: 1 }), { budgetSeconds: 60, clock, ledger, env: {} });
    const fired: string[] = [];
    const alerter = { fire: (a: { labels: { alertname: string } }) => fired.push(a.labels.alertname), resolve: () => undefined };
    // Hourly, starting at 15:31: the next slot is 16:00 — a start-based watchdog would wait until 17:06.
    const s = schedule('0 * * * *', job, {
      clock,
      telemetry: kit.telemetry,
      timezone: 'UTC',
      graceSeconds: 360,
      alerter: alerter as never,
    });
    await clock.advance(2 * 60_000);
    expect(await kit.metrics.value('job_last_success_known_timestamp_seconds', { job_name: 'hourly_sync' })).toBe(old / 1000);
    expect(fired).toEqual(['JobMissedRun']);
    s.stop();
  });

  it('stop() clears its timers', async () => {
    const { clock, job } = setup(1);
    const before = clock.pending();
    const s = schedule('*/15 * * * *', job, { clock, timezone: 'UTC' });
    expect(clock.pending()).toBe(before + 2); // the next fire and the watchdog
    s.stop();
    expect(clock.pending()).toBe(before);
  });

  it('rejects a bad cron expression or time zone', () => {
    const { job } = setup(1);
    expect(() => schedule('every 5 minutes', job)).toThrowError(
      expect.objectContaining({ code: 'ERR_SLAKIT_INVALID_OPTION', field: 'cron' }),
    );
    expect(() => schedule('*/5 * * * *', job, { timezone: 'Mars/Olympus' })).toThrowError(
      expect.objectContaining({ field: 'cron' }),
    );
    expect(() => schedule('2026-01-01T00:00:00', job)).toThrowError(
      expect.objectContaining({ code: 'ERR_SLAKIT_INVALID_OPTION', field: 'cron', message: expect.stringMatching(/repeatedly/) }),
    );
    expect(() => schedule('*/5 * * * *', job, { lastSuccessAt: '2026-01-01' as unknown as Date })).toThrowError(
      expect.objectContaining({ code: 'ERR_SLAKIT_INVALID_OPTION', field: 'lastSuccessAt' }),
    );
    expect(() => schedule('*/5 * * * *', job, { lastSuccessAt: new Date(Number.NaN) })).toThrowError(
      expect.objectContaining({ field: 'lastSuccessAt' }),
    );
  });
});
