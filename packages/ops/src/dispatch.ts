import type { IncomingMessage, ServerResponse } from 'node:http';
import { alertsRoute, remediateRoute } from './alerts-route.js';
import { allowed } from './authorize.js';
import { healthRoute } from './health-route.js';
import { jobRoute, jobsRoute, runJobRoute } from './jobs-route.js';
import { onlyParams, pathParam } from './query.js';
import type { OpsRoute } from './route.js';
import { sloRoute } from './slo-route.js';
import type { OpsContext } from './types.js';

const JOB_PATH = /^\/jobs\/([^/]+)(\/run)?$/;

/**
 * The route of a method and a path below the prefix (`/jobs/cleanup`), with its decoded `:name`; undefined when the
 * ops API does not serve it.
 * @throws QueryError for a malformed percent-encoding in `:name` (whatever the method)
 */
export function matchRoute(method: string, sub: string): { route: OpsRoute; name: string } | undefined {
  const read = method === 'GET' || method === 'HEAD';
  if (read && sub === '/health') return { route: healthRoute, name: '' };
  if (read && sub === '/alerts') return { route: alertsRoute, name: '' };
  if (read && sub === '/jobs') return { route: jobsRoute, name: '' };
  const job = JOB_PATH.exec(sub);
  if (job) {
    const name = pathParam(job[1] as string, 'name');
    const isRun = job[2] !== undefined;
    if (isRun && method === 'POST') return { route: runJobRoute, name };
    if (!isRun && read) return { route: jobRoute, name };
    return undefined;
  }
  if (read && sub === '/slo') return { route: sloRoute, name: '' };
  if (sub === '/remediate' && method === 'POST') return { route: remediateRoute, name: '' };
  return undefined;
}

/**
 * Serves one request whose path is under the prefix: finds the route, labels it (`req.route.path`, the `http_route`
 * that `instrument()` reads), checks authorization and the query, and answers. Resolves false for a path or method
 * the ops API does not serve (nothing sent); rejects with what the route threw (see `answerError`).
 */
export async function dispatch(
  ctx: OpsContext,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  q: URLSearchParams,
): Promise<boolean> {
  const match = matchRoute(req.method ?? 'GET', path.slice(ctx.prefix.length) || '/');
  if (!match) return false;
  (req as IncomingMessage & { route?: { path: string } }).route = { path: `${ctx.prefix}${match.route.template}` };
  if (!(await allowed(ctx, req, res, match.route.admin))) return true;
  onlyParams(q, match.route.query);
  await match.route.serve(ctx, res, q, match.name);
  return true;
}
