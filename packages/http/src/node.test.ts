import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestTelemetry, type TestTelemetry } from '@slakit/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { closeServers } from '../../../test-support/hostile-http.js';
import { instrumented, type NodeHandler, type NodeInstrumentOptions } from './node.js';

const servers: Server[] = [];
const kits: TestTelemetry[] = [];
afterEach(async () => {
  await closeServers(servers);
  await Promise.all(kits.splice(0).map((k) => k.close()));
});

const hello: NodeHandler = (req, res) => {
  if (req.url === '/boom') throw new RangeError('boom');
  if (req.url?.startsWith('/reject')) return Promise.reject(new TypeError('nope')).finally(() => res.end('x'));
  res.statusCode = req.url?.startsWith('/missing') ? 404 : 200;
  res.end('ok');
};

async function serve(options: Partial<NodeInstrumentOptions> = {}, handler: NodeHandler = hello) {
  const kit = createTestTelemetry({ serviceName: 'shop' });
  kits.push(kit);
  const wrapped = instrumented(handler, { telemetry: kit.telemetry, ...options });
  const server = createServer((req, res) => {
    try {
      const result = wrapped(req, res) as Promise<unknown> | undefined;
      result?.catch?.(() => undefined);
    } catch {
      res.statusCode = 500;
      res.end('thrown');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { kit, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const routes = async (kit: TestTelemetry) =>
  Object.fromEntries(
    (await kit.metrics.collect())
      .filter((s) => s.name === 'http_server_request_duration_seconds')
      .map((s) => [s.labels.http_route, s.value]),
  );

async function get(url: string): Promise<number> {
  const res = await fetch(url);
  await res.arrayBuffer();
  return res.status;
}

describe('instrumented() on node:http', () => {
  it('resolves route patterns to their template (query, trailing slash, percent-encoding) and the rest to unmatched', async () => {
    const { kit, url } = await serve({ routes: ['/users/:id', '/files/*', '/orders/:id/items/:item'] });
    for (const p of [
      '/users/1',
      '/users/2?x=1',
      '/users/3/',
      '/files/a/b/c',
      '/orders/9/items/7',
      '/users/%E2%82%AC',
      '/nope',
      '/',
    ])
      expect(await get(url + p)).toBe(200);
    expect(await routes(kit)).toEqual({ '/users/:id': 4, '/files/*': 1, '/orders/:id/items/:item': 1, unmatched: 2 });
  });

  it('a malformed percent-encoding never crashes the service: unmatched, the handler still answers', async () => {
    const { kit, url } = await serve({ routes: ['/users/:id'] });
    for (const p of ['/users/%E0%A4%A', '/users/%', '/%ZZ', '/users/%00']) expect(await get(url + p)).toBe(200);
    const byRoute = await routes(kit);
    expect(Object.values(byRoute).reduce((a, b) => (a as number) + (b as number), 0)).toBe(4);
    expect(Object.keys(byRoute).every((r) => r === 'unmatched' || r === '/users/:id')).toBe(true);
  });

  it('10 000 random paths cost one unmatched series', async () => {
    const { kit, url } = await serve({ routes: ['/users/:id'] });
    const paths = Array.from({ length: 10_000 }, (_, i) => `${url}/scan/${i.toString(36)}${Math.random()}`);
    let i = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (i < paths.length) await get(paths[i++] as string);
      }),
    );
    expect(await routes(kit)).toEqual({ unmatched: 10_000 });
  }, 120_000); // 10 000 requests: above the default 30 s timeout on a loaded 2-core machine

  it('caps a function resolver’s values at maxRoutes; pattern routes are declared and never overflow', async () => {
    const { kit, url } = await serve({ maxRoutes: 3, routes: (req) => req.url?.split('?')[0] });
    for (let i = 0; i < 6; i++) await get(`${url}/raw${i}`);
    const byRoute = await routes(kit);
    expect(byRoute).toEqual({ '/raw0': 1, '/raw1': 1, '/raw2': 1, _overflow: 3 });
    expect(await kit.metrics.value('http_server_route_overflow_total')).toBe(3);
    expect(kit.logs.find('distinct routes')).toHaveLength(1);

    const declared = await serve({ maxRoutes: 2, routes: Array.from({ length: 20 }, (_, i) => `/r${i}/:id`) });
    for (let i = 0; i < 20; i++) await get(`${declared.url}/r${i}/1`);
    expect(Object.keys(await routes(declared.kit))).toHaveLength(20);
  });

  it('a throwing or odd function resolver records unmatched, never crashes', async () => {
    let n = 0;
    const resolver = () => {
      n++;
      if (n % 3 === 0) throw new Error('resolver bug');
      return (n % 3 === 1 ? 42 : 'x'.repeat(1000)) as unknown as string;
    };
    const { kit, url } = await serve({ routes: resolver });
    for (let i = 0; i < 6; i++) expect(await get(`${url}/a`)).toBe(200);
    expect(await routes(kit)).toEqual({ unmatched: 6 });
  });

  it('records thrown and rejected errors by class, passing them on to the caller', async () => {
    const { kit, url } = await serve({ routes: ['/boom', '/reject'] });
    expect(await get(`${url}/boom`)).toBe(500);
    expect(await get(`${url}/reject`)).toBe(200);
    const series = (await kit.metrics.collect()).filter((s) => s.name === 'http_server_request_duration_seconds');
    expect(series.find((s) => s.labels.http_route === '/boom')?.labels.error_type).toBe('RangeError');
    expect(series.find((s) => s.labels.http_route === '/reject')?.labels.error_type).toBe('TypeError');
  });

  it('unknown methods are _OTHER; aborted requests have error_type aborted', async () => {
    const slow: NodeHandler = (req, res) => {
      if (req.url === '/slow') setTimeout(() => res.end('late'), 300);
      else res.end('ok');
    };
    const { kit, url } = await serve({ routes: ['/slow', '/x'] }, slow);
    await new Promise<void>((resolve) => {
      const r = httpRequest(`${url}/x`, { method: 'PROPFIND' }, (res) => res.resume().on('end', resolve));
      r.end();
    });
    const controller = new AbortController();
    const aborted = fetch(`${url}/slow`, { signal: controller.signal }).catch(() => 'aborted');
    setTimeout(() => controller.abort(), 50);
    expect(await aborted).toBe('aborted');
    await new Promise((r) => setTimeout(r, 400));
    const series = (await kit.metrics.collect()).filter((s) => s.name === 'http_server_request_duration_seconds');
    expect(series.find((s) => s.labels.http_route === '/x')?.labels.http_request_method).toBe('_OTHER');
    expect(series.find((s) => s.labels.http_route === '/slow')?.labels.error_type).toBe('aborted');
  });

  it('refuses bad options at configuration time, naming the field', () => {
    const kit = createTestTelemetry({ serviceName: 'shop' });
    kits.push(kit);
    const bad: [unknown, RegExp][] = [
      [{ routes: 'users/:id' }, /routes/],
      [{ routes: ['users/:id'] }, /routes\[0\]/],
      [{ routes: ['/a', 7] }, /routes\[1\]/],
      [{ routes: ['/a/:id('] }, /routes\[0\]/],
      [{ rutes: ['/a'] }, /routes/],
      [{ maxRoutes: 0 }, /maxRoutes/],
    ];
    for (const [options, field] of bad) {
      expect(() => instrumented(hello, { telemetry: kit.telemetry, ...(options as object) })).toThrow(field);
    }
    expect(() => instrumented('nope' as never, { telemetry: kit.telemetry })).toThrow(/handler/);
  });
});
