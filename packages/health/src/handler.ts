import type { IncomingMessage, ServerResponse } from 'node:http';
import { withDeadline } from '@slakit/core';
import type { Logger } from 'pino';
import type { HealthOptions } from './options.js';
import { decodeSegment, mergeVary, parseTarget, wantsVerbose } from './request.js';
import type { Runner } from './runner.js';
import type { Health, HealthBody, HealthState } from './types.js';
import type { View } from './views.js';

const CONTENT_TYPE = 'application/health+json; charset=utf-8';

/** What the node:http handler answers from. */
export interface HandlerContext {
  options: Pick<HealthOptions, 'authorize' | 'authorizeHeaders' | 'basePath'>;
  runner: Pick<Runner, 'states' | 'firstResults'>;
  lifecycle: { readonly state: HealthState };
  evaluate: Health['evaluate'];
  logger: Logger;
  /** How long an answer may wait for first results and for `authorize()`, in ms. */
  deadlineMs: number;
}

/** How a response may be cached. */
interface CachePolicy {
  /** An authorised answer: `private, no-store`, never stored by any cache. */
  detailed?: boolean;
  /** The content on this URL depends on `authorize()`: `Vary` on its headers. */
  authDependent?: boolean;
  /** Storable: `max-age=<shortest TTL>` while ready. */
  store?: boolean;
}

/** What {@link writeBody} needs besides the answer. */
interface WriteContext {
  lifecycle: { readonly state: HealthState };
  logger: Logger;
  minTtlSeconds: number;
  varyHeaders: string;
}

type Route = { view: View; check?: string } | { error: [status: number, output: string] } | undefined;

/**
 * The node:http handler of the health paths: answers them (GET/HEAD only) and returns true, or returns false for
 * other paths. Never throws; an answer waits at most `deadlineMs` for first results and for `authorize()`.
 */
export function createHandler(ctx: HandlerContext): (req: IncomingMessage, res: ServerResponse) => boolean {
  const { options, runner } = ctx;
  const base = (options.basePath ?? '').replace(/\/+$/, '');
  const routes = new Map<string, View>([
    [`${base}/health`, 'health'],
    [`${base}/readiness`, 'readiness'],
    [`${base}/liveness`, 'liveness'],
    [`${base}/startup`, 'startup'],
    [`${base}/health/readiness`, 'readiness'],
    [`${base}/health/liveness`, 'liveness'],
    [`${base}/health/startup`, 'startup'],
  ]);
  const checkPrefix = `${base}/health/`;
  const ttls = [...runner.states.values()].map((s) => s.check.ttlMs);
  const out: WriteContext = {
    lifecycle: ctx.lifecycle,
    logger: ctx.logger,
    minTtlSeconds: Math.max(0, Math.floor(Math.min(...ttls, 60_000) / 1000)),
    varyHeaders: mergeVary(undefined, ['Authorization', 'Cookie', ...(options.authorizeHeaders ?? [])]),
  };

  const route = (path: string): Route => {
    const view = routes.get(path);
    if (view) return { view };
    if (!path.startsWith(checkPrefix)) return undefined;
    const name = decodeSegment(path.slice(checkPrefix.length));
    if (name === undefined) return { error: [400, 'INVALID_PATH'] };
    if (!runner.states.has(name)) return { error: [404, 'UNKNOWN_CHECK'] };
    return { view: 'health', check: name };
  };

  return (req, res) => {
    const target = parseTarget(req.url ?? '/');
    if (!target) return false;
    const found = route(target.path);
    if (!found) return false;
    if ('error' in found) {
      writeBody(out, res, found.error[0], { status: 'fail', output: found.error[1] });
      return true;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      writeBody(out, res, 405, { status: 'fail', output: 'METHOD_NOT_ALLOWED' }, {}, { allow: 'GET, HEAD' });
      return true;
    }
    const { view, check } = found;
    const authDependent = options.authorize !== undefined && (wantsVerbose(target.query) || check !== undefined);
    const answer = (detailed: boolean) => {
      const send = () => {
        const { status, body } = ctx.evaluate(view, { detailed, check });
        writeBody(out, res, status, body, { detailed, authDependent, store: true });
      };
      if (![...runner.states.values()].some((s) => s.result === undefined)) send();
      else runner.firstResults(ctx.deadlineMs).then(send, send);
    };
    if (authDependent) {
      withDeadline(
        Promise.resolve().then(() => options.authorize?.(req)),
        ctx.deadlineMs,
      ).then(
        (ok) => answer(ok === true),
        () => answer(false),
      );
    } else answer(false);
    return true;
  };
}

/** Writes one `application/health+json` response; never throws (a response that can no longer be written is dropped and logged). */
function writeBody(
  ctx: WriteContext,
  res: ServerResponse,
  status: number,
  body: HealthBody,
  cache: CachePolicy = {},
  extra: Record<string, string> = {},
): void {
  try {
    if (res.headersSent || res.writableEnded || res.destroyed) return;
    const { state } = ctx.lifecycle;
    const headers: Record<string, string> = {
      'content-type': CONTENT_TYPE,
      'cache-control': cache.detailed
        ? 'private, no-store'
        : cache.store && state === 'ready'
          ? `max-age=${ctx.minTtlSeconds}`
          : 'no-store',
      ...extra,
    };
    if (cache.detailed || cache.authDependent) headers.vary = mergeVary(res.getHeader('vary'), [ctx.varyHeaders]);
    if (state === 'draining' || state === 'closing') headers.connection = 'close';
    const text = JSON.stringify(body);
    res.writeHead(status, headers);
    res.end(text);
  } catch (error) {
    ctx.logger.error({ error: (error as Error)?.name }, 'health: could not write the response');
    try {
      res.destroy();
    } catch {
      // nothing more to do
    }
  }
}
