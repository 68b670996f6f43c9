import type { Server } from 'node:http';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestTelemetry, type TestTelemetry } from '@slakit/core/testing';
import express4 from 'express4';
import express5 from 'express5';
import { afterEach, describe, expect, it } from 'vitest';
import { closeServers } from '../../../test-support/hostile-http.js';
import { errorRecorder, type InstrumentOptions, instrument } from './instrument.js';
import { metricsRoute } from './metrics-route.js';

type ExpressFactory = typeof express5;
const versions: [string, ExpressFactory][] = [
  ['Express 4', express4 as unknown as ExpressFactory],
  ['Express 5', express5],
];

const servers: Server[] = [];
const kits: TestTelemetry[] = [];
afterEach(async () => {
  await closeServers(servers);
  await Promise.all(kits.splice(0).map((k) => k.close()));
});

async function serve(express: ExpressFactory, options: Partial<InstrumentOptions> = {}) {
  const kit = createTestTelemetry({ serviceName: 'shop' });
  kits.push(kit);
  const app = express();
  app.use(instrument({ telemetry: kit.telemetry, ...options }) as never);
  app.use(metricsRoute(kit.telemetry) as never);
  const users = express.Router();
  users.get('/:id', (req, res) => void res.json({ id: req.params.id }));
  const v1 = express.Router();
  v1.use('/users', users);
  app.use('/api/v1', v1);
  app.get('/orders/:orderId/items/:itemId', (_req, res) => void res.send('item'));
  app.get(/^\/re\/\d+$/, (_req, res) => void res.send('re'));
  app.get(['/alpha', '/beta'], (_req, res) => void res.send('arr'));
  const tenant = express.Router({ mergeParams: true });
  tenant.get('/items/:item', (_req, res) => void res.send('t'));
  app.use('/tenants/:tenant', tenant);
  app.get('/fail', (_req, res) => void res.status(503).send('down'));
  app.get('/teapot', (_req, res) => void res.status(418).send('teapot'));
  app.get('/throws', () => {
    throw new RangeError('bad range');
  });
  app.get('/slow', (_req, res) => void setTimeout(() => res.send('late'), 300));
  app.get('/health', (_req, res) => void res.send('ok'));
  for (let i = 0; i < 10; i++) app.get(`/r${i}`, (_req, res) => void res.send(String(i)));
  app.use(errorRecorder() as never);
  app.use(((err: Error, _req: unknown, res: { status(n: number): { send(b: string): void } }, _next: unknown) => {
    res.status(500).send(err.name);
  }) as never);
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  servers.push(server);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { kit, url };
}

async function hammer(urls: string[], concurrency = 32, init?: RequestInit) {
  let i = 0;
  const statuses: number[] = [];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (i < urls.length) {
        const u = urls[i++] as string;
        const res = await fetch(u, init);
        await res.arrayBuffer();
        statuses.push(res.status);
      }
    }),
  );
  return statuses;
}

const routeSeries = async (kit: TestTelemetry) =>
  (await kit.metrics.collect()).filter((s) => s.name === 'http_server_request_duration_seconds');

describe.each(versions)('%s', (_label, express) => {
  it('labels requests with route templates: params, nested routers, mounts, regex and array paths', async () => {
    const { kit, url } = await serve(express);
    for (const path of [
      '/api/v1/users/42',
      '/api/v1/users/43',
      '/orders/9/items/7',
      '/re/123',
      '/beta',
      '/tenants/acme/items/5',
      '/tenants/globex/items/6',
    ]) {
      expect((await fetch(url + path)).status).toBe(200);
    }
    const byRoute = Object.fromEntries((await routeSeries(kit)).map((s) => [s.labels.http_route, s.value]));
    expect(byRoute).toEqual({
      '/api/v1/users/:id': 2,
      '/orders/:orderId/items/:itemId': 1,
      '/^\\/re\\/\\d+$/': 1,
      '/alpha,/beta': 1,
      '/tenants/:tenant/items/:item': 2,
    });
    const one = (await routeSeries(kit)).find((s) => s.labels.http_route === '/api/v1/users/:id');
    expect(one?.labels).toEqual({
      http_request_method: 'GET',
      url_scheme: 'http',
      http_route: '/api/v1/users/:id',
      http_response_status_code: '200',
    });
    expect(one?.histogram?.buckets.map((b) => b.le)).toContain(0.005);
  });

  it('puts 10 000 distinct random 404 paths into one `unmatched` series', async () => {
    const { kit, url } = await serve(express, { logging: { enabled: false } });
    const urls = Array.from({ length: 10_000 }, (_, i) => `${url}/scan/${i}-${Math.random().toString(36).slice(2)}`);
    const statuses = await hammer(urls);
    expect(statuses.filter((s) => s === 404)).toHaveLength(10_000);
    const series = await routeSeries(kit);
    expect(series).toHaveLength(1);
    expect(series[0]?.labels).toMatchObject({ http_route: 'unmatched', http_response_status_code: '404' });
    expect(series[0]?.value).toBe(10_000);
    expect(series[0]?.labels.error_type).toBeUndefined();
  }, 60_000);

  it('never caps the routes the app declares: 6 declared routes with maxRoutes 3 keep their own series', async () => {
    const { kit, url } = await serve(express, { maxRoutes: 3 });
    for (let round = 0; round < 2; round++) for (let i = 0; i < 6; i++) await (await fetch(`${url}/r${i}`)).text();
    const byRoute = Object.fromEntries((await routeSeries(kit)).map((s) => [s.labels.http_route, s.value]));
    expect(byRoute).toEqual({ '/r0': 2, '/r1': 2, '/r2': 2, '/r3': 2, '/r4': 2, '/r5': 2 });
    expect(await kit.metrics.value('http_server_route_overflow_total')).toBe(0);
    expect(kit.logs.find('distinct routes')).toHaveLength(0);
  });

  it('normalises unknown methods to _OTHER and sets error_type only for 5xx', async () => {
    const { kit, url } = await serve(express);
    await (await fetch(`${url}/fail`)).text();
    await (await fetch(`${url}/teapot`)).text();
    await new Promise<void>((resolve) => {
      const r = httpRequest(`${url}/api/v1/users/1`, { method: 'PROPFIND' }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      r.end();
    });
    const series = await routeSeries(kit);
    const fail = series.find((s) => s.labels.http_route === '/fail');
    expect(fail?.labels).toMatchObject({ http_response_status_code: '503', error_type: '503' });
    expect(series.find((s) => s.labels.http_route === '/teapot')?.labels.error_type).toBeUndefined();
    expect(series.find((s) => s.labels.http_request_method === '_OTHER')).toBeDefined();
  });

  it('records thrown errors by class and aborted requests as error_type="aborted"', async () => {
    const { kit, url } = await serve(express);
    expect(await (await fetch(`${url}/throws`)).text()).toBe('RangeError');
    const controller = new AbortController();
    const pending = fetch(`${url}/slow`, { signal: controller.signal }).catch(() => 'aborted');
    await new Promise((r) => setTimeout(r, 50));
    controller.abort();
    expect(await pending).toBe('aborted');
    await new Promise((r) => setTimeout(r, 400));
    const series = await routeSeries(kit);
    expect(series.find((s) => s.labels.http_route === '/throws')?.labels).toMatchObject({
      error_type: 'RangeError',
      http_response_status_code: '500',
    });
    expect(series.find((s) => s.labels.http_route === '/slow')?.labels.error_type).toBe('aborted');
    expect(await kit.metrics.value('http_server_active_requests')).toBe(0);
    const span = kit.spans.finished().find((s) => s.name === 'GET /throws');
    expect(span?.events.map((e) => e.name)).toContain('exception');
  });

  it('does not measure /metrics and the health paths by default', async () => {
    const { kit, url } = await serve(express);
    expect((await fetch(`${url}/metrics`)).status).toBe(200);
    expect((await fetch(`${url}/health`)).status).toBe(200);
    expect((await fetch(`${url}/health?verbose=1`)).status).toBe(200);
    expect(await routeSeries(kit)).toEqual([]);
    // Same length and second character as ignored paths, but not ignored: measured.
    expect((await fetch(`${url}/healtz`)).status).toBe(404);
    expect((await fetch(`${url}/metricz?x=1`)).status).toBe(404);
    const unmatched = (await routeSeries(kit)).find((s) => s.labels.http_route === 'unmatched');
    expect(unmatched?.value).toBe(2);
  });

  it('ignores long exact paths and RegExp paths, and measures the rest', async () => {
    const long = `/internal/${'x'.repeat(80)}`;
    const { kit, url } = await serve(express, { ignorePaths: [long, /^\/r[0-4]$/] });
    for (const p of [long, `${long}?q=1`, '/r1', '/r3', '/r7', `/internal/${'x'.repeat(81)}`])
      await (await fetch(url + p)).text();
    const routes = Object.fromEntries((await routeSeries(kit)).map((s) => [s.labels.http_route, s.value]));
    expect(routes).toEqual({ '/r7': 1, unmatched: 1 });
  });

  it('creates exactly one server span per request, continues a valid traceparent, tolerates a malformed one', async () => {
    const { kit, url } = await serve(express, { tracing: { responseHeader: true } });
    const parent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const res = await fetch(`${url}/api/v1/users/7`, { headers: { traceparent: parent } });
    expect(res.headers.get('traceparent')).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
    await res.text();
    for (const bad of ['garbage', '00-zzzz-b7ad6b7169203331-01', '00-00000000000000000000000000000000-b7ad6b7169203331-01']) {
      const r = await fetch(`${url}/api/v1/users/8`, { headers: { traceparent: bad } });
      expect(r.status).toBe(200);
      await r.text();
    }
    const spans = kit.spans.finished();
    expect(spans).toHaveLength(4);
    const [first, ...rest] = spans;
    expect(first?.name).toBe('GET /api/v1/users/:id');
    expect(first?.kind).toBe(1); // SERVER
    expect(first?.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(first?.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(first?.attributes).toMatchObject({
      'http.route': '/api/v1/users/:id',
      'http.response.status_code': 200,
      'http.request.method': 'GET',
    });
    for (const s of rest) {
      expect(s.spanContext().traceId).not.toBe('0af7651916cd43dd8448eb211c80319c');
      expect(s.parentSpanContext).toBeUndefined();
    }
  });

  it('activates the request span for the handler by default; activateContext: false does not (and still records it)', async () => {
    for (const activateContext of [true, false]) {
      const kit = createTestTelemetry({ serviceName: 'shop' });
      kits.push(kit);
      const app = express();
      app.use(instrument({ telemetry: kit.telemetry, tracing: { activateContext } }) as never);
      app.get('/child', async (_req, res) => {
        await new Promise((r) => setTimeout(r, 5)); // across an await, as a real handler
        kit.telemetry.tracer.startSpan('db query', {}, kit.telemetry.context.active()).end();
        res.send('ok');
      });
      const server = await new Promise<Server>((resolve) => {
        const s = app.listen(0, '127.0.0.1', () => resolve(s));
      });
      servers.push(server);
      await (await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/child`)).text();
      await new Promise((r) => setTimeout(r, 20));
      const spans = kit.spans.finished();
      const serverSpan = spans.find((x) => x.name === 'GET /child');
      const child = spans.find((x) => x.name === 'db query');
      expect(serverSpan).toBeDefined();
      if (activateContext) {
        expect(child?.parentSpanContext?.spanId).toBe(serverSpan?.spanContext().spanId);
        expect(child?.spanContext().traceId).toBe(serverSpan?.spanContext().traceId);
      } else {
        expect(child?.parentSpanContext).toBeUndefined();
      }
    }
  });

  it('rejects a non-boolean activateContext', () => {
    const kit = createTestTelemetry({ serviceName: 'shop' });
    kits.push(kit);
    expect(() => instrument({ telemetry: kit.telemetry, tracing: { activateContext: 'yes' as never } })).toThrow(
      /tracing\.activateContext must be true or false, got "yes"/,
    );
  });

  it('reuses a valid x-request-id, replaces an invalid one, and logs trace ids with the request', async () => {
    const { kit, url } = await serve(express, { logging: { sampleSuccess: 1 }, requestId: { responseHeader: true } });
    const a = await fetch(`${url}/api/v1/users/1`, { headers: { 'x-request-id': 'req-123' } });
    expect(a.headers.get('x-request-id')).toBe('req-123');
    const b = await fetch(`${url}/api/v1/users/1`, { headers: { 'x-request-id': 'bad id with spaces' } });
    const generated = b.headers.get('x-request-id');
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    const line = kit.logs.find('GET /api/v1/users/:id 200').find((l) => l.request_id === 'req-123');
    expect(line).toMatchObject({ method: 'GET', route: '/api/v1/users/:id', status: 200, request_id: 'req-123' });
    expect(typeof line?.duration_ms).toBe('number');
    expect(line?.trace_id).toMatch(/^[0-9a-f]{32}$/);
    // The echoed id is the logged one.
    expect(kit.logs.lines.some((l) => l.request_id === generated)).toBe(true);
  });

  it('by default logs request ids without echoing them; requestId: false leaves them out', async () => {
    const { kit, url } = await serve(express, { logging: { sampleSuccess: 1 } });
    const a = await fetch(`${url}/api/v1/users/2`, { headers: { 'x-request-id': 'req-456' } });
    expect(a.headers.get('x-request-id')).toBeNull();
    await fetch(`${url}/api/v1/users/3`);
    const lines = kit.logs.find('GET /api/v1/users/:id 200');
    expect(lines.map((l) => l.request_id)).toEqual(['req-456', expect.stringMatching(/^[0-9a-f-]{36}$/)]);
    const off = await serve(express, { logging: { sampleSuccess: 1 }, requestId: false });
    await fetch(`${off.url}/api/v1/users/4`, { headers: { 'x-request-id': 'req-789' } });
    const [offLine] = off.kit.logs.find('GET /api/v1/users/:id 200');
    expect(offLine).toMatchObject({ status: 200 });
    expect(offLine).not.toHaveProperty('request_id');
  });
});

describe('request logs', () => {
  it('samples successes at sampleSuccess over 10 000 requests, logs every error, never logs secrets', async () => {
    const { kit, url } = await serve(express5, { logging: { sampleSuccess: 0.1, headers: true }, tracing: { enabled: false } });
    const secret = { authorization: 'Bearer sk_live_SECRET', cookie: 'session=COOKIE_SECRET', 'x-api-key': 'KEY_SECRET' };
    const ok = Array.from({ length: 10_000 }, (_, i) => `${url}/api/v1/users/${i}`);
    await hammer(ok, 32, { headers: secret });
    const errors = Array.from({ length: 200 }, () => `${url}/fail`);
    await hammer(errors, 16, { headers: secret });
    const successLines = kit.logs.lines.filter((l) => l.status === 200).length;
    // Binomial(10000, 0.1): mean 1000, sd 30 — ±5 sd.
    expect(successLines).toBeGreaterThan(850);
    expect(successLines).toBeLessThan(1150);
    const errorLines = kit.logs.lines.filter((l) => l.status === 503);
    expect(errorLines).toHaveLength(200);
    expect(errorLines[0]?.level).toBe(50);
    const raw = kit.logs.raw();
    for (const s of ['sk_live_SECRET', 'COOKIE_SECRET', 'KEY_SECRET']) expect(raw).not.toContain(s);
    expect((errorLines[0]?.headers as Record<string, string> | undefined)?.authorization).toBe('[Redacted]');
  }, 90_000);
});

describe('metricsRoute', () => {
  it('serves /metrics, and refuses unauthorised scrapes', async () => {
    const kit = createTestTelemetry();
    kits.push(kit);
    const app = express5();
    app.use(metricsRoute(kit.telemetry, { authorize: (req) => req.headers.authorization === 'Bearer scrape' }) as never);
    app.get('/other', (_req, res) => void res.send('other'));
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    servers.push(server);
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    kit.telemetry.meter.createCounter('probe').add(1);
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    expect((await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer nope' } })).status).toBe(403);
    const ok = await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer scrape' } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('probe_total 1');
    expect(await (await fetch(`${url}/other`)).text()).toBe('other');
  });
});

describe('instrument({ metricsEndpoint })', () => {
  it.each(versions)(
    '%s: serves the scrape from the middleware (authorised, never measured); other paths are measured',
    async (_label, express) => {
      const kit = createTestTelemetry();
      kits.push(kit);
      const app = express();
      app.use(
        instrument({
          telemetry: kit.telemetry,
          ignorePaths: [],
          metricsEndpoint: { path: '/internal/metrics', authorize: (req) => req.headers.authorization === 'Bearer scrape' },
        }) as never,
      );
      app.get('/other', (_req, res) => void res.send('other'));
      const server = await new Promise<Server>((resolve) => {
        const s = app.listen(0, '127.0.0.1', () => resolve(s));
      });
      servers.push(server);
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      expect(await (await fetch(`${url}/other?x=1`)).text()).toBe('other');
      expect((await fetch(`${url}/internal/metrics`)).status).toBe(401);
      const ok = await fetch(`${url}/internal/metrics?debug=1`, { headers: { authorization: 'Bearer scrape' } });
      expect(ok.status).toBe(200);
      const text = await ok.text();
      expect(text).toContain('http_server_request_duration_seconds_count{');
      expect(text).toMatch(/http_route="\/other"/);
      // ignorePaths is empty, yet the scrapes are not measured: only the /other series exists.
      const routes = (await routeSeries(kit)).map((s) => s.labels.http_route);
      expect(new Set(routes)).toEqual(new Set(['/other']));
      // /metrics is not the configured path here: it falls through to the app (404, measured as unmatched).
      expect((await fetch(`${url}/metrics`)).status).toBe(404);
    },
  );

  it('metricsEndpoint: true serves /metrics', async () => {
    const kit = createTestTelemetry();
    kits.push(kit);
    const app = express5();
    app.use(instrument({ telemetry: kit.telemetry, metricsEndpoint: true }) as never);
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    servers.push(server);
    kit.telemetry.meter.createCounter('probe').add(2);
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('probe_total 2');
  });
});

describe('configuration errors', () => {
  const kit = createTestTelemetry();
  it.each<[string, Partial<InstrumentOptions>, string]>([
    ['no telemetry', { telemetry: undefined as never }, 'telemetry'],
    ['maxRoutes 0', { maxRoutes: 0 }, 'maxRoutes'],
    ['sampleRatio 2', { tracing: { sampleRatio: 2 } }, 'tracing.sampleRatio'],
    ['sampleSuccess -1', { logging: { sampleSuccess: -1 } }, 'logging.sampleSuccess'],
    ['a bad ignore path', { ignorePaths: [42 as never] }, 'ignorePaths[0]'],
    ['requestId "on"', { requestId: 'on' as never }, 'requestId'],
    ['a bad requestId.header', { requestId: { header: 'x request id' } }, 'requestId.header'],
    ['a non-boolean requestId.responseHeader', { requestId: { responseHeader: 'yes' as never } }, 'requestId.responseHeader'],
    ['a non-function requestId.generate', { requestId: { generate: 'uuid' as never } }, 'requestId.generate'],
    ['metricsEndpoint "yes"', { metricsEndpoint: 'yes' as never }, 'metricsEndpoint'],
    ['a relative metricsEndpoint.path', { metricsEndpoint: { path: 'metrics' } }, 'metricsEndpoint.path'],
    [
      'a non-function metricsEndpoint.authorize',
      { metricsEndpoint: { authorize: 'token' as never } },
      'metricsEndpoint.authorize',
    ],
    ['a bad SLO threshold', { slo: { latencyThresholdsSeconds: [0] } }, 'sloThresholdsSeconds[0]'],
  ])('rejects %s', (_label, options, field) => {
    expect(() => instrument({ telemetry: kit.telemetry, ...options })).toThrowError(
      expect.objectContaining({ code: 'ERR_SLAKIT_INVALID_OPTION', field }),
    );
  });
});
