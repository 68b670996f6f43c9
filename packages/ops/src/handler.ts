import type { IncomingMessage, ServerResponse } from 'node:http';
import { dispatch } from './dispatch.js';
import { answerError } from './errors.js';
import type { OpsContext } from './types.js';

/** A request target under the prefix: its path (still encoded) and its query. */
export interface OpsTarget {
  path: string;
  q: URLSearchParams;
}

/** The target of a request when its path is the prefix or below it; else undefined (not an ops request). */
export function targetOf(ctx: OpsContext, req: IncomingMessage): OpsTarget | undefined {
  const url = req.url ?? '/';
  const mark = url.indexOf('?');
  const path = mark === -1 ? url : url.slice(0, mark);
  if (path !== ctx.prefix && !path.startsWith(`${ctx.prefix}/`)) return undefined;
  return { path, q: new URLSearchParams(mark === -1 ? '' : url.slice(mark + 1)) };
}

/**
 * Serves an ops request: the route's answer, a 400 for a bad query, a 500 (logged with a safe code) for anything
 * else that failed, or — for a path or method the ops API does not serve — `fallthrough()` (the framework's `next`).
 * Never rejects: once the socket is gone there is nothing left to answer.
 */
export function serveOps(
  ctx: OpsContext,
  req: IncomingMessage,
  res: ServerResponse,
  target: OpsTarget,
  fallthrough: () => void,
): Promise<void> {
  return dispatch(ctx, req, res, target.path, target.q)
    .then((handled) => {
      if (!handled) fallthrough();
    })
    .catch((error: unknown) => answerError(res, error, ctx.logger))
    .catch(() => {
      // the socket is gone or the response broken: nothing left to answer
    });
}
