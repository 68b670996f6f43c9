import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestTelemetry, type TestTelemetry } from '@slakit/core/testing';
import express from 'express5';
import { afterEach, describe, expect, it } from 'vitest';
import { closeServers } from '../../../test-support/hostile-http.js';
import { instrument } from './instrument.js';
import { metricsRoute } from './metrics-route.js';

const servers: Server[] = [];
const kits: TestTelemetry[] = [];
afterEach(async () => {
  await closeServers(servers);
  await Promise.all(kits.splice(0).map((k) => k.close()));
});

describe('http_server_request_duration_seconds exemplars', () => {
  it('carry the trace id of the sampled request span, in OpenMetrics only', async () => {
    const kit = createTestTelemetry({ serviceName: 'shop' });
    kits.push(kit);
    const app = express();
    app.use(instrument({ telemetry: kit.telemetry }) as never);
    app.use(metricsRoute(kit.telemetry) as never);
    app.get('/users/:id', (_req, res) => void res.send('ok'));
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    servers.push(server);
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    expect((await fetch(`${url}/users/7`)).status).toBe(200);
    const span = kit.spans.finished().find((s) => s.attributes['http.route'] === '/users/:id');
    const traceId = span?.spanContext().traceId;
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    const om = await (
      await fetch(`${url}/metrics`, { headers: { accept: 'application/openmetrics-text;version=1.0.0' } })
    ).text();
    const lines = om
      .split('\n')
      .filter((l) => l.startsWith('http_server_request_duration_seconds_bucket{') && l.includes(' # {'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('http_route="/users/:id"');
    expect(lines[0]).toContain(`# {trace_id="${traceId}",span_id="${span?.spanContext().spanId}"}`);
    expect(await kit.metrics.scrape()).not.toContain('trace_id');
  });
});
