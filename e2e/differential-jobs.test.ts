// Issue #19, differential test of the job alerts: one synthetic history (two replicas sharing a ledger and a lease
// store, a standby that loses every lease race, a process that dies and restarts, failures, a slow run, a low and a
// zero throughput, a skipped schedule, a job that never succeeds) drives the real runtimes (withSla + schedule) on
// a fake clock and, as default-scraped series, the generated rules in `promtool test rules`. The firing sets must
// match at every step (e2e/differential.ts; JOB_RULE_PARITY documents the allowances used here).
import { generateRules } from '@slakit/cli';
import { defineConfig, jobSchedule, jobSla, type SlakitConfig } from '@slakit/core';
import { createFakeClock, type FakeClock } from '@slakit/core/testing';
import { type JobContext, memoryLeases, memoryLedger, type Schedule, schedule, withSla } from '@slakit/job-wrapper';
import { describe, expect, it } from 'vitest';
import { createDifferential, type Differential } from './differential.js';

const MIN = 60_000;
const _HOUR = 60 * MIN;
const config = defineConfig({
  service: 'shop',
  prometheus: { evaluationInterval: '1m' },
  jobs: {
    // Hourly at :05; a 3 h success-rate window with 3 runs, so the window slides inside the history.
    hourly: {
      budgetSeconds: 600,
      schedule: '5 * * * *',
      timezone: 'UTC',
      graceSeconds: 300,
      successRateWindowSeconds: 3 * 3600,
      minRuns: 3,
    },
    // Broken since the deploy: never succeeds.
    // (at :05, :15, …: the first run comes after the first scrape, which sees the counters' initial 0 — a run
    // before any scrape is invisible to increase(), see JOB_RULE_PARITY.JobSuccessRateLow)
    fresh: { budgetSeconds: 60, schedule: '5-59/10 * * * *', timezone: 'UTC', graceSeconds: 120 },
  },
});

// A replica adopts a run another replica recorded on its next reconcile tick (1 min): the rule may move one step first.
const JOB = { labels: ['job_name'], leadToleranceMs: MIN } as const;
/** The steps at which runs of each job ended (from the shared ledger, after the history). */
const runEnds = new Map<string, Set<number>>();
const ALERTS = {
  JobSlaBreachWarning: JOB,
  JobSlaBreachCritical: JOB,
  // The runtime decides at the end of each run and holds its verdict; the rule slides its window continuously
  // (JOB_RULE_PARITY.JobSuccessRateLow): they are compared, exactly, one step after every run's end (the other
  // replicas adopt a run on their next reconcile tick).
  JobSuccessRateLow: {
    ...JOB,
    only: {
      label: 'job_name',
      values: ['hourly', 'fresh'],
      at: (job: string, step: number) => runEnds.get(job)?.has(step - 1) ?? false,
    },
  },
  JobThroughputLow: JOB,
  JobNoRecordsProcessed: JOB,
  JobConsecutiveFailures: JOB,
  // A replica that did not run the success learns it from the ledger on its next watchdog tick (1 min).
  JobMissedRun: { ...JOB, leadToleranceMs: MIN },
  // Rule only (a zombie lease): the runtime never raises it, so the rule must stay silent on this history.
  JobLeaseContention: JOB,
};

/** What a run of `hourly` does, by its slot's hour (the history). */
function hourlyRun(hour: number): { minutes: number; records: number; fail?: boolean } {
  if (hour === 6) return { minutes: 5, records: 30 }; // throughput 10 % of its baseline
  if (hour === 7) return { minutes: 5, records: 0 }; // nothing processed
  if (hour >= 9 && hour <= 11) return { minutes: 1, records: 0, fail: true }; // three failures in a row
  if (hour === 12) return { minutes: 11, records: 660 }; // 110 % of the budget, same throughput
  if (hour === 19) return { minutes: 1, records: 0, fail: true };
  return { minutes: 5, records: 300 };
}

interface Options {
  /** withSla options that differ from the config on the runtime side only (to prove the test can fail). */
  runtime?: Partial<ReturnType<typeof jobSla>['rules']>;
}

async function history(options: Options = {}): Promise<Differential> {
  // Step i is scraped at clock time i minutes (promtool's time()), as the timestamps the rules compare with time().
  const clock: FakeClock = createFakeClock(-MIN);
  const h = createDifferential({ clock, scrapeJob: 'shop', alerts: ALERTS });
  const ledger = memoryLedger({ maxRuns: 10_000, now: () => clock.now() });
  const leases = memoryLeases({ clock });
  const schedules = new Map<string, Schedule[]>();
  const sleep = (ms: number) => new Promise<void>((r) => clock.setTimeout(r, ms));

  const job = (
    name: 'hourly' | 'fresh',
    fn: (ctx: JobContext) => Promise<{ processed: number }>,
    ctx: Parameters<Parameters<Differential['start']>[1]>[0],
  ) => {
    const sla = jobSla(config as SlakitConfig, name);
    const wrapped = withSla(name, fn, {
      ...sla,
      rules: { ...sla.rules, ...options.runtime },
      telemetry: ctx.telemetry,
      alerter: ctx.alerter,
      logger: ctx.telemetry.logger,
      ledger,
      leases,
      clock,
      env: {},
    });
    const s = jobSchedule(config, name);
    if (!s) throw new Error(`${name} has no schedule`);
    return schedule(s.cron, wrapped, {
      timezone: s.timezone,
      graceSeconds: s.graceSeconds,
      telemetry: ctx.telemetry,
      alerter: ctx.alerter,
      logger: ctx.telemetry.logger,
      clock,
    });
  };
  const replica = (name: string) =>
    h.start(name, (ctx) => {
      const list = [
        job(
          'hourly',
          async (run) => {
            const plan = hourlyRun(new Date(run.scheduledAt).getUTCHours());
            await sleep(plan.minutes * MIN);
            if (plan.fail) throw Object.assign(new Error('database unavailable'), { code: 'ECONNREFUSED' });
            return { processed: plan.records };
          },
          ctx,
        ),
        job(
          'fresh',
          async () => {
            throw new Error('broken since the deploy');
          },
          ctx,
        ),
      ];
      schedules.set(name, list);
      return () => {
        for (const s of list) s.stop();
      };
    });
  await replica('a'); // a wins every lease race while it runs (its timers come first)
  await replica('b'); // the standby: skipped_locked, and its missed-run watchdog must not cry wolf
  const hourlyOf = (r: string) => schedules.get(r)?.[0];
  await h.run(21 * 60, async (m) => {
    // a is up but skips 13:05, so the standby b runs it: a's SLA alerts (its 12:05 run took 110 %) must resolve on b's
    // good run — at run time through a's reconciler, in the rules because b ran last.
    if (m === 12 * 60 + 30) hourlyOf('a')?.pause();
    if (m === 13 * 60 + 30) hourlyOf('a')?.resume();
    if (m === 14 * 60) for (const r of ['a', 'b']) hourlyOf(r)?.pause(); // the schedule is skipped for 2.5 h
    if (m === 16 * 60 + 30) for (const r of ['a', 'b']) hourlyOf(r)?.resume();
    if (m === 17 * 60 + 30) await h.stop('a'); // a dies; b takes over from 18:05
    if (m === 19 * 60 + 30) await replica('a'); // a new process (fresh gauges and alerter)
  });
  for (const name of ['hourly', 'fresh']) {
    const runs = await ledger.recent(name, 10_000);
    const executed = runs.filter((r) => r.outcome !== 'skipped_locked' && r.outcome !== 'skipped_overlap');
    runEnds.set(name, new Set(executed.map((r) => Math.round((r.finishedAt?.getTime() ?? Number.NaN) / MIN))));
  }
  return h;
}

describe('job alerts: the runtime and the generated rules agree on one history', () => {
  it('every job alert, two replicas, a restart: the firing sets match at every step', async () => {
    const h = await history();
    // The history exercises every runtime job alert (so the comparison cannot pass vacuously)…
    for (const name of Object.keys(ALERTS).filter((a) => a !== 'JobLeaseContention'))
      expect(h.transitions(name).length, `${name} changes state in the history`).toBeGreaterThan(0);
    const hourly = (name: string) => h.firing().map((s) => [...(s.get(name) ?? [])].some((k) => k.includes('job_name="hourly"')));
    for (const name of [
      'JobSlaBreachWarning',
      'JobSlaBreachCritical',
      'JobSuccessRateLow',
      'JobThroughputLow',
      'JobNoRecordsProcessed',
      'JobConsecutiveFailures',
      'JobMissedRun',
    ]) {
      const on = hourly(name);
      const first = on.indexOf(true);
      expect(first, `${name} fires for hourly`).toBeGreaterThan(0);
      expect(on.slice(first).includes(false), `${name} resolves for hourly`).toBe(true);
    }
    // fresh never succeeds: missing (after its period + grace), failing in a row and at a low rate, never resolved.
    for (const name of ['JobMissedRun', 'JobConsecutiveFailures', 'JobSuccessRateLow'])
      expect(h.firing().at(-1)?.get(name)?.has(`{alertname="${name}", job_name="fresh"}`), name).toBe(true);
    const r = h.promtool(generateRules(config));
    expect(r.out).toContain('SUCCESS');
    expect(r.code).toBe(0);
    expect(r.tests).toBeGreaterThan(5000);
  }, 180_000);

  it('a threshold changed on one side only fails the comparison (consecutiveFailures 4 at run time, 3 in the rules)', async () => {
    const h = await history({ runtime: { consecutiveFailures: 4 } });
    const r = h.promtool(generateRules(config));
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/JobConsecutiveFailures/);
  }, 180_000);
});
