import type { INestApplication } from '@nestjs/common';
import { createTestTelemetry, type TestTelemetry } from '@slakit/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type Platform } from './app.js';

const apps: INestApplication[] = [];
const kits: TestTelemetry[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
  await Promise.all(kits.splice(0).map((kit) => kit.close()));
});

async function serve(platform: Platform) {
  const kit = createTestTelemetry({ serviceName: 'nest' });
  kits.push(kit);
  const app = await createApp(platform, kit.telemetry);
  apps.push(app);
  await app.listen(0, '127.0.0.1');
  return { kit, url: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
}

async function series(kit: TestTelemetry, total: number) {
  for (let i = 0; i < 100; i++) {
    const found = (await kit.metrics.collect()).filter((s) => s.name === 'http_server_request_duration_seconds');
    if (found.reduce((n, s) => n + s.value, 0) >= total) return found;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`fewer than ${total} requests recorded`);
}

describe.each(['express', 'fastify'] as const)('NestJS on %s', (platform) => {
  it('records controller routes as their templates, 404s as unmatched, one server span per request', async () => {
    const { kit, url } = await serve(platform);
    for (const path of ['/users/1', '/users/2', '/orders/7/items/9', '/nope/1', '/nope/2'])
      await (await fetch(url + path)).text();
    const failed = await fetch(`${url}/orders/7/fail`);
    expect(failed.status).toBe(500);
    await failed.text();
    const found = await series(kit, 6);
    const byRoute = Object.fromEntries(found.map((s) => [s.labels.http_route, s.value]));
    expect(byRoute).toEqual({ '/users/:id': 2, '/orders/:orderId/items/:itemId': 1, '/orders/:orderId/fail': 1, unmatched: 2 });
    const fail = found.find((s) => s.labels.http_route === '/orders/:orderId/fail');
    expect(fail?.labels).toMatchObject({ http_response_status_code: '500' });
    expect(fail?.labels.error_type).toBe('500'); // Nest's exception filter answers: the status, not the class
    await new Promise((r) => setTimeout(r, 20));
    const server = kit.spans.finished().filter((s) => s.kind === 1);
    expect(server).toHaveLength(6);
    expect(server.filter((s) => s.name === 'GET /users/:id')).toHaveLength(2);
    const scrape = await (await fetch(`${url}/metrics`)).text();
    expect(scrape).toMatch(/^http_server_request_duration_seconds_count\{[^}]*http_route="\/users\/:id"[^}]*\} 2$/m);
  });
});
