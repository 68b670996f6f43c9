import Router from '@koa/router';
import { fastifyInstrument } from '@slakit/http/fastify';
import { koaInstrument } from '@slakit/http/koa';
import Fastify, { type FastifyRequest } from 'fastify';
import Koa, { type Context } from 'koa';
import { type ConformanceApp, type ConformanceHarness, declaredRoutes, SLOW_MS, sleep, TEMPLATES } from './harness.js';

export const fastifyHarness: ConformanceHarness = {
  name: 'Fastify',
  hostFramework: 'fastify',
  header: (subject, name) => {
    const value = (subject as FastifyRequest).headers[name];
    return typeof value === 'string' ? value : undefined;
  },
  async start(options): Promise<ConformanceApp> {
    const app = Fastify();
    await app.register(fastifyInstrument(options as never));
    app.get(TEMPLATES.hello, async () => 'ok');
    app.get(TEMPLATES.user, async () => 'ok');
    app.get(TEMPLATES.boom, async () => {
      throw new RangeError('boom');
    });
    app.get(TEMPLATES.slow, async () => {
      await sleep(SLOW_MS);
      return 'late';
    });
    for (const route of declaredRoutes()) app.get(route, async () => 'ok');
    await app.register(
      async (api) => {
        await api.register(async (orders) => void orders.get('/items/:itemId', async () => 'ok'), {
          prefix: '/orders/:orderId',
        });
      },
      { prefix: '/api/v1' },
    );
    await app.register(async (tenant) => void tenant.get('/dashboard', async () => 'ok'), { prefix: '/t/:tenant' });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    return {
      url: address,
      close: async () => {
        app.server.closeAllConnections();
        await app.close();
      },
    };
  },
};

export const koaHarness: ConformanceHarness = {
  name: 'Koa',
  hostFramework: 'koa',
  header: (subject, name) => (subject as Context).get(name) || undefined,
  async start(options): Promise<ConformanceApp> {
    const app = new Koa();
    app.silent = true;
    app.use(koaInstrument(options as never));
    const router = new Router();
    router.get(TEMPLATES.hello, (ctx) => {
      ctx.body = 'ok';
    });
    router.get(TEMPLATES.user, (ctx) => {
      ctx.body = 'ok';
    });
    router.get(TEMPLATES.boom, () => {
      throw new RangeError('boom');
    });
    router.get(TEMPLATES.slow, async (ctx) => {
      await sleep(SLOW_MS);
      ctx.body = 'late';
    });
    for (const route of declaredRoutes())
      router.get(route, (ctx) => {
        ctx.body = 'ok';
      });
    const orders = new Router();
    orders.get('/items/:itemId', (ctx) => {
      ctx.body = 'ok';
    });
    const api = new Router({ prefix: '/api/v1' });
    api.use('/orders/:orderId', orders.routes());
    const tenant = new Router();
    tenant.get('/dashboard', (ctx) => {
      ctx.body = 'ok';
    });
    router.use('/t/:tenant', tenant.routes());
    app.use(router.routes());
    app.use(api.routes());
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as { port: number };
    return {
      url: `http://127.0.0.1:${port}`,
      close: () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    };
  },
};
