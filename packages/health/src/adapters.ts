import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyPluginLike, Health } from './types.js';

/** The node:http handler every mount wraps: answers a health path and returns true, or returns false. */
export type Handle = (req: IncomingMessage, res: ServerResponse) => boolean;

/** Express 4/5 middleware: answers the health paths, passes anything else to `next()`. */
export function expressMiddleware(handle: Handle): ReturnType<Health['express']> {
  return (req, res, next) => {
    if (!handle(req, res)) next();
  };
}

/**
 * Fastify 5 plugin answering the health paths in an `onRequest` hook (the reply is hijacked). Like fastify-plugin,
 * it applies to the whole app, not an encapsulated child context.
 */
export function fastifyPlugin(handle: Handle): FastifyPluginLike {
  const register: Parameters<typeof Object.assign>[0] = (
    instance: Parameters<FastifyPluginLike>[0],
    _options: unknown,
    done: () => void,
  ) => {
    instance.addHook('onRequest', (request, reply, next) => {
      if (handle(request.raw, reply.raw)) reply.hijack();
      else next();
    });
    done();
  };
  return Object.assign(register, { [Symbol.for('skip-override')]: true }) as FastifyPluginLike;
}

/** Koa middleware: answers the health paths (`ctx.respond = false`), awaits `next()` for anything else. */
export function koaMiddleware(handle: Handle): ReturnType<Health['koa']> {
  return async (ctx, next) => {
    if (handle(ctx.req, ctx.res)) {
      ctx.respond = false;
      return;
    }
    await next();
  };
}
