import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyPluginLike, KoaMiddlewareLike } from '@slakit/core';
import { resolveOptions } from './context.js';
import { serveOps, targetOf } from './handler.js';
import { sendNotFound } from './respond.js';
import type { OpsRouterOptions } from './types.js';

/** An Express 4/5 middleware that is also a node:http handler (without `next`, other paths answer 404). */
export type OpsMiddleware = (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => void;

/** What {@link createOps} returns: one ops API, mounted on any server. */
export interface Ops {
  /**
   * node:http handler: answers an ops request and resolves true, or resolves false (nothing sent) for a path or
   * method the ops API does not serve. Never rejects.
   */
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  /** Express 4/5 middleware (`app.use(ops.express())`): other paths go to `next()` (without `next`: 404). */
  express(): OpsMiddleware;
  /** Fastify 5 plugin (`await app.register(ops.fastify())`): answers the ops routes in an `onRequest` hook. */
  fastify(): FastifyPluginLike;
  /** Koa middleware (`app.use(ops.koa())`). */
  koa(): KoaMiddlewareLike;
}

/**
 * The ops REST API of seed 003, framework-neutral (`ops.handle(req, res)` for node:http, `ops.express()`,
 * `ops.fastify()`, `ops.koa()`; same routes, answers and checks everywhere):
 *
 * - `GET /ops/health` — health status, alerts in the last hour, criticals in the last 24 h, remediations, jobs;
 * - `GET /ops/alerts?severity&limit&since` — notification and remediation history, newest first;
 * - `GET /ops/jobs?window` and `GET /ops/jobs/:name?limit&window` — recent runs, success rate, p50/p95/p99, last success;
 * - `GET /ops/slo?from&to` — the in-process SLO view and the job SLAs over the range, PASS/FAIL per target;
 * - `POST /ops/jobs/:name/run` and `POST /ops/remediate?alert=…` — admin only (`authorize`).
 *
 * Every query is validated: a bad value answers 400 `{ error: 'invalid_query', parameter, message }` (a malformed
 * percent-encoding in a path parameter: `invalid_path`). Admin routes answer 403 when `authorize` is not configured,
 * 403 `csrf_missing_header`/`csrf_cross_origin` when the request may be cross-site (it needs a JSON content type or
 * `x-slakit-request: 1`, and a same-origin `Origin` when one is sent), 401/403 when `authorize` refuses.
 * `POST /ops/remediate` is single-flight per alert (concurrent requests share one run and its record). Responses
 * never carry secrets (error messages are sanitised; health output is the status only). Other paths are not answered.
 * @throws SlakitError for an invalid option (at configuration time)
 */
export function createOps(options: OpsRouterOptions): Ops {
  const ctx = resolveOptions(options);
  const handle = (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const target = targetOf(ctx, req);
    if (!target) return Promise.resolve(false);
    let handled = true;
    return serveOps(ctx, req, res, target, () => {
      handled = false;
    }).then(() => handled);
  };
  const express = (): OpsMiddleware => (req, res, next) => {
    const fallthrough = next ? () => next() : () => sendNotFound(res);
    const target = targetOf(ctx, req);
    if (!target) fallthrough();
    else void serveOps(ctx, req, res, target, fallthrough);
  };
  return {
    handle,
    express,
    fastify() {
      const register: Parameters<typeof Object.assign>[0] = (
        instance: Parameters<FastifyPluginLike>[0],
        _options: unknown,
        done: () => void,
      ) => {
        instance.addHook('onRequest', (request, reply, next) => {
          void handle(request.raw, reply.raw).then((handled) => (handled ? reply.hijack() : next()));
        });
        done();
      };
      // Like fastify-plugin: apply to the whole app, not an encapsulated child context.
      return Object.assign(register, { [Symbol.for('skip-override')]: true }) as FastifyPluginLike;
    },
    koa: () => async (koaCtx, next) => {
      if (await handle(koaCtx.req, koaCtx.res)) {
        koaCtx.respond = false;
        return;
      }
      await next();
    },
  };
}

/**
 * The ops API as one Express 4/5 middleware (`app.use(opsRouter({...}))`), also a node:http handler (other paths
 * answer 404): `createOps(options).express()`. Routes and checks: see {@link createOps}; other paths fall through to
 * `next()`.
 * @throws SlakitError for an invalid option (at configuration time)
 */
export function opsRouter(options: OpsRouterOptions): OpsMiddleware {
  return createOps(options).express();
}
