import type { ServerResponse } from 'node:http';
import { safeErrorCode } from '@slakit/core';
import { intParam, windowParam } from './query.js';
import { send } from './respond.js';
import type { OpsRoute } from './route.js';
import type { OpsContext, OpsJob } from './types.js';
import { iso, runView } from './views.js';

/** One job's summary over a window: runs, success rate, duration percentiles, last success, last run. */
async function jobSummary(ctx: OpsContext, name: string, job: OpsJob, windowSeconds: number) {
  const { ledger } = ctx;
  const [stats, lastSuccess, recent] = ledger
    ? await Promise.all([ledger.stats(name, windowSeconds), ledger.lastSuccess(name), ledger.recent(name, 1)])
    : [undefined, undefined, []];
  return {
    name,
    budgetSeconds: job.budgetSeconds,
    running: ctx.running.has(name),
    windowSeconds,
    runs: stats?.count ?? 0,
    successRate: stats?.successRate ?? null,
    durationSeconds: { p50: stats?.p50 ?? null, p95: stats?.p95 ?? null, p99: stats?.p99 ?? null },
    lastSuccess: iso(lastSuccess),
    lastRun: recent[0] ? runView(recent[0]) : null,
  };
}

function noJob(res: ServerResponse, name: string): void {
  send(res, 404, { error: 'not_found', message: `no job ${JSON.stringify(name.slice(0, 64))}` });
}

/** `GET /ops/jobs?window`: the summary of every job (`window` default 24h, at most 90d). */
export const jobsRoute: OpsRoute = {
  template: '/jobs',
  admin: false,
  query: ['window'],
  async serve(ctx, res, q) {
    const windowSeconds = windowParam(q, '24h');
    const names = [...ctx.jobs.keys()].sort();
    send(res, 200, {
      jobs: await Promise.all(names.map((n) => jobSummary(ctx, n, ctx.jobs.get(n) as OpsJob, windowSeconds))),
    });
  },
};

/** `GET /ops/jobs/:name?limit&window`: one job's summary and its most recent runs; 404 for an unknown job. */
export const jobRoute: OpsRoute = {
  template: '/jobs/:name',
  admin: false,
  query: ['limit', 'window'],
  async serve(ctx, res, q, name) {
    const limit = intParam(q, 'limit', 20, 1, 200);
    const windowSeconds = windowParam(q, '24h');
    const job = ctx.jobs.get(name);
    if (!job) return noJob(res, name);
    const recent = ctx.ledger ? await ctx.ledger.recent(name, limit) : [];
    send(res, 200, { ...(await jobSummary(ctx, name, job, windowSeconds)), recent: recent.map(runView) });
  },
};

/**
 * `POST /ops/jobs/:name/run` (admin): starts a run in the background → 202; 409 while a run started here is still
 * going. A failing run is logged with a safe code only.
 */
export const runJobRoute: OpsRoute = {
  template: '/jobs/:name/run',
  admin: true,
  query: [],
  async serve(ctx, res, _q, name) {
    const job = ctx.jobs.get(name);
    if (!job) return noJob(res, name);
    if (ctx.running.has(name)) return send(res, 409, { error: 'conflict', message: `job ${name} is already running here` });
    ctx.running.add(name);
    let run: Promise<unknown>;
    try {
      run = Promise.resolve(job());
    } catch (error) {
      run = Promise.reject(error);
    }
    // Whatever the job rejects with (undefined, null, a Proxy…), only a safe code is read and logged.
    run
      .then(undefined, (error: unknown) => {
        try {
          ctx.logger?.warn({ job: name, code: safeErrorCode(error) }, `ops: manual run of ${name} failed`);
        } catch {
          // a failing logger must not turn into an unhandled rejection
        }
      })
      .finally(() => ctx.running.delete(name));
    send(res, 202, { accepted: true, job: name, status: `${ctx.prefix}/jobs/${encodeURIComponent(name)}` });
  },
};
