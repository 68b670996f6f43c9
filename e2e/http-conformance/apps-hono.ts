import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { honoInstrument } from '@slakit/http/hono';
import { type Context, Hono } from 'hono';
import { type ConformanceHarness, declaredRoutes, listen, SLOW_MS, sleep, TEMPLATES } from './harness.js';

function honoApp(options: Parameters<typeof honoInstrument>[0]): Hono {
  const app = new Hono();
  app.use(honoInstrument(options));
  app.get(TEMPLATES.hello, (c) => c.text('ok'));
  app.get(TEMPLATES.user, (c) => c.text('ok'));
  app.get(TEMPLATES.boom, () => {
    throw new RangeError('boom');
  });
  app.get(TEMPLATES.slow, async (c) => {
    await sleep(SLOW_MS);
    return c.text('late');
  });
  for (const route of declaredRoutes()) app.get(route, (c) => c.text('ok'));
  const orders = new Hono();
  orders.get('/items/:itemId', (c) => c.text('ok'));
  const api = new Hono();
  api.route('/orders/:orderId', orders);
  app.route('/api/v1', api);
  const tenant = new Hono();
  tenant.get('/dashboard', (c) => c.text('ok'));
  app.route('/t/:tenant', tenant);
  return app;
}

const honoHeader = (subject: unknown, name: string) => (subject as Context).req.header(name);

/** Hono on @hono/node-server: the node bindings (`c.env.incoming/outgoing`) are used. */
export const honoNodeHarness: ConformanceHarness = {
  name: 'Hono (node bindings)',
  hostFramework: 'hono',
  header: honoHeader,
  async start(options) {
    const app = honoApp(options as never);
    return listen(createAdaptorServer({ fetch: app.fetch }) as Server);
  },
};

/** Hono served without its node bindings: the fetch-API mode (Request/Response only), as on other runtimes. */
export const honoFetchHarness: ConformanceHarness = {
  name: 'Hono (fetch API)',
  header: honoHeader,
  hostFramework: 'hono-fetch',
  async start(options) {
    const app = honoApp(options as never);
    return listen(createAdaptorServer({ fetch: (request: Request) => app.fetch(request) }) as Server);
  },
};
