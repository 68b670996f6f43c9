import { createServer, type IncomingMessage } from 'node:http';
import { errorRecorder, instrument } from '@slakit/express-middleware';
import { instrumented, type NodeInstrumentOptions } from '@slakit/http';
import express5 from 'express';
import express4 from 'express4';
import { type ConformanceHarness, declaredRoutes, listen, SLOW_MS, TEMPLATES } from './harness.js';

const nodeHeader = (subject: unknown, name: string) => {
  const value = (subject as IncomingMessage).headers[name];
  return typeof value === 'string' ? value : undefined;
};

/** node:http with route patterns (it has no router: the handler dispatches by hand). */
export const nodeHarness: ConformanceHarness = {
  name: 'node:http',
  hostFramework: 'node',
  header: nodeHeader,
  async start(options) {
    const routes = [...Object.values(TEMPLATES), ...declaredRoutes()];
    const handler = instrumented(
      (req, res) => {
        const path = (req.url ?? '/').split('?')[0] as string;
        if (path === TEMPLATES.boom) throw new RangeError('boom');
        if (path === TEMPLATES.slow) {
          setTimeout(() => res.end('late'), SLOW_MS);
          return;
        }
        const known = /^\/(hello|users\/[^/]+|api\/v1\/orders\/[^/]+\/items\/[^/]+|t\/[^/]+\/dashboard|d\d+\/[^/]+)$/.test(path);
        res.statusCode = known ? 200 : 404;
        res.end(known ? 'ok' : 'not found');
      },
      { ...(options as NodeInstrumentOptions), routes },
    );
    return listen(
      createServer((req, res) => {
        try {
          handler(req, res);
        } catch {
          res.statusCode = 500;
          res.end('error');
        }
      }),
    );
  },
};

type ExpressModule = typeof express5;

function expressHarness(name: string, express: ExpressModule, hostFramework: string): ConformanceHarness {
  return {
    name,
    hostFramework,
    header: nodeHeader,
    async start(options) {
      const app = express();
      app.use(instrument(options as never) as never);
      app.get(TEMPLATES.hello, (_req, res) => void res.send('ok'));
      app.get(TEMPLATES.user, (_req, res) => void res.send('ok'));
      app.get(TEMPLATES.boom, () => {
        throw new RangeError('boom');
      });
      app.get(TEMPLATES.slow, (_req, res) => void setTimeout(() => res.send('late'), SLOW_MS));
      for (const route of declaredRoutes()) app.get(route, (_req, res) => void res.send('ok'));
      const orders = express.Router({ mergeParams: true });
      orders.get('/items/:itemId', (_req, res) => void res.send('ok'));
      const api = express.Router();
      api.use('/orders/:orderId', orders);
      app.use('/api/v1', api);
      // the case: a parameterised mount path, no mergeParams
      const tenant = express.Router();
      tenant.get('/dashboard', (_req, res) => void res.send('ok'));
      app.use('/t/:tenant', tenant);
      app.use(errorRecorder() as never);
      app.use(((_err: unknown, _req: unknown, res: { status(n: number): { send(b: string): void } }, _next: unknown) =>
        res.status(500).send('error')) as never);
      return listen(createServer(app));
    },
  };
}

export const express4Harness = expressHarness('Express 4', express4 as unknown as ExpressModule, 'express4');
export const express5Harness = expressHarness('Express 5', express5, 'express5');
