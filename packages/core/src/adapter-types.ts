import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The shape of a Fastify plugin (no dependency on fastify): what the `fastify()` mounts of `@slakit/health` and
 * `@slakit/ops` return for `app.register(…)`.
 */
export type FastifyPluginLike = ((
  instance: {
    addHook(
      name: 'onRequest',
      hook: (request: { raw: IncomingMessage }, reply: { raw: ServerResponse; hijack(): void }, done: () => void) => void,
    ): unknown;
  },
  options: unknown,
  done: () => void,
) => void) & { [key: symbol]: unknown };

/** The shape of a Koa middleware (no dependency on koa): what the `koa()` mounts return for `app.use(…)`. */
export type KoaMiddlewareLike = (
  ctx: { req: IncomingMessage; res: ServerResponse; respond?: boolean },
  next: () => Promise<unknown>,
) => Promise<void>;
