import { request as httpRequest } from 'node:http';
import { SpanKind } from '@opentelemetry/api';
import { createTestTelemetry, type TestTelemetry } from '@slakit/core/testing';
import type { HttpInstrumentOptions } from '@slakit/http';
import { afterEach, describe, expect, it } from 'vitest';
import { countsByRoute, durationSeries, get, load, recorded } from './client.js';
import { type ConformanceApp, type ConformanceHarness, DECLARED_ROUTES, SLOW_MS, sleep, TEMPLATES } from './harness.js';
import { hostInstrumentationCase } from './suite-host.js';
import { loggingCases } from './suite-logs.js';

/** The conformance cases of one adapter (routes, cardinality, methods, errors, spans); logs in suite-logs.ts. */
export function conformanceSuite(harness: ConformanceHarness): void {
  describe(`${harness.name} conformance`, () => {
    const running: ConformanceApp[] = [];
    const kits: TestTelemetry[] = [];
    afterEach(async () => {
      await Promise.all(running.splice(0).map((app) => app.close()));
      await Promise.all(kits.splice(0).map((kit) => kit.close()));
    });
    const start = async (options: Partial<HttpInstrumentOptions<never>> = {}) => {
      const kit = createTestTelemetry({ serviceName: 'conformance' });
      kits.push(kit);
      const app = await harness.start({ telemetry: kit.telemetry, logging: { sampleSuccess: 0 }, ...options });
      running.push(app);
      return { kit, url: app.url };
    };

    it('records route templates, prefixed, nested and parameter-mounted routers included', async () => {
      const { kit, url } = await start();
      const paths = ['/hello', '/users/1', '/users/2?x=1', '/api/v1/orders/7/items/9', '/t/acme/dashboard', '/t/x1/dashboard'];
      for (const path of paths) expect((await get(url + path)).status).toBe(200);
      expect(await recorded(kit, paths.length)).toEqual({
        [TEMPLATES.hello]: 1,
        [TEMPLATES.user]: 2,
        [TEMPLATES.nested]: 1,
        [TEMPLATES.mounted]: 2,
      });
    });

    it('10 000 random 404s cost one unmatched series', async () => {
      const { kit, url } = await start({ logging: { enabled: false }, tracing: { enabled: false } });
      const statuses = await load(url, 10_000, (i) => `/scan/${i.toString(36)}/${Math.random().toString(36).slice(2)}`);
      expect(new Set(statuses)).toEqual(new Set([404]));
      expect(await recorded(kit, 10_000)).toEqual({ unmatched: 10_000 });
      expect((await durationSeries(kit)).length).toBe(1);
    }, 120_000);

    it('declared routes never overflow the route cap', async () => {
      const { kit, url } = await start({ maxRoutes: 2 });
      for (let i = 0; i < DECLARED_ROUTES; i++) expect((await get(`${url}/d${i}/${i}`)).status).toBe(200);
      const byRoute = await recorded(kit, DECLARED_ROUTES);
      expect(Object.keys(byRoute).sort()).toEqual(Array.from({ length: DECLARED_ROUTES }, (_, i) => `/d${i}/:id`).sort());
      expect(await kit.metrics.value('http_server_route_overflow_total')).toBeFalsy();
    });

    it('unknown methods are recorded as _OTHER', async () => {
      const { kit, url } = await start();
      await new Promise<void>((resolve, reject) => {
        const req = httpRequest(`${url}/hello`, { method: 'PROPFIND' }, (res) => res.resume().on('end', resolve));
        req.on('error', reject);
        req.end();
      });
      await recorded(kit, 1);
      const methods = (await durationSeries(kit)).map((s) => s.labels.http_request_method);
      expect(methods).toEqual(['_OTHER']);
    });

    it('thrown errors get their class as error_type; aborted requests get aborted', async () => {
      const { kit, url } = await start();
      expect((await get(`${url}/boom`)).status).toBe(500);
      const controller = new AbortController();
      const aborted = fetch(`${url}/slow`, { signal: controller.signal }).catch(() => 'aborted');
      setTimeout(() => controller.abort(), 50);
      expect(await aborted).toBe('aborted');
      await sleep(SLOW_MS + 100);
      await recorded(kit, 2);
      const series = await durationSeries(kit);
      const boom = series.find((s) => s.labels.http_route === TEMPLATES.boom);
      expect(boom?.labels).toMatchObject({ error_type: 'RangeError', http_response_status_code: '500' });
      expect(series.find((s) => s.labels.http_route === TEMPLATES.slow)?.labels.error_type).toBe('aborted');
    });

    it('exactly one server span per request, named by route; traceparent continued and returned', async () => {
      const { kit, url } = await start({ tracing: { responseHeader: true } });
      for (let i = 0; i < 5; i++) await get(`${url}/users/${i}`);
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const parentId = '00f067aa0ba902b7';
      const res = await get(`${url}/users/42`, { headers: { traceparent: `00-${traceId}-${parentId}-01` } });
      expect(res.headers.get('traceparent')).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
      await recorded(kit, 6);
      await sleep(20);
      const server = kit.spans.finished().filter((s) => s.kind === SpanKind.SERVER);
      expect(server).toHaveLength(6);
      for (const span of server) {
        expect(span.name).toBe(`GET ${TEMPLATES.user}`);
        expect(span.attributes['http.route']).toBe(TEMPLATES.user);
      }
      const child = server.find((s) => s.spanContext().traceId === traceId);
      expect(child?.parentSpanContext?.spanId).toBe(parentId);
      expect(res.headers.get('traceparent')).toContain(child?.spanContext().spanId);
    });

    it('custom labels: static ones, and per-request values capped with their overflow value', async () => {
      const { kit, url } = await start({
        labels: {
          static: { team: 'checkout' },
          request: {
            allow: { tenant_tier: { maxValues: 2, overflowValue: 'other' } },
            values: (subject: never) => ({ tenant_tier: harness.header(subject, 'x-tier') }),
          },
        },
      });
      for (const tier of ['gold', 'silver', 'bronze', 'iron', 'gold', undefined]) {
        await get(`${url}/hello`, { headers: tier === undefined ? {} : { 'x-tier': tier } });
      }
      await recorded(kit, 6);
      const series = await durationSeries(kit);
      const byTier = Object.fromEntries(series.map((s) => [s.labels.tenant_tier ?? '(absent)', s.value]));
      expect(byTier).toEqual({ gold: 2, silver: 1, other: 2, '(absent)': 1 });
      for (const s of series) expect(s.labels.team).toBe('checkout');
      expect(Object.keys(await countsByRoute(kit))).toEqual([TEMPLATES.hello]);
    });

    hostInstrumentationCase(harness);
    loggingCases(harness, start);
  });
}
