// withSla({ retry }) and start lateness on a fake clock: attempts as spans, ledger rows and metrics, one budget and
// one lease for the whole run, the retry alerts (JobRetryRateHigh, JobRetriesExhausted) and JobStartLate.
import { type AlertNotification, type AlertSink, createAlerter } from '@slakit/core';
import { createTestTelemetry, type TestTelemetry } from '@slakit/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createLease, type LeaseStore } from './lease.js';
import { memoryLeases } from './memory-leases.js';
import { memoryLedger } from './memory-ledger.js';
import { retryDelayMs, retryPolicy } from './retry.js';
import { type WithSlaOptions, withSla } from './with-sla.js';

const kits: TestTelemetry[] = [];
afterEach(async () => {
  await Promise.all(kits.splice(0).map((k) => k.close()));
});

function setup(extra: Partial<WithSlaOptions> = {}) {
  const kit = createTestTelemetry({ serviceName: 'shop' });
  kits.push(kit);
  const notifications: AlertNotification[] = [];
  const sink: AlertSink = { name: 'chat', kind: 'chat', send: async (n) => void notifications.push(n) };
  const alerter = createAlerter({ sinks: [sink], telemetry: kit.telemetry, clock: kit.clock, env: {} });
  const ledger = memoryLedger({ now: () => kit.clock.now() });
  const options: WithSlaOptions = {
    budgetSeconds: 60,
    telemetry: kit.telemetry,
    alerter,
    clock: kit.clock,
    leases: memoryLeases({ clock: kit.clock }),
    ledger,
    env: {},
    ...extra,
  };
  const firing = async () => {
    await alerter.idle();
    return alerter.active().map((a) => a.labels.alertname);
  };
  return { kit, alerter, notifications, options, ledger, clock: kit.clock, firing };
}

const flaky = (failures: number, waitMs = 0, clock?: { setTimeout(fn: () => void, ms: number): unknown }) => {
  let calls = 0;
  const attempts: number[] = [];
  const fn = async (ctx: { attempt: number; progress(n: number): void }) => {
    calls++;
    attempts.push(ctx.attempt);
    if (waitMs && clock) await new Promise<void>((r) => clock.setTimeout(r, waitMs));
    ctx.progress(10);
    if (calls <= failures) throw Object.assign(new Error(`attempt ${calls} failed`), { code: 'ECONNRESET' });
    return { processed: 5 };
  };
  return { fn, attempts };
};

/** Advances the fake clock in steps until `promise` settles (each step lets timers' callbacks run). */
async function settle<T>(
  clock: { advance(ms: number): Promise<void> },
  promise: Promise<T>,
  stepMs = 100,
  max = 10_000,
): Promise<T> {
  let done = false;
  const p = promise.finally(() => {
    done = true;
  });
  p.catch(() => {}); // observed by the caller once settled

  for (let i = 0; i < max && !done; i++) await clock.advance(stepMs);
  return p;
}

describe('withSla({ retry })', () => {
  it('fails twice then succeeds: one run succeeded, 3 attempts in the ledger and the spans, retry metrics', async () => {
    const { options, kit, ledger, clock, firing } = setup({ retry: { attempts: 3, baseMs: 1000, maxMs: 10_000 } });
    const { fn, attempts } = flaky(2);
    const job = withSla('sync_orders', fn, options);
    const result = await settle(clock, job());
    expect(result.outcome).toBe('succeeded');
    expect(result.attempts).toBe(3);
    expect(result.retriesExhausted).toBe(false);
    expect(attempts).toEqual([1, 2, 3]);
    // Backoff 1 s then 2 s (exponential), inside one run.
    expect(result.durationSeconds).toBeGreaterThanOrEqual(3);
    expect(result.durationSeconds).toBeLessThan(3.5);
    // Records of every attempt count (10 + 10 reported by the failed ones, 5 returned by the last).
    expect(result.processed).toBe(25);
    const [record] = await ledger.recent('sync_orders', 5);
    expect(record).toMatchObject({ runId: result.runId, outcome: 'succeeded', attempts: 3 });
    const rows = await ledger.attempts?.(result.runId);
    expect(rows?.map((r) => [r.attempt, r.outcome, r.errorCode, r.retryDelayMs])).toEqual([
      [1, 'failed', 'ECONNRESET', 1000],
      [2, 'failed', 'ECONNRESET', 2000],
      [3, 'succeeded', undefined, undefined],
    ]);
    expect(rows?.every((r) => r.runId === result.runId && r.job === 'sync_orders')).toBe(true);
    const spans = kit.spans.finished();
    const run = spans.find((s) => s.name === 'job sync_orders');
    const attemptSpans = spans.filter((s) => s.name === 'job sync_orders attempt');
    expect(attemptSpans.map((s) => s.attributes['job.attempt'])).toEqual([1, 2, 3]);
    expect(attemptSpans.map((s) => s.attributes['job.attempt.outcome'])).toEqual(['failed', 'failed', 'succeeded']);
    for (const s of attemptSpans) {
      expect(s.parentSpanContext?.spanId ?? (s as unknown as { parentSpanId?: string }).parentSpanId).toBe(
        run?.spanContext().spanId,
      );
      expect(s.spanContext().traceId).toBe(run?.spanContext().traceId);
    }
    expect(run?.attributes['job.attempt.count']).toBe(3);
    expect(await kit.metrics.value('job_attempts_total', { job_name: 'sync_orders', outcome: 'failed' })).toBe(2);
    expect(await kit.metrics.value('job_attempts_total', { job_name: 'sync_orders', outcome: 'succeeded' })).toBe(1);
    expect(await kit.metrics.value('job_retries_total', { job_name: 'sync_orders' })).toBe(2);
    expect(await kit.metrics.value('job_runs_total', { job_name: 'sync_orders', outcome: 'succeeded' })).toBe(1);
    expect(await kit.metrics.value('job_runs_total', { job_name: 'sync_orders', outcome: 'failed' })).toBe(0);
    expect(await kit.metrics.value('job_last_run_retries_exhausted', { job_name: 'sync_orders' })).toBe(0);
    expect(kit.logs.find('attempt 1 failed; retrying in 1000 ms')).toHaveLength(1);
    expect(await firing()).toEqual([]);
  });

  it('exhausted: failed after every attempt, the critical JobRetriesExhausted fires; a later success resolves it', async () => {
    const { options, kit, clock, firing, notifications } = setup({ retry: { attempts: 3, baseMs: 500, backoff: 'fixed' } });
    let fail = true;
    const job = withSla(
      'sync_orders',
      async () => {
        if (fail) throw new Error('upstream down');
      },
      options,
    );
    const failed = settle(clock, job()).catch((e: Error) => e);
    expect(((await failed) as Error).message).toBe('upstream down');
    expect(await firing()).toContain('JobRetriesExhausted');
    const fired = notifications.find((n) => n.labels.alertname === 'JobRetriesExhausted');
    expect(fired?.labels).toMatchObject({ severity: 'critical', job_name: 'sync_orders' });
    expect(fired?.values).toMatchObject({ attempts: 3 });
    expect(await kit.metrics.value('job_last_run_retries_exhausted', { job_name: 'sync_orders' })).toBe(1);
    expect(await kit.metrics.value('job_runs_total', { job_name: 'sync_orders', outcome: 'failed' })).toBe(1);
    expect(await kit.metrics.value('job_attempts_total', { job_name: 'sync_orders', outcome: 'failed' })).toBe(3);
    fail = false;
    expect((await settle(clock, job())).attempts).toBe(1);
    expect(await firing()).not.toContain('JobRetriesExhausted');
    expect(await kit.metrics.value('job_last_run_retries_exhausted', { job_name: 'sync_orders' })).toBe(0);
  });

  it('retryOn false (or throwing) stops retrying: failed, not exhausted', async () => {
    for (const retryOn of [
      (e: unknown) => (e as { code?: string }).code !== 'EPERM',
      () => {
        throw new Error('bad predicate');
      },
    ]) {
      const { options, clock, firing } = setup({ retry: { attempts: 5, retryOn } });
      const calls: number[] = [];
      const job = withSla(
        'sync_orders',
        async (ctx) => {
          calls.push(ctx.attempt);
          throw Object.assign(new Error('denied'), { code: 'EPERM' });
        },
        options,
      );
      await settle(clock, job()).catch(() => undefined);
      expect(calls).toEqual([1]);
      expect(await firing()).not.toContain('JobRetriesExhausted');
    }
  });

  it('the budget covers the whole run: the warning fires during a backoff', async () => {
    const { options, clock, firing } = setup({ budgetSeconds: 10, retry: { attempts: 2, baseMs: 6000, backoff: 'fixed' } });
    const { fn } = flaky(1, 3000, clock);
    const job = withSla('sync_orders', fn, options);
    const run = job();
    await clock.advance(8100); // attempt 1 took 3 s, the backoff runs until 9 s: 80 % of 10 s is reached in it
    expect(await firing()).toEqual(['JobSlaBreachWarning']);
    const result = await settle(clock, run);
    expect(result.outcome).toBe('succeeded');
    expect(result.utilization).toBeGreaterThanOrEqual(1.2);
    expect(await firing()).toEqual(expect.arrayContaining(['JobSlaBreachWarning', 'JobSlaBreachCritical']));
  });

  it('the hard deadline ends a backoff: timed_out, never another attempt', async () => {
    const { options, clock } = setup({ hardTimeoutSeconds: 5, retry: { attempts: 3, baseMs: 60_000 } });
    const { fn, attempts } = flaky(5);
    const result = await settle(clock, withSla('sync_orders', fn, options)());
    expect(result.outcome).toBe('timed_out');
    expect(attempts).toEqual([1]);
    expect(result.durationSeconds).toBeLessThan(6);
  });

  it('the lease is renewed across attempts and backoffs; a lease lost in a backoff ends the run lease_lost', async () => {
    const { options, clock } = setup();
    let extends_ = 0;
    let refuse = false;
    const leases: LeaseStore = {
      kind: 'counting',
      listLeases: async () => [],
      acquire: async (key, o) =>
        createLease(
          key,
          1n,
          o.ttlMs,
          clock.now(),
          {
            extend: async () => {
              extends_++;
              return !refuse;
            },
            release: async () => true,
          },
          clock,
        ),
    };
    const { fn, attempts } = flaky(10);
    const job = withSla('sync_orders', fn, { ...options, leases, leaseTtlMs: 3000, retry: { attempts: 4, baseMs: 10_000 } });
    const run = job();
    await clock.advance(9000);
    expect(extends_).toBeGreaterThanOrEqual(8); // every TTL/3 = 1 s, during the first backoff
    refuse = true;
    const result = await settle(clock, run);
    expect(result.outcome).toBe('lease_lost');
    expect(attempts).toEqual([1]);
  });

  it('JobRetryRateHigh: more than 0.2 retries per run over the window (≥ minRuns runs) warns; fewer resolve', async () => {
    const { options, clock, firing } = setup({ retry: { attempts: 2, baseMs: 10 }, rules: { minRuns: 3 } });
    let failFirst = true;
    const job = withSla(
      'sync_orders',
      async (ctx) => {
        if (failFirst && ctx.attempt === 1) throw new Error('flaky');
      },
      options,
    );
    await settle(clock, job(), 10);
    await settle(clock, job(), 10);
    expect(await firing()).not.toContain('JobRetryRateHigh'); // 2 runs < minRuns
    await settle(clock, job(), 10);
    expect(await firing()).toContain('JobRetryRateHigh'); // 3 retries / 3 runs
    failFirst = false;
    for (let i = 0; i < 11; i++) await settle(clock, job(), 10);
    expect(await firing()).toContain('JobRetryRateHigh'); // 3 retries / 14 runs = 0.214 > 0.2
    await settle(clock, job(), 10);
    expect(await firing()).not.toContain('JobRetryRateHigh'); // 3 / 15 = 0.2: not above the threshold
  });
});

describe('retry backoff', () => {
  it('exponential doubles from baseMs and stops at maxMs; fixed stays at baseMs; jitter only shortens', () => {
    const p = retryPolicy({ attempts: 10, baseMs: 100, maxMs: 1000 });
    expect([1, 2, 3, 4, 5, 6].map((a) => retryDelayMs(p, a))).toEqual([100, 200, 400, 800, 1000, 1000]);
    const f = retryPolicy({ backoff: 'fixed', baseMs: 250 });
    expect([1, 5, 50].map((a) => retryDelayMs(f, a))).toEqual([250, 250, 250]);
    const j = retryPolicy({ baseMs: 1000, maxMs: 1000, jitter: 0.5 }, () => 1);
    expect(retryDelayMs(j, 1)).toBe(500);
    const full = retryPolicy({ baseMs: 1000, jitter: true }, () => 0.25);
    expect(retryDelayMs(full, 1)).toBe(750);
    const weird = retryPolicy({ baseMs: 1000, jitter: 1 }, () => Number.NaN);
    expect(retryDelayMs(weird, 1)).toBe(1000); // a random source returning NaN means no jitter, never a NaN delay
    expect(retryDelayMs(p, 1e9)).toBe(1000); // a huge attempt number never overflows past maxMs
  });
});

describe('start lateness (job_start_delay_seconds, JobStartLate)', () => {
  it('a 45 s late start fires for a high-priority job, not a normal or low one; 75 s fires for normal, not low', async () => {
    const verdict = async (priority: 'high' | 'normal' | 'low', lateMs: number) => {
      const { options, clock, kit, firing } = setup({ priority });
      const job = withSla('nightly_export', async () => undefined, options);
      const slot = new Date(clock.now() - lateMs);
      const result = await job(undefined, { scheduledAt: slot });
      expect(result.startDelaySeconds).toBe(lateMs / 1000);
      const h = await kit.metrics.histogram('job_start_delay_seconds', { job_name: 'nightly_export', priority });
      expect(h?.count).toBe(1);
      expect(h?.sum).toBe(lateMs / 1000);
      expect(await kit.metrics.value('job_last_run_start_delay_seconds', { job_name: 'nightly_export' })).toBe(lateMs / 1000);
      return (await firing()).includes('JobStartLate');
    };
    expect(await verdict('high', 45_000)).toBe(true);
    expect(await verdict('normal', 45_000)).toBe(false);
    expect(await verdict('low', 45_000)).toBe(false);
    expect(await verdict('normal', 75_000)).toBe(true);
    expect(await verdict('low', 75_000)).toBe(false);
  });

  it('lateStartSeconds overrides the priority; an on-time run resolves; a run without a slot changes nothing', async () => {
    const { options, clock, firing } = setup({ priority: 'low', lateStartSeconds: 10 });
    const job = withSla('nightly_export', async () => undefined, options);
    await job(undefined, { scheduledAt: new Date(clock.now() - 11_000) });
    expect(await firing()).toEqual(['JobStartLate']);
    await job();
    expect(await firing()).toEqual(['JobStartLate']);
    await job(undefined, { scheduledAt: new Date(clock.now() - 2_000) });
    expect(await firing()).toEqual([]);
  });

  it('rules: false raises neither JobStartLate nor JobRetriesExhausted', async () => {
    const { options, clock, firing } = setup({ rules: false, lateStartSeconds: 1, retry: { attempts: 2, baseMs: 1 } });
    const job = withSla(
      'nightly_export',
      async () => {
        throw new Error('x');
      },
      options,
    );
    await settle(clock, job(undefined, { scheduledAt: new Date(clock.now() - 5_000) }), 10).catch(() => undefined);
    expect(await firing()).toEqual([]);
  });
});
