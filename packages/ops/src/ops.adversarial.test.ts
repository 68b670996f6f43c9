// Adversarial reproductions of issue #26 for the ops REST API (items 1, 3, 13, 14, 15): each case failed on the code
// before the fix. The property-based suite over every path is in ops.property.test.ts.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Alerter, createAlerter, type RunRecord } from '@slakit/core';
import { createTestTelemetry, type TestTelemetry } from '@slakit/core/testing';
import express5 from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { closeServers } from '../../../test-support/hostile-http.js';
import { type OpsJob, type OpsLedger, type OpsRouterOptions, opsRouter } from './index.js';

const servers: Server[] = [];
const kits: TestTelemetry[] = [];
const alerters: Alerter[] = [];
afterEach(async () => {
  await closeServers(servers);
  await Promise.all(alerters.splice(0).map((a) => a.close()));
  await Promise.all(kits.splice(0).map((k) => k.close()));
});

function kit(): TestTelemetry {
  const k = createTestTelemetry({ serviceName: 'ops-adv' });
  kits.push(k);
  return k;
}

/** An ops router on 127.0.0.1, mounted in Express 5 (default) or as a bare node:http handler. */
async function serve(options: OpsRouterOptions, mode: 'express' | 'node' = 'express', onRequest?: () => void): Promise<string> {
  const router = opsRouter(options);
  let server: Server;
  if (mode === 'express') {
    const app = express5();
    if (onRequest)
      app.use((_req, _res, next) => {
        onRequest();
        next();
      });
    app.use(router as never);
    app.use((_req, res) => void res.status(404).json({ error: 'not_found' }));
    server = createServer(app);
  } else server = createServer((req: IncomingMessage, res: ServerResponse) => router(req, res));
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function job(name: string, body: () => unknown, budgetSeconds = 5): OpsJob {
  return Object.assign(() => body() as Promise<unknown>, { jobName: name, budgetSeconds });
}

const JSON_HEADERS = { 'content-type': 'application/json' };
const ADMIN = 'Bearer admin';
const isAdmin = (req: IncomingMessage) => req.headers.authorization === ADMIN;

describe('item 1: malformed percent-encoding in a path parameter', () => {
  for (const mode of ['express', 'node'] as const)
    it(`${mode}: GET /ops/jobs/%E0%A4%A and friends answer 400 JSON, never 500`, async () => {
      const base = await serve({ jobs: [job('a', async () => undefined)], authorize: isAdmin }, mode);
      for (const [method, path] of [
        ['GET', '/ops/jobs/%E0%A4%A'],
        ['GET', '/ops/jobs/%E0'],
        ['GET', '/ops/jobs/%'],
        ['GET', '/ops/jobs/%ZZ?limit=1'],
        ['HEAD', '/ops/jobs/%E0%A4%A'],
        ['POST', '/ops/jobs/%E0%A4%A/run'],
        ['POST', '/ops/jobs/%ED%A0%80/run'],
      ] as const) {
        const res = await fetch(`${base}${path}`, { method, headers: { ...JSON_HEADERS, authorization: ADMIN } });
        expect(res.status, `${method} ${path}`).toBe(400);
        expect(res.headers.get('content-type')).toMatch(/^application\/json/);
        if (method !== 'HEAD') {
          const body = (await res.json()) as { error: string; parameter: string };
          expect(body).toMatchObject({ error: 'invalid_path', parameter: 'name' });
        }
      }
    });
});

describe('item 3: a manual run whose job rejects with any value', () => {
  const hostile: [string, () => unknown][] = [
    ['Promise.reject()', () => Promise.reject()],
    ['reject(undefined)', () => Promise.reject(undefined)],
    ['reject(null)', () => Promise.reject(null)],
    ['a string', () => Promise.reject('password=hunter2')],
    ['a number', () => Promise.reject(42)],
    ['a symbol', () => Promise.reject(Symbol('x'))],
    ['Object.create(null)', () => Promise.reject(Object.create(null))],
    [
      'toString throws',
      () =>
        Promise.reject({
          toString() {
            throw new Error('no');
          },
        }),
    ],
    [
      'a Proxy that throws on every access',
      () =>
        Promise.reject(
          new Proxy(
            {},
            {
              get() {
                throw new Error('trap');
              },
              getPrototypeOf() {
                throw new Error('trap');
              },
              has() {
                throw new Error('trap');
              },
            },
          ),
        ),
    ],
    [
      'an Error whose name getter throws',
      () =>
        Promise.reject(
          Object.defineProperty(new Error('x'), 'name', {
            get() {
              throw new Error('getter');
            },
          }),
        ),
    ],
    [
      'a synchronous throw',
      () => {
        throw undefined;
      },
    ],
    ['a non-promise return value', () => 'not a promise'],
  ];

  for (const [label, body] of hostile)
    it(`${label}: 202, no unhandled rejection, a safe code in the log, the job runnable again`, async () => {
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown) => unhandled.push(reason);
      process.on('unhandledRejection', onUnhandled);
      try {
        const k = kit();
        let calls = 0;
        const j = job('hostile', () => {
          calls++;
          return body();
        });
        const base = await serve({ jobs: [j], authorize: isAdmin, logger: k.telemetry.logger });
        const run = () =>
          fetch(`${base}/ops/jobs/hostile/run`, { method: 'POST', headers: { ...JSON_HEADERS, authorization: ADMIN } });
        const first = await run();
        expect(first.status).toBe(202);
        // Settles: the run is no longer "running", a second manual run is accepted.
        let second = 409;
        for (let i = 0; i < 50 && second === 409; i++) {
          await new Promise((r) => setTimeout(r, 10));
          second = (await run()).status;
        }
        expect(second).toBe(202);
        expect(calls).toBe(2);
        await new Promise((r) => setTimeout(r, 20));
        expect(unhandled).toEqual([]);
        const lines = k.logs.find('manual run of hostile failed');
        if (label !== 'a non-promise return value') {
          expect(lines.length).toBeGreaterThanOrEqual(1);
          expect(lines[0]?.code).toMatch(/^[A-Za-z_][A-Za-z0-9_.]{0,63}$/);
          expect(JSON.stringify(k.logs.lines)).not.toContain('hunter2');
        }
        const status = await fetch(`${base}/ops/jobs/hostile`);
        expect(status.status).toBe(200);
      } finally {
        process.off('unhandledRejection', onUnhandled);
      }
    });
});

describe('item 13: CSRF defence of the admin routes', () => {
  async function setup(extra: Partial<OpsRouterOptions> = {}) {
    const k = kit();
    let runs = 0;
    let remediations = 0;
    const alerter = createAlerter({
      telemetry: k.telemetry,
      env: {},
      remediations: { JobSlaBreachCritical: () => void remediations++ },
    });
    alerters.push(alerter);
    // Cookie-based authorize: exactly what a cross-site form POST carries along.
    const base = await serve({
      alerter,
      jobs: [job('cleanup', async () => void runs++)],
      authorize: (req) => (req.headers.cookie ?? '').includes('session=admin'),
      ...extra,
    });
    return { base, counts: () => ({ runs, remediations }) };
  }
  const cookie = { cookie: 'session=admin' };

  it('a cross-site form POST (urlencoded, foreign Origin, cookie) is refused 403 and runs nothing', async () => {
    const { base, counts } = await setup();
    for (const path of ['/ops/jobs/cleanup/run', '/ops/remediate?alert=JobSlaBreachCritical']) {
      const res = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { ...cookie, 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
        body: 'a=1',
      });
      expect(res.status, path).toBe(403);
      expect(await res.json()).toMatchObject({ error: expect.stringMatching(/^csrf_/) });
    }
    await new Promise((r) => setTimeout(r, 20));
    expect(counts()).toEqual({ runs: 0, remediations: 0 });
  });

  it.each([
    ['no content type, no header', {}],
    ['text/plain (a "simple" cross-site request)', { 'content-type': 'text/plain' }],
    ['multipart/form-data', { 'content-type': 'multipart/form-data; boundary=x' }],
    ['application/jsonx', { 'content-type': 'application/jsonx' }],
    ['text/plain;application/json', { 'content-type': 'text/plain; a=application/json' }],
    ['an empty custom header', { 'x-slakit-request': '' }],
  ])('without a JSON content type or the x-slakit-request header (%s): 403 csrf_missing_header', async (_l, headers) => {
    const { base, counts } = await setup();
    const res = await fetch(`${base}/ops/jobs/cleanup/run`, { method: 'POST', headers: { ...cookie, ...headers } });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: 'csrf_missing_header' });
    expect(counts().runs).toBe(0);
  });

  it.each([
    ['a foreign origin', 'https://evil.example'],
    ['the same host on another port', 'http://127.0.0.1:1'],
    ['null (sandboxed iframe, file://)', 'null'],
    ['garbage', '::::'],
    ['a lookalike host', 'http://127.0.0.1.evil.example'],
  ])('a JSON request with %s as Origin: 403 csrf_cross_origin', async (_l, origin) => {
    const { base, counts } = await setup();
    const res = await fetch(`${base}/ops/jobs/cleanup/run`, { method: 'POST', headers: { ...cookie, ...JSON_HEADERS, origin } });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: 'csrf_cross_origin' });
    expect(counts().runs).toBe(0);
  });

  it('accepts application/json (any case, with charset), the custom header, a same-origin Origin, allowedOrigins', async () => {
    const { base, counts } = await setup({ allowedOrigins: ['https://console.example.com'] });
    const ok: Record<string, string>[] = [
      { 'content-type': 'application/json' },
      { 'content-type': 'Application/JSON; charset=utf-8' },
      { 'x-slakit-request': '1' },
      { 'content-type': 'application/json', origin: base },
      { 'x-slakit-request': '1', origin: 'https://console.example.com' },
    ];
    for (const headers of ok) {
      const res = await fetch(`${base}/ops/jobs/cleanup/run`, { method: 'POST', headers: { ...cookie, ...headers } });
      expect(res.status, JSON.stringify(headers)).toBe(202);
      for (let i = 0; i < 50 && ((await (await fetch(`${base}/ops/jobs/cleanup`)).json()) as { running: boolean }).running; i++)
        await new Promise((r) => setTimeout(r, 5));
    }
    expect(counts().runs).toBe(ok.length);
    const rem = await fetch(`${base}/ops/remediate?alert=JobSlaBreachCritical`, {
      method: 'POST',
      headers: { ...cookie, ...JSON_HEADERS },
    });
    expect(rem.status).toBe(200);
  });

  it('rejects a bad allowedOrigins option at configuration time', () => {
    for (const bad of ['https://x.example/path', 'evil', 42, ['ftp//x'], [''], ['*']])
      expect(() => opsRouter({ allowedOrigins: (Array.isArray(bad) ? bad : [bad]) as string[] }), String(bad)).toThrow(
        expect.objectContaining({ code: 'ERR_SLAKIT_INVALID_OPTION', field: expect.stringMatching(/^allowedOrigins/) }),
      );
    expect(() => opsRouter({ allowedOrigins: 'https://a.example' as never })).toThrow(
      expect.objectContaining({ code: 'ERR_SLAKIT_INVALID_OPTION', field: 'allowedOrigins' }),
    );
  });
});

describe('secrets in alert history (open read route)', () => {
  it('GET /ops/alerts scrubs summaries and label values as it scrubs run errors', async () => {
    const k = kit();
    const alerter = createAlerter({ telemetry: k.telemetry, env: {}, sinks: [] });
    alerters.push(alerter);
    alerter.fire({
      labels: { alertname: 'JobFailed', severity: 'critical', job: 'cleanup', detail: 'password=hunter2' },
      annotations: { summary: 'connect postgres://app:hunter2@db/prod failed' },
    });
    const base = await serve({ alerter });
    const text = await (await fetch(`${base}/ops/alerts`)).text();
    expect(text).toContain('JobFailed');
    expect(text).toContain('[redacted]');
    expect(text).not.toContain('hunter2');
  });
});

describe('item 14: POST /ops/remediate', () => {
  it('25 concurrent requests for one alert run the action once and share its record', async () => {
    const k = kit();
    let running = 0;
    let maxRunning = 0;
    let calls = 0;
    // The action finishes only once all 25 requests have arrived (and, a macrotask later, reached remediate()), so
    // the test does not depend on how fast a loaded machine delivers them.
    let arrived = 0;
    let allArrived: () => void = () => {};
    const gate = new Promise<void>((r) => {
      allArrived = r;
    });
    const alerter = createAlerter({
      telemetry: k.telemetry,
      env: {},
      remediations: {
        JobSlaBreachCritical: async () => {
          calls++;
          running++;
          maxRunning = Math.max(maxRunning, running);
          await gate;
          running--;
        },
      },
    });
    alerters.push(alerter);
    const base = await serve({ alerter, authorize: isAdmin }, 'express', () => {
      if (++arrived === 25) setTimeout(allArrived, 20);
    });
    const results = await Promise.all(
      Array.from({ length: 25 }, () =>
        fetch(`${base}/ops/remediate?alert=JobSlaBreachCritical`, {
          method: 'POST',
          headers: { ...JSON_HEADERS, authorization: ADMIN },
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as { id: number; result: string } })),
      ),
    );
    expect(calls).toBe(1);
    expect(maxRunning).toBe(1);
    expect(new Set(results.map((r) => r.status))).toEqual(new Set([200]));
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect(alerter.history({ kind: 'remediation' })).toHaveLength(1);
    // Once settled, a new request runs the action again.
    await fetch(`${base}/ops/remediate?alert=JobSlaBreachCritical`, {
      method: 'POST',
      headers: { ...JSON_HEADERS, authorization: ADMIN },
    });
    expect(calls).toBe(2);
  });

  it('1200 unknown alert names answer 404 and leave the history untouched', async () => {
    const k = kit();
    const alerter = createAlerter({
      telemetry: k.telemetry,
      env: {},
      historyLimit: 50,
      remediations: { JobSlaBreachCritical: () => undefined },
    });
    alerters.push(alerter);
    const base = await serve({ alerter, authorize: isAdmin });
    const post = (alert: string) =>
      fetch(`${base}/ops/remediate?alert=${alert}`, { method: 'POST', headers: { ...JSON_HEADERS, authorization: ADMIN } });
    expect((await post('JobSlaBreachCritical')).status).toBe(200);
    const before = alerter.history();
    expect(before).toHaveLength(1);
    const statuses = new Set<number>();
    for (let batch = 0; batch < 24; batch++)
      for (const s of await Promise.all(
        Array.from({ length: 50 }, (_, i) => post(`Unknown_${batch}_${i}`).then((r) => r.status)),
      ))
        statuses.add(s);
    expect(statuses).toEqual(new Set([404]));
    expect(alerter.history()).toEqual(before);
    // The alerter API itself: an unknown name is reported, not recorded.
    expect(await alerter.remediate('NoSuchAlert')).toMatchObject({ result: 'failed', error: 'NO_ACTION' });
    expect(alerter.history()).toEqual(before);
  });
});

describe('item 15: GET /ops/slo reports exactly the requested interval', () => {
  // A ledger with memoryLedger's semantics: stats over finishedAt in [until - window, until), until default now.
  function fakeLedger(runs: { finishedAt: Date; ok: boolean }[]) {
    const calls: { windowSeconds: number; until: Date | undefined }[] = [];
    const ledger: OpsLedger = {
      async recent() {
        return [] as RunRecord[];
      },
      async lastSuccess() {
        return undefined;
      },
      async stats(_job, windowSeconds, options) {
        calls.push({ windowSeconds, until: options?.until });
        const until = options?.until?.getTime() ?? Date.now();
        const inWindow = runs.filter(
          (r) => r.finishedAt.getTime() >= until - windowSeconds * 1000 && r.finishedAt.getTime() < until,
        );
        return {
          count: inWindow.length,
          successRate: inWindow.length ? inWindow.filter((r) => r.ok).length / inWindow.length : undefined,
        };
      },
    };
    return { ledger, calls };
  }

  it('runs outside [from, to) are excluded, and the ledger is asked for that interval only (≤ 90 days)', async () => {
    const now = Date.now();
    const day = 86_400_000;
    const { ledger, calls } = fakeLedger([
      { finishedAt: new Date(now - 1000), ok: true },
      { finishedAt: new Date(now - 2 * day), ok: false },
      { finishedAt: new Date(now - 95 * day), ok: true },
    ]);
    const base = await serve({ ledger, jobs: [job('cleanup', async () => undefined)] });
    const slo = async (q: string) => (await (await fetch(`${base}/ops/slo?${q}`)).json()) as { jobs: { runs: number }[] };

    expect((await slo('from=1970-01-01&to=1970-01-02')).jobs[0]?.runs).toBe(0);
    expect(calls.at(-1)?.windowSeconds).toBe(86_400);
    const threeDaysAgo = new Date(now - 3 * day).toISOString();
    const oneDayAgo = new Date(now - day).toISOString();
    const mid = await slo(`from=${threeDaysAgo}&to=${oneDayAgo}`);
    expect(mid.jobs[0]).toMatchObject({ runs: 1, successRate: 0, status: 'FAIL' });
    const old = await slo(`from=${new Date(now - 100 * day).toISOString()}&to=${new Date(now - 90 * day).toISOString()}`);
    expect(old.jobs[0]).toMatchObject({ runs: 1, successRate: 1 });
    for (const c of calls) expect(c.windowSeconds).toBeLessThanOrEqual(90 * 86_400);
    expect(calls.at(-1)?.until?.getTime()).toBe(now - 90 * day);
  });

  it.each([
    ['from after to', 'from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', 'from'],
    ['from equal to', 'from=2026-01-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'from'],
    ['more than 90 days', 'from=2026-01-01T00:00:00Z&to=2026-04-02T00:00:00Z', 'from'],
    ['NaN', 'from=NaN', 'from'],
    ['Infinity', 'to=Infinity', 'to'],
    ['a non-ISO date V8 accepts', 'from=x%202020&to=2020-01-02', 'from'],
    ['a date V8 rolls over', 'from=2026-02-31&to=2026-03-10', 'from'],
    ['a time out of range', 'from=2026-01-01T24:30:00Z&to=2026-01-03', 'from'],
    ['negative epoch', 'from=-1&to=2001-01-02', 'from'],
    ['epoch beyond the Date range', 'to=99999999999999999999', 'to'],
    ['empty', 'to=', 'to'],
    ['repeated', 'from=2026-01-01&from=2026-01-02&to=2026-01-03', 'from'],
    ['a year beyond 9999', 'from=%2B275760-09-12T00:00:00Z&to=%2B275760-09-13T00:00:00Z', 'to'],
  ])('%s → 400', async (_l, q, parameter) => {
    const { ledger } = fakeLedger([]);
    const base = await serve({ ledger, jobs: [job('cleanup', async () => undefined)] });
    const res = await fetch(`${base}/ops/slo?${q}`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_query', parameter });
  });
});
