import { createTestTelemetry, type TestTelemetry } from '@slakit/core/testing';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { honoInstrument } from './hono.js';

const kits: TestTelemetry[] = [];
afterEach(async () => {
  await Promise.all(kits.splice(0).map((k) => k.close()));
});

function app(options: Record<string, unknown> = {}) {
  const kit = createTestTelemetry({ serviceName: 'edge' });
  kits.push(kit);
  const hono = new Hono();
  hono.use(honoInstrument({ telemetry: kit.telemetry, ...options }));
  hono.use('/api/*', async (_c, next) => next());
  hono.get('/api/users/:id', (c) => c.text('ok'));
  hono.all('/any', (c) => c.text('ok'));
  hono.get('/redirect', () => Response.redirect('https://example.com/', 302));
  hono.get('/odd', () => {
    throw 'not an Error';
  });
  return { kit, hono };
}

const routes = async (kit: TestTelemetry) =>
  Object.fromEntries(
    (await kit.metrics.collect())
      .filter((s) => s.name === 'http_server_request_duration_seconds')
      .map((s) => [`${s.labels.http_request_method} ${s.labels.http_route} ${s.labels.http_response_status_code}`, s.value]),
  );

describe('honoInstrument() on the fetch API (no node bindings)', () => {
  it('records the answering handler; a 404 that passed through an app.use middleware is unmatched', async () => {
    const { kit, hono } = app();
    await hono.request('/api/users/1');
    await hono.request('/api/nope');
    await hono.request('/any', { method: 'POST' });
    expect(await routes(kit)).toEqual({ 'GET /api/users/:id 200': 1, 'GET unmatched 404': 1, 'POST /any 200': 1 });
  });

  it('continues an incoming traceparent and sets it, and the request id, on the response', async () => {
    const { kit, hono } = app({ tracing: { responseHeader: true }, requestId: { responseHeader: true } });
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const res = await hono.request('/api/users/1', { headers: { traceparent: `00-${traceId}-b7ad6b7169203331-01` } });
    expect(res.headers.get('traceparent')).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const [span] = kit.spans.finished();
    expect(span?.spanContext().traceId).toBe(traceId);
    expect(span?.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(span?.name).toBe('GET /api/users/:id');
  });

  it('never throws on a Response with immutable headers; a thrown non-Error is recorded and rethrown', async () => {
    const { kit, hono } = app({ tracing: { responseHeader: true } });
    expect((await hono.request('/redirect')).status).toBe(302);
    await expect(hono.request('/odd')).rejects.toBe('not an Error');
    const series = (await kit.metrics.collect()).filter((s) => s.name === 'http_server_request_duration_seconds');
    expect(series.find((s) => s.labels.http_route === '/redirect')?.labels.http_response_status_code).toBe('302');
    expect(series.find((s) => s.labels.http_route === '/odd')?.labels).toMatchObject({ error_type: 'String' });
  });
});
