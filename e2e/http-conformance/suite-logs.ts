import type { TestTelemetry } from '@slakit/core/testing';
import { type HttpInstrumentOptions, traceIdShare } from '@slakit/http';
import { expect, it } from 'vitest';
import { get, hex, load, recorded } from './client.js';
import type { ConformanceHarness } from './harness.js';

type Start = (options?: Partial<HttpInstrumentOptions<never>>) => Promise<{ kit: TestTelemetry; url: string }>;

const SECRETS: Record<string, string> = {
  authorization: 'Bearer SECRET-AUTHORIZATION',
  cookie: 'sid=SECRET-COOKIE',
  'x-api-key': 'SECRET-API-KEY',
  'proxy-authorization': 'Basic SECRET-PROXY',
  'x-auth-token': 'SECRET-AUTH-TOKEN',
};

/** The log cases of the conformance suite: sampling bounds, trace consistency, secrets. */
export function loggingCases(_harness: ConformanceHarness, start: Start): void {
  it('samples success logs over 10 000 requests within bounds, by trace: one trace is logged or dropped whole', async () => {
    const ratio = 0.1;
    const { kit, url } = await start({ logging: { sampleSuccess: ratio } });
    // 5 000 root requests (their own random trace ids), then 2 500 traces of two requests each (a sampled parent)
    const traces = Array.from({ length: 2_500 }, () => hex(16));
    const statuses = await load(
      url,
      10_000,
      () => '/hello',
      (i): Record<string, string> => (i < 5_000 ? {} : { traceparent: `00-${traces[(i - 5_000) >> 1]}-${hex(8)}-01` }),
    );
    expect(new Set(statuses)).toEqual(new Set([200]));
    await recorded(kit, 10_000);
    const lines = kit.logs.find('GET /hello 200');
    const byTrace = new Map<string, number>();
    for (const line of lines) byTrace.set(line.trace_id as string, (byTrace.get(line.trace_id as string) ?? 0) + 1);
    const traced = new Set(traces);
    const roots = lines.filter((line) => !traced.has(line.trace_id as string)).length;
    // binomial(5000, 0.1): mean 500, sd 21 — ± 5 sd
    expect(roots).toBeGreaterThan(500 - 106);
    expect(roots).toBeLessThan(500 + 106);
    for (const trace of traces) {
      // both requests of a trace, or neither — and the same decision as OpenTelemetry's ratio sampler at 0.1
      expect(byTrace.get(trace) ?? 0).toBe(traceIdShare(trace) <= ratio ? 2 : 0);
    }
    const keptTraces = traces.filter((t) => byTrace.has(t)).length;
    expect(keptTraces).toBeGreaterThan(250 - 75);
    expect(keptTraces).toBeLessThan(250 + 75);
  }, 120_000);

  it('errors are always logged; secrets in headers never are', async () => {
    const { kit, url } = await start({ logging: { sampleSuccess: 0, headers: true } });
    for (let i = 0; i < 5; i++) await get(`${url}/nope/${i}`, { headers: { ...SECRETS, 'x-tenant': 'acme' } });
    await get(`${url}/boom`, { headers: SECRETS });
    await get(`${url}/hello`, { headers: SECRETS });
    await recorded(kit, 7);
    await new Promise((r) => setTimeout(r, 20));
    expect(kit.logs.lines.filter((l) => l.status === 404)).toHaveLength(5);
    expect(kit.logs.lines.filter((l) => l.status === 500)).toHaveLength(1);
    expect(kit.logs.lines.filter((l) => l.status === 200)).toHaveLength(0);
    const notFound = kit.logs.lines.find((l) => l.status === 404) as { headers?: Record<string, unknown> };
    expect(notFound.headers?.['x-tenant']).toBe('acme');
    const raw = kit.logs.raw();
    for (const secret of Object.values(SECRETS)) expect(raw).not.toContain(secret.split(/[ =]/).pop());
  });
}
