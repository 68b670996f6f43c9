import { createTestTelemetry, type TestTelemetry } from '@slakit/core/testing';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { fastifyInstrument } from './fastify.js';

const kits: TestTelemetry[] = [];
afterEach(async () => {
  await Promise.all(kits.splice(0).map((k) => k.close()));
});

async function app(options: Record<string, unknown> = {}) {
  const kit = createTestTelemetry({ serviceName: 'shop' });
  kits.push(kit);
  const fastify = Fastify();
  await fastify.register(fastifyInstrument({ telemetry: kit.telemetry, ...options }));
  fastify.get('/users/:id', async () => 'ok');
  fastify.get('/boom', async () => {
    throw new TypeError('bad');
  });
  await fastify.register(async (child) => void child.get('/items/:item', async () => 'ok'), { prefix: '/v2/:shop' });
  return { kit, fastify };
}

const byRoute = async (kit: TestTelemetry) =>
  Object.fromEntries(
    (await kit.metrics.collect())
      .filter((s) => s.name === 'http_server_request_duration_seconds')
      .map((s) => [`${s.labels.http_route} ${s.labels.http_response_status_code} ${s.labels.error_type ?? ''}`, s.value]),
  );

describe('fastifyInstrument()', () => {
  it('records inject() requests: templates with prefixes, the 404 handler unmatched, thrown errors by class', async () => {
    const { kit, fastify } = await app();
    for (const url of ['/users/1', '/users/2', '/v2/acme/items/9', '/nope', '/boom']) await fastify.inject(url);
    expect(await byRoute(kit)).toEqual({
      '/users/:id 200 ': 2,
      '/v2/:shop/items/:item 200 ': 1,
      'unmatched 404 ': 1,
      '/boom 500 TypeError': 1,
    });
    await fastify.close();
  });

  it('serves the scrape itself with metricsEndpoint (the reply hijacked), unmeasured', async () => {
    const { kit, fastify } = await app({ metricsEndpoint: true });
    await fastify.inject('/users/1');
    const scrape = await fastify.inject('/metrics');
    expect(scrape.statusCode).toBe(200);
    expect(scrape.body).toMatch(/http_server_request_duration_seconds_count\{[^}]*http_route="\/users\/:id"[^}]*\} 1/);
    expect(Object.keys(await byRoute(kit))).toEqual(['/users/:id 200 ']);
    await fastify.close();
  });

  it('without skip-override its hooks would stay inside the plugin: routes of sibling plugins are measured', async () => {
    const kit = createTestTelemetry();
    kits.push(kit);
    const fastify = Fastify();
    await fastify.register(fastifyInstrument({ telemetry: kit.telemetry }));
    await fastify.register(async (sibling) => void sibling.get('/sibling', async () => 'ok'));
    await fastify.inject('/sibling');
    expect(await byRoute(kit)).toEqual({ '/sibling 200 ': 1 });
    await fastify.close();
    expect(() => fastifyInstrument({ telemetry: kit.telemetry, maxRoute: 3 } as never)).toThrow(/maxRoutes/);
  });
});
