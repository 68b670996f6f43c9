// Odd runs on a fake clock (issue #23, acceptance 3): a stall with no progress, a run that succeeds too fast, a job
// that runs more often than allowed, 3 runs in a row at ≥ 80 % of the budget (escalation), and the recovery
// threshold of JobConsecutiveFailures.
import { type AlertNotification, createAlerter } from '@slakit/core';
import { createTestTelemetry, type TestTelemetry } from '@slakit/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryLeases } from './memory-leases.js';
import { memoryLedger } from './memory-ledger.js';
import type { JobContext } from './types.js';
import { type WithSlaOptions, withSla } from './with-sla.js';

const kits: TestTelemetry[] = [];
afterEach(async () => {
  await Promise.all(kits.splice(0).map((k) => k.close()));
});

function setup(extra: Partial<WithSlaOptions> = {}) {
  const kit = createTestTelemetry({ serviceName: 'shop' });
  kits.push(kit);
  const notifications: AlertNotification[] = [];
  const alerter = createAlerter({
    sinks: [{ name: 'chat', kind: 'chat', send: async (n) => void notifications.push(n) }],
    telemetry: kit.telemetry,
    clock: kit.clock,
    env: {},
  });
  const options: WithSlaOptions = {
    budgetSeconds: 600,
    telemetry: kit.telemetry,
    alerter,
    clock: kit.clock,
    leases: memoryLeases({ clock: kit.clock }),
    ledger: memoryLedger({ now: () => kit.clock.now() }),
    env: {},
    ...extra,
  };
  const firing = async () => {
    await alerter.idle();
    return alerter.active().map((a) => a.labels.alertname);
  };
  return { kit, options, clock: kit.clock, firing, notifications };
}

describe('JobStalled (stallSeconds)', () => {
  it('fires after stallSeconds without progress while the job keeps running; progress resolves it; the end resolves it', async () => {
    const { options, clock, firing, kit, notifications } = setup({ stallSeconds: 600, budgetSeconds: 7200 });
    let ctx!: JobContext;
    let finish!: () => void;
    const job = withSla(
      'purge_sessions',
      (c) =>
        new Promise<undefined>((resolve) => {
          ctx = c;
          finish = () => resolve(undefined);
        }),
      options,
    );
    const run = job();
    await clock.advance(9 * 60_000);
    ctx.progress(10); // progress at 9 min: the watch restarts from here
    await clock.advance(9 * 60_000); // 18 min: 9 min since the last progress
    expect(await firing()).toEqual([]);
    expect(await kit.metrics.value('job_last_progress_timestamp_seconds', { job_name: 'purge_sessions' })).toBe(
      (Date.UTC(2026, 0, 1) + 9 * 60_000) / 1000,
    );
    await clock.advance(60_000); // 19 min: 10 min without progress → stalled
    expect(await firing()).toEqual(['JobStalled']);
    expect(notifications.at(-1)?.labels).toMatchObject({ severity: 'critical', job_name: 'purge_sessions' });
    expect(ctx.signal.aborted).toBe(false); // never killed
    ctx.progress(1);
    expect(await firing()).toEqual([]);
    await clock.advance(11 * 60_000);
    expect(await firing()).toEqual(['JobStalled']); // stalled again
    finish();
    expect((await run).outcome).toBe('succeeded');
    expect(await firing()).toEqual([]);
    expect(await kit.metrics.value('job_last_progress_timestamp_seconds', { job_name: 'purge_sessions' })).toBe(0);
  });

  it('without stallSeconds nothing is watched', async () => {
    const { options, clock, firing } = setup();
    let finish!: () => void;
    const job = withSla('purge_sessions', () => new Promise<undefined>((r) => (finish = () => r(undefined))), options);
    const run = job();
    await clock.advance(3 * 3600_000);
    expect(await firing()).not.toContain('JobStalled');
    finish();
    await run;
  });
});

describe('JobRunTooFast (minDurationSeconds)', () => {
  it('a success below minDurationSeconds warns; a normal run resolves; a fast failure is not "too fast"', async () => {
    const { options, clock, firing, notifications } = setup({ minDurationSeconds: 30 });
    let ms = 2000;
    let fail = false;
    const job = withSla(
      'export_orders',
      async () => {
        await new Promise<void>((r) => clock.setTimeout(r, ms));
        if (fail) throw new Error('boom');
      },
      options,
    );
    const run = async () => {
      const p = job().catch(() => undefined);
      await clock.advance(ms + 10);
      return p;
    };
    await run();
    expect(await firing()).toEqual(['JobRunTooFast']);
    expect(notifications.at(-1)?.values).toMatchObject({ actual_duration_seconds: 2, min_duration_seconds: 30 });
    ms = 40_000;
    await run();
    expect(await firing()).toEqual([]);
    ms = 1000;
    fail = true;
    await run();
    expect(await firing()).not.toContain('JobRunTooFast');
  });
});

describe('JobRunTooOften (minIntervalSeconds, from the ledger)', () => {
  it('a run starting sooner than minIntervalSeconds after the previous one warns; a later one resolves', async () => {
    const { options, clock, firing, kit } = setup({ minIntervalSeconds: 3000 });
    const job = withSla('hourly_sync', async () => undefined, options);
    await job();
    expect(await firing()).toEqual([]); // no previous run
    await clock.advance(3600_000);
    await job();
    expect(await firing()).toEqual([]);
    expect(await kit.metrics.value('job_last_run_interval_seconds', { job_name: 'hourly_sync' })).toBe(3600);
    await clock.advance(60_000); // a second scheduler fires 1 min later
    await job();
    expect(await firing()).toEqual(['JobRunTooOften']);
    expect(await kit.metrics.value('job_last_run_interval_seconds', { job_name: 'hourly_sync' })).toBe(60);
    await clock.advance(3600_000);
    await job();
    expect(await firing()).toEqual([]);
  });
});

describe('JobUtilizationStreak (3 × 80 %)', () => {
  it('three runs in a row at ≥ 80 % of the budget escalate (critical); a run below resolves', async () => {
    const { options, clock, firing, kit } = setup({ budgetSeconds: 100 });
    let seconds = 85;
    const job = withSla(
      'nightly_cleanup',
      async () => {
        await new Promise<void>((r) => clock.setTimeout(r, seconds * 1000));
      },
      options,
    );
    const run = async () => {
      const p = job();
      await clock.advance(seconds * 1000 + 10);
      return p;
    };
    await run();
    await run();
    expect(await firing()).not.toContain('JobUtilizationStreak');
    expect(await kit.metrics.value('job_high_utilization_streak', { job_name: 'nightly_cleanup' })).toBe(2);
    await run();
    expect(await firing()).toContain('JobUtilizationStreak');
    seconds = 50;
    await run();
    expect(await firing()).not.toContain('JobUtilizationStreak');
    expect(await kit.metrics.value('job_high_utilization_streak', { job_name: 'nightly_cleanup' })).toBe(0);
  });
});

describe('recovery threshold (recoveryRuns)', () => {
  it('JobConsecutiveFailures resolves only after recoveryRuns successes in a row', async () => {
    const { options, firing, kit, clock } = setup({ rules: { recoveryRuns: 2 } });
    let fail = true;
    const wrapped = withSla(
      'sync_prices',
      async () => {
        if (fail) throw new Error('upstream 503');
      },
      options,
    );
    const job = async () => {
      await clock.advance(1000);
      return wrapped();
    };
    for (let i = 0; i < 3; i++) await job().catch(() => undefined);
    expect(await firing()).toContain('JobConsecutiveFailures');
    fail = false;
    await job();
    expect(await firing()).toContain('JobConsecutiveFailures'); // 1 success < 2
    expect(await kit.metrics.value('job_consecutive_successes', { job_name: 'sync_prices' })).toBe(1);
    fail = true;
    await job().catch(() => undefined);
    fail = false;
    await job();
    expect(await firing()).toContain('JobConsecutiveFailures'); // the streak restarted
    await job();
    expect(await firing()).not.toContain('JobConsecutiveFailures'); // 2 in a row
  });

  it('by default (recoveryRuns 1) the first success resolves', async () => {
    const { options, firing, clock } = setup();
    let fail = true;
    const wrapped = withSla(
      'sync_prices',
      async () => {
        if (fail) throw new Error('x');
      },
      options,
    );
    const job = async () => {
      await clock.advance(1000);
      return wrapped();
    };
    for (let i = 0; i < 3; i++) await job().catch(() => undefined);
    fail = false;
    await job();
    expect(await firing()).not.toContain('JobConsecutiveFailures');
  });
});

describe('a restart adopts the ledger shape', () => {
  it('a new process exports the streak and the successes of the shared ledger before its first run', async () => {
    const first = setup({ budgetSeconds: 100 });
    const ledger = first.options.ledger;
    const job = withSla(
      'nightly_cleanup',
      async () => {
        await new Promise<void>((r) => first.clock.setTimeout(r, 90_000));
      },
      first.options,
    );
    for (let i = 0; i < 2; i++) {
      const p = job();
      await first.clock.advance(90_010);
      await p;
    }
    const second = setup({ budgetSeconds: 100, ledger });
    withSla('nightly_cleanup', async () => undefined, second.options);
    await second.clock.advance(10);
    expect(await second.kit.metrics.value('job_high_utilization_streak', { job_name: 'nightly_cleanup' })).toBe(2);
    expect(await second.kit.metrics.value('job_consecutive_successes', { job_name: 'nightly_cleanup' })).toBe(2);
    expect(await second.kit.metrics.value('job_last_run_duration_seconds', { job_name: 'nightly_cleanup' })).toBe(90);
  });
});
