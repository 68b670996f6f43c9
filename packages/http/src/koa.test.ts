import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import { createTestTelemetry, type TestTelemetry } from '@slakit/core/testing';
import Koa from 'koa';
import { afterEach, describe, expect, it } from 'vitest';
import { closeServers } from '../../../test-support/hostile-http.js';
import { koaInstrument } from './koa.js';

const servers: Server[] = [];
const kits: TestTelemetry[] = [];
afterEach(async () => {
  await closeServers(servers);
  await Promise.all(kits.splice(0).map((k) => k.close()));
});

async function listen(app: Koa): Promise<string> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('koaInstrument()', () => {
  it('rethrows downstream errors unchanged to Koa, recording their class', async () => {
    const kit = createTestTelemetry();
    kits.push(kit);
    const app = new Koa();
    const seen: unknown[] = [];
    app.on('error', (error) => seen.push(error));
    const thrown = new SyntaxError('bad input');
    const router = new Router();
    router.get('/parse/:id', () => {
      throw thrown;
    });
    app.use(koaInstrument({ telemetry: kit.telemetry })).use(router.routes());
    const url = await listen(app);
    expect((await fetch(`${url}/parse/1`)).status).toBe(500);
    await new Promise((r) => setTimeout(r, 20));
    expect(seen).toEqual([thrown]);
    const series = (await kit.metrics.collect()).find((s) => s.name === 'http_server_request_duration_seconds');
    expect(series?.labels).toMatchObject({ http_route: '/parse/:id', error_type: 'SyntaxError' });
  });

  it('serves the scrape with metricsEndpoint (ctx.respond = false) and does not measure it', async () => {
    const kit = createTestTelemetry();
    kits.push(kit);
    const app = new Koa();
    const router = new Router({ prefix: '/api' });
    router.get('/users/:id', (ctx) => {
      ctx.body = 'ok';
    });
    app.use(koaInstrument({ telemetry: kit.telemetry, metricsEndpoint: true })).use(router.routes());
    const url = await listen(app);
    await (await fetch(`${url}/api/users/1`)).text();
    const scrape = await fetch(`${url}/metrics`);
    expect(scrape.status).toBe(200);
    expect(await scrape.text()).toMatch(/http_route="\/api\/users\/:id"[^}]*\} 1/);
    const routes = (await kit.metrics.collect())
      .filter((s) => s.name === 'http_server_request_duration_seconds')
      .map((s) => s.labels.http_route);
    expect(routes).toEqual(['/api/users/:id']);
  });
});
