import { QueryError } from './errors.js';
import { MAX_WINDOW_SECONDS, timeParam } from './query.js';
import { send } from './respond.js';
import type { OpsRoute } from './route.js';
import type { OpsContext } from './types.js';

const DAY_MS = 86_400_000;

/** One job's success rate over `[to - windowSeconds, to)` against its threshold (config, default 0.95). */
async function jobRow(ctx: OpsContext, name: string, windowSeconds: number, to: Date) {
  const { ledger } = ctx;
  const threshold = ctx.config?.jobs[name]?.successRateThreshold ?? 0.95;
  const stats = ledger ? await ledger.stats(name, windowSeconds, { until: to }) : undefined;
  const rate = stats && stats.count > 0 ? stats.successRate : undefined;
  return {
    name,
    runs: stats?.count ?? 0,
    successRate: rate ?? null,
    objective: threshold,
    status: rate === undefined ? 'NO_DATA' : rate >= threshold ? 'PASS' : 'FAIL',
  };
}

/**
 * `GET /ops/slo?from&to`: the in-process SLO view and the job SLAs over exactly `[from, to)` (default the last 24 h,
 * at most 90 days), PASS/FAIL/NO_DATA per target and `pass` when none fails.
 */
export const sloRoute: OpsRoute = {
  template: '/slo',
  admin: false,
  query: ['from', 'to'],
  async serve(ctx, res, q) {
    const to = timeParam(q, 'to', new Date());
    const from = timeParam(q, 'from', new Date(to.getTime() - DAY_MS));
    if (from.getTime() >= to.getTime()) throw new QueryError('from', 'from must be before to');
    if (to.getTime() - from.getTime() > MAX_WINDOW_SECONDS * 1000)
      throw new QueryError('from', 'the range must be at most 90 days');
    // Exactly [from, to): the ledger is asked for the window ending at `to`, never for everything since `from`.
    const windowSeconds = (to.getTime() - from.getTime()) / 1000;
    const slos = ctx.slo ? ctx.slo.compliance(from, to) : [];
    const jobRows = await Promise.all([...ctx.jobs.keys()].sort().map((name) => jobRow(ctx, name, windowSeconds, to)));
    const rows = [...slos.map((s) => s.status), ...jobRows.map((j) => j.status)];
    send(res, 200, {
      from: from.toISOString(),
      to: to.toISOString(),
      slos: slos.map((s) => ({ ...s, value: s.value ?? null })),
      jobs: jobRows,
      pass: rows.every((s) => s !== 'FAIL'),
    });
  },
};
