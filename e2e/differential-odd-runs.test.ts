// Issue #23 (acceptance 3), differential test of the odd-run alerts: a stall with no progress (JobStalled), runs
// that succeed too fast (JobRunTooFast), a second scheduler running a job too often (JobRunTooOften), 3 runs in a
// row at ≥ 80 % of the budget (JobUtilizationStreak) and the recovery threshold of JobConsecutiveFailures
// (recoveryRuns 2). Two replicas share a ledger and a lease store and take turns running the jobs; the real runtimes
// (withSla on a fake clock) and the generated rules (`promtool test rules`) must fire together at every step.
import { generateRules } from '@slakit/cli';
import { defineConfig, jobSla, type SlakitConfig } from '@slakit/core';
import { createFakeClock, type FakeClock } from '@slakit/core/testing';
import { type JobContext, memoryLeases, memoryLedger, type SlaJob, withSla } from '@slakit/job-wrapper';
import { describe, expect, it } from 'vitest';
import { createDifferential, type Differential, type ReplicaContext } from './differential.js';

const MIN = 60_000;
const config = defineConfig({
  service: 'shop',
  prometheus: { evaluationInterval: '1m' },
  jobs: {
    stally: { budgetSeconds: 7200, stallSeconds: 600 },
    quick: { budgetSeconds: 1800, minDurationSeconds: 60 },
    dup: { budgetSeconds: 600, minIntervalSeconds: 3000 },
    heavy: { budgetSeconds: 600 },
    flaky: { budgetSeconds: 600, recoveryRuns: 2 },
  },
});
type Name = keyof typeof config.jobs;

// A replica adopts a run another replica recorded on its next reconcile tick (1 min): the rule may move one step first.
const JOB = { labels: ['job_name'], leadToleranceMs: MIN } as const;
const ALERTS = {
  JobStalled: JOB,
  JobRunTooFast: JOB,
  JobRunTooOften: JOB,
  JobUtilizationStreak: JOB,
  JobConsecutiveFailures: JOB,
};

/** One run of a job: how long it works, whether it reports progress every minute, whether it fails. */
interface Plan {
  minutes: number;
  /** Minutes (from the start) during which it reports no progress. */
  silent?: [number, number];
  fail?: boolean;
}
/** The history: which job starts at which minute, on which replica, doing what. */
const PLAN: [minute: number, job: Name, replica: 'a' | 'b', plan: Plan][] = [
  // stally: a healthy 30 min run, then one silent from minute 5 to 22 (stalled 10 min after minute 5), then healthy.
  [10, 'stally', 'a', { minutes: 30 }],
  [60, 'stally', 'b', { minutes: 40, silent: [5, 22] }],
  [130, 'stally', 'a', { minutes: 20 }],
  // quick: 5 min runs, two 10 s successes (too fast; the second on the other replica), a fast failure resolves.
  ...[5, 25, 45, 65, 85, 105, 125, 145].map((m, i): [number, Name, 'a' | 'b', Plan] => [
    m,
    'quick',
    i % 2 ? 'b' : 'a',
    { minutes: [2, 3].includes(i) ? 1 / 6 : i === 5 ? 1 / 6 : 5, fail: i === 5 },
  ]),
  // dup: hourly, plus a second scheduler 2 min after the 02:00 run.
  [0, 'dup', 'a', { minutes: 3 }],
  [60, 'dup', 'b', { minutes: 3 }],
  [120, 'dup', 'a', { minutes: 3 }],
  [122 + 5, 'dup', 'b', { minutes: 3 }],
  [180, 'dup', 'a', { minutes: 3 }],
  // heavy: 8.5 min of a 10 min budget (85 %) three times in a row, then 3 min.
  ...[15, 35, 55, 75, 95].map((m, i): [number, Name, 'a' | 'b', Plan] => [
    m,
    'heavy',
    i % 2 ? 'b' : 'a',
    { minutes: i < 4 ? 8.5 : 3 },
  ]),
  // flaky: 3 failures, a success (1 < recoveryRuns 2: still firing), a failure, then 2 successes (resolved).
  ...[2, 12, 22, 32, 42, 52, 62].map((m, i): [number, Name, 'a' | 'b', Plan] => [
    m,
    'flaky',
    i % 2 ? 'b' : 'a',
    { minutes: 1, fail: [0, 1, 2, 4].includes(i) },
  ]),
];

async function history(runtime: Partial<Record<Name, Record<string, unknown>>> = {}): Promise<Differential> {
  const clock: FakeClock = createFakeClock(-MIN);
  const h = createDifferential({ clock, scrapeJob: 'shop', alerts: ALERTS });
  const ledger = memoryLedger({ maxRuns: 10_000, now: () => clock.now() });
  const leases = memoryLeases({ clock });
  const sleep = (ms: number) => new Promise<void>((r) => clock.setTimeout(r, ms));
  const jobs = new Map<string, Map<Name, SlaJob<Plan>>>();
  const body = async (ctx: JobContext<Plan>) => {
    const plan = ctx.input as Plan;
    const ms = plan.minutes * MIN;
    for (let t = 0; t < ms; t += Math.min(MIN, ms - t)) {
      await sleep(Math.min(MIN, ms - t));
      const minute = (t + Math.min(MIN, ms - t)) / MIN;
      if (!plan.silent || minute < plan.silent[0] || minute >= plan.silent[1]) ctx.progress(1);
    }
    if (plan.fail) throw new Error('upstream 503');
    return undefined;
  };
  const replica = (name: 'a' | 'b') =>
    h.start(name, (ctx: ReplicaContext) => {
      const list = new Map<Name, SlaJob<Plan>>();
      for (const job of Object.keys(config.jobs) as Name[]) {
        const sla = jobSla(config as SlakitConfig, job);
        list.set(
          job,
          withSla<Plan>(job, body, {
            ...sla,
            ...runtime[job],
            rules: { ...sla.rules, ...(runtime[job]?.rules as object) },
            telemetry: ctx.telemetry,
            alerter: ctx.alerter,
            logger: ctx.telemetry.logger,
            ledger,
            leases,
            clock,
            env: {},
          }),
        );
      }
      jobs.set(name, list);
      return () => undefined;
    });
  await replica('a');
  await replica('b');
  await h.run(200, (m) => {
    for (const [minute, job, r, plan] of PLAN)
      if (minute === m)
        clock.setTimeout(
          () =>
            void jobs
              .get(r)
              ?.get(job)?.(plan)
              .catch(() => undefined),
          MIN,
        ); // at clock m (next tick)
  });
  return h;
}

describe('odd-run alerts: the runtime and the generated rules agree on one history', () => {
  it('JobStalled, JobRunTooFast, JobRunTooOften, JobUtilizationStreak and the recovery threshold: the firing sets match', async () => {
    const h = await history();
    for (const name of Object.keys(ALERTS)) expect(h.firedAndResolved(name), `${name} fires and resolves`).toBe(true);
    // recoveryRuns 2: JobConsecutiveFailures still fires after flaky's first success (step 32 + 1 min run).
    const at = (step: number) => h.firing()[step]?.get('JobConsecutiveFailures')?.size ?? 0;
    expect(at(36)).toBe(1);
    const r = h.promtool(generateRules(config));
    expect(r.out).toContain('SUCCESS');
    expect(r.code).toBe(0);
    expect(r.tests).toBeGreaterThan(900);
  }, 180_000);

  it('a stall threshold changed on one side only fails the comparison (1200 s at run time, 600 s in the rules)', async () => {
    const h = await history({ stally: { stallSeconds: 1200 } });
    const r = h.promtool(generateRules(config));
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/JobStalled/);
  }, 180_000);

  it('the recovery threshold on one side only fails the comparison (recoveryRuns 1 at run time, 2 in the rules)', async () => {
    const h = await history({ flaky: { rules: { recoveryRuns: 1 } } });
    const r = h.promtool(generateRules(config));
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/JobConsecutiveFailures/);
  }, 180_000);
});
