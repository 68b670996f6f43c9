import { type AlertNotification, type AlertSink, createAlerter } from '@slakit/core';
import { createTestTelemetry, type TestTelemetry } from '@slakit/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createLease, type LeaseStore } from './lease.js';
import { memoryLeases } from './memory-leases.js';
import { type WithSlaOptions, withSla } from './with-sla.js';

const kits: TestTelemetry[] = [];
afterEach(async () => {
  await Promise.all(kits.splice(0).map((k) => k.close()));
});

function setup(extra: Partial<WithSlaOptions> = {}) {
  const kit = createTestTelemetry({ serviceName: 'quiz-api' });
  kits.push(kit);
  const notifications: AlertNotification[] = [];
  const sink: AlertSink = { name: 'chat', kind: 'chat', send: async (n) => void notifications.push(n) };
  const alerter = createAlerter({ sinks: [sink], telemetry: kit.telemetry, clock: kit.clock, env: {} });
  const leases = memoryLeases({ clock: kit.clock });
  const options: WithSlaOptions = {
    budgetSeconds: 3600,
    telemetry: kit.telemetry,
    alerter,
    clock: kit.clock,
    leases,
    env: {},
    ...extra,
  };
  return { kit, alerter, notifications, leases, options, clock: kit.clock };
}

/** A job body the test finishes by hand. */
function gate() {
  let open!: (v: { processed?: number } | undefined) => void;
  const promise = new Promise<{ processed?: number } | undefined>((r) => {
    open = r;
  });
  return { promise, open };
}

describe('withSla budget tracking', () => {
  it('raises the warning at 80% and the critical at 100% while the job still runs', async () => {
    const { options, clock, notifications, alerter } = setup({ runbookUrl: 'https://runbooks.example/sla-breach' });
    const g = gate();
    const job = withSla('cleanup_quiz_responses', () => g.promise, options);
    const running = job();
    await clock.advance(2879_000);
    await alerter.idle();
    expect(notifications).toEqual([]);
    await clock.advance(1_000); // 80 % of 3600 s
    await alerter.idle();
    expect(notifications.map((n) => n.labels.alertname)).toEqual(['JobSlaBreachWarning']);
    const warning = notifications[0] as AlertNotification;
    expect(warning.labels).toMatchObject({ severity: 'warning', job_name: 'cleanup_quiz_responses', service: 'quiz-api' });
    expect(warning.values).toEqual({
      alert_type: 'sla_breach_warning',
      sla_budget_seconds: 3600,
      actual_duration_seconds: 2880,
      utilization_percent: 80,
      threshold_percent: 80,
    });
    expect(warning.annotations).toMatchObject({
      summary: 'Job cleanup_quiz_responses approaching SLA limit (80% utilization)',
      recommended_action: 'Review batch size, check database load, verify indexes',
      runbook_url: 'https://runbooks.example/sla-breach',
    });
    await clock.advance(720_000); // 100 %
    await alerter.idle();
    expect(notifications.map((n) => n.labels.alertname)).toEqual(['JobSlaBreachWarning', 'JobSlaBreachCritical']);
    expect(notifications[1]?.values.utilization_percent).toBe(100);
    // the job is still running: nothing was killed
    let settled = false;
    running.then(() => {
      settled = true;
    });
    await clock.advance(100_000);
    expect(settled).toBe(false);
    g.open({ processed: 10 });
    const result = await running;
    expect(result.outcome).toBe('succeeded');
    expect(result.durationSeconds).toBe(3700);
    expect(result.utilization).toBeCloseTo(3700 / 3600);
  });

  it('raises nothing for a run within budget, and a run back within budget resolves earlier alerts', async () => {
    const { options, clock, notifications, alerter } = setup({ budgetSeconds: 100 });
    const g = gate();
    const job = withSla('cleanup_pdfs', async () => g.promise, options);
    const slow = job();
    await clock.advance(105_000);
    g.open(undefined);
    await slow;
    await alerter.idle();
    expect(
      alerter
        .active()
        .map((a) => a.labels.alertname)
        .sort(),
    ).toEqual(['JobSlaBreachCritical', 'JobSlaBreachWarning']);

    const fast = withSla('cleanup_pdfs', async () => ({ processed: 1 }), options);
    const g2 = gate();
    const within = withSla('cleanup_pdfs', () => g2.promise, options)();
    await clock.advance(10_000);
    g2.open(undefined);
    expect((await within).outcome).toBe('succeeded');
    await alerter.idle();
    expect(alerter.active()).toEqual([]);
    expect(notifications.map((n) => `${n.labels.alertname}:${n.status}`)).toEqual([
      'JobSlaBreachWarning:firing',
      'JobSlaBreachCritical:firing',
      'JobSlaBreachCritical:resolved',
      'JobSlaBreachWarning:resolved',
    ]);
    const quick = await fast();
    expect(quick.outcome).toBe('succeeded');
    await alerter.idle();
    expect(notifications).toHaveLength(4);
  });

  it('uses SLA_*_THRESHOLD_PERCENT defaults and keeps the warning firing for a run between warning and critical', async () => {
    const { options, clock, alerter } = setup({
      budgetSeconds: 100,
      env: { SLA_WARNING_THRESHOLD_PERCENT: '50', SLA_CRITICAL_THRESHOLD_PERCENT: '90' },
    });
    const g = gate();
    const run = withSla('cleanup_blacklist', () => g.promise, options)();
    await clock.advance(60_000);
    g.open(undefined);
    await run;
    await alerter.idle();
    expect(alerter.active().map((a) => a.labels.alertname)).toEqual(['JobSlaBreachWarning']);
  });

  it('raises warning and critical in real time for a sub-second budget', async () => {
    const kit = createTestTelemetry();
    kits.push(kit);
    const notifications: AlertNotification[] = [];
    const alerter = createAlerter({
      sinks: [{ name: 'chat', kind: 'chat', send: async (n) => void notifications.push(n) }],
      env: {},
    });
    let finishedAt = 0;
    const job = withSla(
      'cleanup_magic_links',
      async () => {
        await new Promise((r) => setTimeout(r, 350));
        finishedAt = Date.now();
      },
      { budgetSeconds: 0.2, alerter, telemetry: kit.telemetry, env: {}, leaseTtlMs: 1000 },
    );
    const result = await job();
    await alerter.idle();
    expect(result.outcome).toBe('succeeded');
    expect(notifications.map((n) => n.labels.severity)).toEqual(['warning', 'critical']);
    for (const n of notifications) expect(n.at.getTime()).toBeLessThan(finishedAt);
    await alerter.close();
  });
});

describe('withSla outcomes', () => {
  it('records a throwing job as failed and rethrows the same error', async () => {
    const { options, kit } = setup();
    const boom = Object.assign(new Error('connect to postgres://app:s3cret@db failed'), { code: 'ECONNREFUSED' });
    const job = withSla(
      'cleanup_pdfs',
      async () => {
        throw boom;
      },
      options,
    );
    await expect(job()).rejects.toBe(boom);
    expect(await kit.metrics.value('job_runs_total', { job_name: 'cleanup_pdfs', outcome: 'failed' })).toBe(1);
    expect(await kit.metrics.value('job_consecutive_failures', { job_name: 'cleanup_pdfs' })).toBe(1);
    const line = kit.logs.find('job cleanup_pdfs failed')[0];
    expect(line?.error).toMatchObject({
      type: 'Error',
      code: 'ECONNREFUSED',
      message: 'connect to postgres://[redacted]@db failed',
    });
    expect(kit.logs.raw()).not.toContain('s3cret');
    const span = kit.spans.finished().find((s) => s.name === 'job cleanup_pdfs');
    expect(span?.attributes['job.outcome']).toBe('failed');
    expect(span?.events.map((e) => e.name)).toContain('exception');
  });

  it('skips (skipped_locked) when another run holds the lease, without counting a failure', async () => {
    const { options, kit, clock } = setup();
    const g = gate();
    const job = withSla('cleanup_pdfs', () => g.promise, options);
    const first = job();
    await clock.advance(10);
    const second = await job();
    expect(second.outcome).toBe('skipped_locked');
    expect(second.fence).toBeUndefined();
    g.open(undefined);
    expect((await first).outcome).toBe('succeeded');
    expect(await kit.metrics.value('job_runs_total', { outcome: 'skipped_locked' })).toBe(1);
    expect(await kit.metrics.value('job_lease_contention_total', { job_name: 'cleanup_pdfs' })).toBe(1);
    expect(await kit.metrics.value('job_consecutive_failures', { job_name: 'cleanup_pdfs' })).toBe(0);
    expect(kit.logs.find('skipped: another holder has the lease')[0]?.level).toBe(30);
    expect((await job()).fence).toBe(2n);
  });

  it('aborts ctx.signal and records lease_lost when a renewal is refused — never succeeded', async () => {
    const { options, clock, kit } = setup({ leaseTtlMs: 3000 });
    let extends_ = 0;
    let released = 0;
    // A store whose renewal is refused (another holder took the key over).
    const flaky: LeaseStore = {
      kind: 'flaky',
      listLeases: async () => [],
      acquire: async (key, o) =>
        createLease(
          key,
          7n,
          o.ttlMs,
          clock.now(),
          {
            extend: async () => {
              extends_ += 1;
              return false;
            },
            release: async () => {
              released += 1;
              return false;
            },
          },
          clock,
        ),
    };
    let sawAbort = false;
    const job = withSla(
      'cleanup_pdfs',
      ({ signal }) =>
        new Promise<undefined>((resolve) => {
          signal.addEventListener('abort', () => {
            sawAbort = true;
            resolve(undefined);
          });
        }),
      { ...options, leases: flaky },
    );
    const run = job();
    await clock.advance(1000);
    const result = await run;
    expect(sawAbort).toBe(true);
    expect(extends_).toBe(1);
    expect(released).toBe(1);
    expect(result.outcome).toBe('lease_lost');
    expect(result.error?.code).toBe('REFUSED');
    expect(await kit.metrics.value('job_runs_total', { outcome: 'succeeded' })).toBe(0);
    expect(await kit.metrics.value('job_runs_total', { outcome: 'lease_lost' })).toBe(1);
  });

  it('records lease_lost when the validity deadline passes without a renewal (store unreachable)', async () => {
    const { options, clock } = setup({ leaseTtlMs: 3000 });
    const inner = memoryLeases({ clock });
    const unreachable: LeaseStore = {
      kind: 'down',
      listLeases: () => inner.listLeases(),
      async acquire(key, o) {
        const lease = await inner.acquire(key, o);
        return (
          lease && {
            ...lease,
            signal: lease.signal,
            fence: lease.fence,
            expiresAt: lease.expiresAt,
            release: () => lease.release(),
            extend: async () => false,
          }
        );
      },
    };
    const job = withSla(
      'cleanup_pdfs',
      ({ signal }) => new Promise<undefined>((r) => signal.addEventListener('abort', () => r(undefined))),
      {
        ...options,
        leases: unreachable,
      },
    );
    const run = job();
    await clock.advance(5000);
    expect((await run).outcome).toBe('lease_lost');
  });

  it('hardTimeoutSeconds aborts the run and records timed_out', async () => {
    const { options, clock, kit } = setup({ hardTimeoutSeconds: 60 });
    let reason: unknown;
    const job = withSla(
      'cleanup_pdfs',
      ({ signal }) =>
        new Promise<undefined>((resolve) =>
          signal.addEventListener('abort', () => {
            reason = signal.reason;
            resolve(undefined);
          }),
        ),
      options,
    );
    const run = job();
    await clock.advance(60_000);
    const result = await run;
    expect(result.outcome).toBe('timed_out');
    expect((reason as Error).name).toBe('TimeoutError');
    expect(result.error?.code).toBe('TIMEOUT');
    expect(await kit.metrics.value('job_runs_total', { outcome: 'timed_out' })).toBe(1);
  });

  it('does not run the job when the lease store is unreachable: failed / LEASE_UNAVAILABLE', async () => {
    const { options } = setup();
    let ran = false;
    const down: LeaseStore = {
      kind: 'redis',
      acquire: () => Promise.reject(Object.assign(new Error('ECONNREFUSED'), { code: 'ECONNREFUSED' })),
      listLeases: async () => [],
    };
    const result = await withSla(
      'cleanup_pdfs',
      () => {
        ran = true;
      },
      { ...options, leases: down },
    )();
    expect(ran).toBe(false);
    expect(result.outcome).toBe('failed');
    expect(result.error?.code).toBe('LEASE_UNAVAILABLE');
  });
});

describe('withSla context and metrics', () => {
  it('passes fence, run id, dry run, slot, input and a bound logger; counts progress', async () => {
    const { options, kit, clock } = setup({ dryRun: true });
    const seen: Record<string, unknown> = {};
    const slot = new Date('2026-01-03T15:30:00Z');
    const job = withSla<{ batch: number }>(
      'cleanup_pdfs',
      async (ctx) => {
        Object.assign(seen, {
          fence: ctx.fence,
          runId: ctx.runId,
          dryRun: ctx.dryRun,
          scheduledAt: ctx.scheduledAt,
          input: ctx.input,
        });
        ctx.logger.info('working');
        ctx.progress(40);
        ctx.progress(2);
        await new Promise<void>((r) => clock.setTimeout(r, 1800_000));
      },
      options,
    );
    const run = job({ batch: 500 }, { scheduledAt: slot });
    await clock.advance(1800_000);
    const result = await run;
    expect(seen).toMatchObject({ fence: 1n, runId: result.runId, dryRun: true, scheduledAt: slot, input: { batch: 500 } });
    expect(result).toMatchObject({ processed: 42, throughputPerHour: 84, dryRun: true, fence: 1n, scheduledAt: slot });
    expect(kit.logs.find('working')[0]).toMatchObject({ job: 'cleanup_pdfs', run_id: result.runId });
  });

  it('exports the catalogue series with job and outcome labels', async () => {
    const { options, kit, clock } = setup({ budgetSeconds: 100 });
    const job = withSla(
      'cleanup_pdfs',
      async () => {
        await new Promise<void>((r) => clock.setTimeout(r, 25_000));
        return { processed: 7 };
      },
      options,
    );
    const run = job();
    await clock.advance(5_000);
    expect(await kit.metrics.value('job_active', { job_name: 'cleanup_pdfs' })).toBe(1);
    await clock.advance(20_000);
    const result = await run;
    expect(await kit.metrics.value('job_active', { job_name: 'cleanup_pdfs' })).toBe(0);
    expect(await kit.metrics.value('job_runs_total', { job_name: 'cleanup_pdfs', outcome: 'succeeded' })).toBe(1);
    expect(await kit.metrics.value('job_sla_utilization_ratio', { job_name: 'cleanup_pdfs' })).toBe(0.25);
    expect(await kit.metrics.value('job_records_processed_total', { job_name: 'cleanup_pdfs' })).toBe(7);
    expect(await kit.metrics.value('job_last_success_timestamp_seconds', { job_name: 'cleanup_pdfs' })).toBe(
      result.finishedAt.getTime() / 1000,
    );
    const h = await kit.metrics.histogram('job_run_duration_seconds', { job_name: 'cleanup_pdfs', outcome: 'succeeded' });
    expect(h?.count).toBe(1);
    expect(h?.sum).toBe(25);
    expect(h?.buckets.find((b) => b.le === 30)?.count).toBe(1);
    expect(h?.buckets.find((b) => b.le === 10)?.count).toBe(0);
  });
});

describe('withSla configuration errors', () => {
  it.each<[string, string, Partial<WithSlaOptions>, string, string]>([
    ['a bad name', 'Cleanup-PDFs', {}, 'ERR_SLAKIT_INVALID_NAME', 'name'],
    ['budgetSeconds 0', 'ok', { budgetSeconds: 0 }, 'ERR_SLAKIT_INVALID_OPTION', 'budgetSeconds'],
    ['budgetSeconds negative', 'ok', { budgetSeconds: -5 }, 'ERR_SLAKIT_INVALID_OPTION', 'budgetSeconds'],
    ['a TTL too short for renewal', 'ok', { leaseTtlMs: 500 }, 'ERR_SLAKIT_INVALID_OPTION', 'leaseTtlMs'],
    ['warning ≥ critical', 'ok', { warningPercent: 100, criticalPercent: 100 }, 'ERR_SLAKIT_THRESHOLD_ORDER', 'warningPercent'],
    ['a bad hard timeout', 'ok', { hardTimeoutSeconds: 0 }, 'ERR_SLAKIT_INVALID_OPTION', 'hardTimeoutSeconds'],
    ['a bad lease store', 'ok', { leases: {} as never }, 'ERR_SLAKIT_INVALID_OPTION', 'leases'],
  ])('rejects %s', (_label, name, options, code, field) => {
    expect(() => withSla(name, async () => {}, { budgetSeconds: 60, env: {}, ...options })).toThrowError(
      expect.objectContaining({ code, field }),
    );
  });

  it('rejects SLA_WARNING_THRESHOLD_PERCENT ≥ SLA_CRITICAL_THRESHOLD_PERCENT from the environment', () => {
    expect(() =>
      withSla('ok', async () => {}, {
        budgetSeconds: 60,
        env: { SLA_WARNING_THRESHOLD_PERCENT: '95', SLA_CRITICAL_THRESHOLD_PERCENT: '90' },
      }),
    ).toThrowError(expect.objectContaining({ code: 'ERR_SLAKIT_THRESHOLD_ORDER' }));
  });
});

describe('instruments shared by several wrapped jobs (no module-level cache)', () => {
  it('two jobs on one meter expose one metric family each, with both jobs as series', async () => {
    const { kit, options } = setup();
    const a = withSla('share_a', async () => ({ processed: 1 }), options);
    const b = withSla('share_b', async () => ({ processed: 2 }), options);
    await a();
    await b();
    const text = await kit.metrics.scrape();
    expect(text.match(/^# TYPE job_runs_total /gm)).toHaveLength(1);
    expect(text.match(/^# HELP job_records_processed_total /gm)).toHaveLength(1);
    expect(await kit.metrics.value('job_records_processed_total', { job_name: 'share_a' })).toBe(1);
    expect(await kit.metrics.value('job_records_processed_total', { job_name: 'share_b' })).toBe(2);
  });
});
