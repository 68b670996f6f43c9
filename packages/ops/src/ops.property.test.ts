// Property-based suite (issue #26): every HTTP path of the ops router — random bytes and percent-encodings in the path
// and query, random methods, hostile headers, random bodies of random content types — against a real Express app on
// 127.0.0.1 (keep-alive agent), with and without authorize functions, and as a bare node:http handler. Always a
// 2xx/4xx, a JSON (or empty) body, never a 5xx, a throw or an unhandled rejection, and never the planted secret.
import { Agent, createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Alerter, createAlerter, defineConfig, type RunRecord } from '@slakit/core';
import { createTestTelemetry, type TestTelemetry } from '@slakit/core/testing';
import express5 from 'express';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeServers } from '../../../test-support/hostile-http.js';
import { createSloTracker, type OpsJob, type OpsLedger, type OpsRouterOptions, opsRouter } from './index.js';

// Shapes today's sanitizeMessage already scrubs (URL credentials, password=…): the property checks that every
// response of this slice goes through it. (Broader secret shapes are the sanitiser's own suite.)
const SECRET = 'hunter2';
const LEAKY = `connect postgres://app:${SECRET}@db.internal/prod failed: password=${SECRET}`;
const ADMIN = 'Bearer admin';
const NUM_RUNS = 1000;

/**
 * The last Express error middleware, as @slakit/express-middleware's `errorHandler()` answers (a JSON
 * `{ error, message }` with the error's 4xx/5xx status, else 500) — written out here because @slakit/ops must not
 * depend on express-middleware, not even in its tests.
 */
function errorHandler() {
  return (err: unknown, _req: IncomingMessage, res: ServerResponse, _next: (err?: unknown) => void) => {
    const raw =
      (err as { status?: unknown; statusCode?: unknown } | null)?.status ?? (err as { statusCode?: unknown } | null)?.statusCode;
    const status = typeof raw === 'number' && Number.isInteger(raw) && raw >= 400 && raw <= 599 ? raw : 500;
    if (res.headersSent) {
      res.socket?.destroy();
      return;
    }
    res.statusCode = status;
    res.setHeader('content-type', 'application/json; charset=utf-8');
    res.setHeader('cache-control', 'no-store');
    res.end(JSON.stringify({ error: status >= 500 ? 'internal' : 'client_error', message: 'the request failed' }));
  };
}

const config = defineConfig({
  service: 'prop',
  slos: [
    { name: 'availability', kind: 'availability', objective: 99.9 },
    { name: 'latency', kind: 'latency', objective: 95, thresholdSeconds: 0.5 },
  ],
  jobs: { cleanup: { budgetSeconds: 5 }, fails: { budgetSeconds: 5 } },
});

function ledger(): OpsLedger {
  const now = Date.now();
  const runs: RunRecord[] = Array.from({ length: 30 }, (_, i) => ({
    runId: `run-${i}`,
    job: i % 3 === 0 ? 'fails' : 'cleanup',
    slot: undefined,
    fence: undefined,
    owner: undefined,
    outcome: i % 3 === 0 ? 'failed' : 'succeeded',
    startedAt: new Date(now - i * 3_600_000 - 1000),
    finishedAt: new Date(now - i * 3_600_000),
    durationSeconds: 1 + (i % 5),
    budgetSeconds: 5,
    processed: i,
    errorCode: i % 3 === 0 ? 'ECONNREFUSED' : undefined,
    errorMessage: i % 3 === 0 ? LEAKY : undefined,
    dryRun: false,
  }));
  return {
    async recent(job, limit = 20) {
      return runs.filter((r) => r.job === job).slice(0, limit);
    },
    async lastSuccess(job) {
      return runs.find((r) => r.job === job && r.outcome === 'succeeded')?.finishedAt;
    },
    async stats(job, windowSeconds, options) {
      const until = options?.until?.getTime() ?? Date.now();
      const w = runs.filter(
        (r) =>
          r.job === job &&
          (r.finishedAt?.getTime() ?? 0) >= until - windowSeconds * 1000 &&
          (r.finishedAt?.getTime() ?? 0) < until,
      );
      return {
        count: w.length,
        successRate: w.length ? w.filter((r) => r.outcome === 'succeeded').length / w.length : undefined,
        p50: w[0]?.durationSeconds,
      };
    },
  };
}

const hostileRejections: unknown[] = [undefined, null, LEAKY, new Error(LEAKY), Object.create(null), 42];
let rejection = 0;
const jobs: OpsJob[] = [
  Object.assign(async () => ({ processed: 1 }), { jobName: 'cleanup', budgetSeconds: 5 }),
  Object.assign(() => Promise.reject(hostileRejections[rejection++ % hostileRejections.length]), {
    jobName: 'fails',
    budgetSeconds: 5,
  }),
  Object.assign(async () => undefined, { jobName: 'ünï cøde/job', budgetSeconds: 1 }),
];

interface Target {
  name: string;
  base: { host: string; port: number };
}
const servers: Server[] = [];
const kits: TestTelemetry[] = [];
const alerters: Alerter[] = [];
const targets: Target[] = [];
const agent = new Agent({ keepAlive: true, maxSockets: 4 });
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

async function listen(server: Server): Promise<{ host: string; port: number }> {
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { host: '127.0.0.1', port: (server.address() as AddressInfo).port };
}

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  const kit = createTestTelemetry({ serviceName: 'prop' });
  kits.push(kit);
  const alerter = createAlerter({
    telemetry: kit.telemetry,
    env: {},
    minSeverity: 'info',
    sinks: [],
    remediations: { JobSlaBreachCritical: () => undefined, JobConsecutiveFailures: async () => undefined },
  });
  alerters.push(alerter);
  alerter.fire({
    labels: { alertname: 'JobSlaBreachCritical', severity: 'critical', job: 'cleanup', detail: `password=${SECRET}` },
    annotations: { summary: `run failed: ${LEAKY}` },
  });
  const slo = createSloTracker(config);
  for (let i = 0; i < 50; i++) slo.record(i % 10 === 0 ? 503 : 200, i / 100, false);
  const base: OpsRouterOptions = {
    alerter,
    ledger: ledger(),
    health: { evaluate: () => ({ status: 200, body: { status: 'pass' } }) },
    jobs,
    slo,
    config,
    logger: kit.telemetry.logger,
  };
  const guarded: OpsRouterOptions = {
    ...base,
    authorize: (req: IncomingMessage) => {
      if (req.headers['x-throw'] !== undefined) throw new Error(`authorize blew up: ${LEAKY}`);
      return req.headers.authorization === ADMIN;
    },
    authorizeRead: async (req: IncomingMessage) => req.headers['x-deny'] === undefined,
    allowedOrigins: ['https://console.example.com'],
  };
  const expressApp = (options: OpsRouterOptions) => {
    const app = express5();
    app.use(opsRouter(options) as never);
    app.use((_req, res) => void res.status(404).json({ error: 'not_found' }));
    app.use(errorHandler() as never);
    return createServer(app);
  };
  targets.push({ name: 'Express, no authorize', base: await listen(expressApp(base)) });
  targets.push({ name: 'Express, authorize + authorizeRead', base: await listen(expressApp(guarded)) });
  const bare = opsRouter(guarded);
  targets.push({ name: 'node:http handler, authorize', base: await listen(createServer((req, res) => bare(req, res))) });
});

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  agent.destroy();
  await closeServers(servers);
  await Promise.all(alerters.splice(0).map((a) => a.close()));
  await Promise.all(kits.splice(0).map((k) => k.close()));
});

// ---- arbitraries -------------------------------------------------------------------------------------------------
// Mostly well-formed requests with one or two hostile parts, so that most reach the router (a request the HTTP parser
// refuses — non-ASCII request target, unknown method, oversized headers — is answered 400/431 by Node itself).
const chars = (min: number, max: number, maxLength: number) =>
  fc
    .array(
      fc.integer({ min, max }).filter((c) => c !== 0x23 && c !== 0x3f && c !== 0x7f), // no # ?
      { maxLength },
    )
    .map((cs) => String.fromCharCode(...cs));
const rawSegment = fc.oneof({ weight: 9, arbitrary: chars(0x21, 0x7e, 12) }, { weight: 1, arbitrary: chars(0x21, 0xff, 12) });
const percent = fc.oneof(
  fc.integer({ min: 0, max: 255 }).map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`),
  fc.constantFrom('%', '%E0%A4%A', '%E0', '%ED%A0%80', '%C0%AF', '%GG', '%2F', '%00', '%FF%FE', '%F4%90%80%80', '%25'),
);
const segment = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('health', 'alerts', 'jobs', 'slo', 'remediate', 'run', 'cleanup', 'fails') },
  { weight: 1, arbitrary: fc.constant(encodeURIComponent('ünï cøde/job')) },
  { weight: 2, arbitrary: rawSegment },
  { weight: 2, arbitrary: fc.array(fc.oneof(percent, rawSegment), { maxLength: 4 }).map((a) => a.join('')) },
  { weight: 1, arbitrary: fc.constant('') },
);
const jobName = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('cleanup', 'fails', encodeURIComponent('ünï cøde/job'), 'nope') },
  { weight: 2, arbitrary: segment },
);
const readPath = fc.oneof(
  fc.constantFrom('/ops/health', '/ops/alerts', '/ops/jobs', '/ops/slo'),
  jobName.map((n) => `/ops/jobs/${n}`),
);
const adminPath = fc.oneof(
  fc.noBias(
    fc.constantFrom('/ops/remediate', '/ops/remediate?alert=JobSlaBreachCritical', '/ops/remediate?alert=JobConsecutiveFailures'),
  ),
  jobName.map((n) => `/ops/jobs/${n}/run`),
);
const randomPath = fc
  .tuple(
    fc.oneof(
      { weight: 8, arbitrary: fc.constant('/ops') },
      { weight: 1, arbitrary: fc.constantFrom('/OPS', '/opsx', '', '/ops/', '/%6Fps') },
    ),
    fc.array(segment, { maxLength: 4 }),
  )
  .map(([prefix, segments]) => `${prefix}/${segments.join('/')}`.replace(/^\/\//, '/'));
const queryValue = fc.oneof(
  fc.constantFrom('', '1', '0', '-1', '50', '1000', '1001', 'NaN', 'Infinity', '1e3', '24h', '7d', '91d', '0s', 'critical'),
  fc.constantFrom('2026-01-01', '2026-02-31', '1970-01-01T00:00:00Z', '%2B275760-09-13T00:00:00Z', '99999999999999999999'),
  fc.date({ min: new Date(0), max: new Date(4_102_444_800_000), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.integer({ min: -1, max: 4_102_444_800_000 }).map(String),
  fc.constantFrom('JobSlaBreachCritical', 'JobConsecutiveFailures', 'NoSuchAlert', 'a%20b', 'a+b', '__proto__', 'constructor'),
  fc.array(fc.oneof(percent, rawSegment), { maxLength: 3 }).map((a) => a.join('')),
);
const queryKey = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('limit', 'since', 'severity', 'kind', 'window', 'from', 'to', 'alert', '__proto__') },
  { weight: 1, arbitrary: rawSegment },
  { weight: 1, arbitrary: percent },
);
const query = fc.option(
  fc
    .array(fc.tuple(queryKey, fc.option(queryValue, { nil: undefined, freq: 8 })), { maxLength: 4 })
    .map((pairs) => pairs.map(([k, v]) => (v === undefined ? k : `${k}=${v}`)).join('&')),
  { nil: undefined, freq: 3 },
);
const method = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom('GET', 'POST', 'HEAD', 'POST') },
  { weight: 2, arbitrary: fc.constantFrom('PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND', 'SEARCH') },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Z]{1,12}$/) },
);
const headerValue = fc.oneof(
  { weight: 8, arbitrary: chars(0x20, 0x7e, 40) },
  { weight: 1, arbitrary: chars(0x80, 0xff, 10) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 20_000 }).map((n) => 'x'.repeat(n)) },
);
const header = (name: string, value: fc.Arbitrary<string>) => value.map((v) => [name, v] as [string, string]);
const headers = fc
  .array(
    fc.oneof(
      {
        weight: 4,
        arbitrary: header(
          'content-type',
          fc.oneof(
            fc.constantFrom(
              'application/json',
              'application/json; charset=utf-8',
              'APPLICATION/JSON',
              'application/jsonx',
              'text/plain',
              'application/x-www-form-urlencoded',
              'multipart/form-data; boundary=x',
              'application/json; charset=klingon',
              ';application/json',
            ),
            headerValue,
          ),
        ),
      },
      {
        weight: 4,
        arbitrary: header(
          'authorization',
          fc.oneof(fc.constant(ADMIN), fc.constant(ADMIN), fc.constant('Bearer guess'), headerValue),
        ),
      },
      { weight: 3, arbitrary: header('x-slakit-request', fc.oneof(fc.constant('1'), fc.constant('1'), headerValue)) },
      {
        weight: 3,
        arbitrary: header(
          'origin',
          fc.oneof(
            fc.constantFrom(
              'same',
              'https://evil.example',
              'null',
              'https://console.example.com',
              'http://127.0.0.1',
              '::::',
              '',
            ),
            headerValue,
          ),
        ),
      },
      { weight: 1, arbitrary: header('cookie', headerValue) },
      { weight: 1, arbitrary: header('x-api-key', headerValue) },
      {
        weight: 1,
        arbitrary: header('host', fc.oneof(fc.constantFrom('evil.example', '127.0.0.1', '[::1]:80', ''), headerValue)),
      },
      { weight: 1, arbitrary: header('x-throw', fc.constant('1')) },
      { weight: 1, arbitrary: header('x-deny', fc.constant('1')) },
      { weight: 1, arbitrary: header('x-forwarded-host', headerValue) },
      { weight: 2, arbitrary: fc.tuple(fc.stringMatching(/^x-[a-z0-9-]{1,20}$/), headerValue) },
    ),
    { maxLength: 5 },
  )
  .map((entries) => Object.fromEntries(entries));
const body = fc.option(
  fc.oneof(
    fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
    fc.string({ maxLength: 200 }).map((s) => Buffer.from(s)),
    fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
    fc.constant(Buffer.from(`{"password":"${SECRET}"`)),
  ),
  { nil: undefined },
);

interface Answer {
  status: number;
  body: string;
  contentType: string | undefined;
}

function send(
  target: Target,
  req: { method: string; path: string; headers: Record<string, string>; body: Buffer | undefined; setHost: boolean },
  keepAlive = true,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const r = request(
      {
        ...target.base,
        agent: keepAlive ? agent : false,
        method: req.method,
        path: req.path,
        headers: req.headers,
        setHost: req.setHost,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('latin1'),
            contentType: res.headers['content-type'],
          }),
        );
        res.on('error', reject);
      },
    );
    r.on('error', reject);
    r.end(req.body);
  });
}

// A route with its usual method most of the time (so most requests reach a handler), anything at all otherwise.
const anyMethod = (usual: fc.Arbitrary<string>) => fc.oneof({ weight: 6, arbitrary: usual }, { weight: 1, arbitrary: method });
// fc.noBias: fast-check's bias would favour the first alternatives and values.
const target$ = fc.noBias(
  fc.oneof(
    { weight: 3, arbitrary: fc.record({ path: readPath, method: anyMethod(fc.constantFrom('GET', 'GET', 'HEAD')) }) },
    { weight: 3, arbitrary: fc.record({ path: adminPath, method: anyMethod(fc.constant('POST')) }) },
    { weight: 2, arbitrary: fc.record({ path: randomPath, method }) },
  ),
);
const request$ = fc
  .record({
    target: target$,
    query,
    // Half the requests start from a valid admin request (credentials + CSRF marker) and add hostile headers to it.
    base: fc.noBias(fc.constantFrom({}, { authorization: ADMIN, 'x-slakit-request': '1' })),
    headers,
    body,
    setHost: fc.nat(49).map((n) => n !== 0),
  })
  .map(({ target, base, headers, ...rest }) => ({ ...rest, ...target, headers: { ...base, ...headers } }));

describe('ops router under random requests', () => {
  it.each([0, 1, 2])('target %i: always 2xx/4xx with a JSON or empty body, never the secret', async (index) => {
    const target = targets[index] as Target;
    const seen = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(request$, async (input) => {
        let p = input.path.startsWith('/') ? input.path : `/${input.path}`;
        if (input.query !== undefined) p += `${p.includes('?') ? '&' : '?'}${input.query}`;
        // An explicit length: Node sends a GET/HEAD/DELETE body without one, which the server reads as a next request.
        const h: Record<string, string> = input.body ? { 'content-length': String(input.body.length) } : {};
        for (const [k, v] of Object.entries(input.headers))
          h[k] = k === 'origin' && v === 'same' ? `http://${target.base.host}:${target.base.port}` : v;
        const req = { method: input.method, path: p, headers: h, body: input.body, setHost: input.setHost };
        let answer: Answer;
        try {
          answer = await send(target, req);
        } catch (error) {
          // A keep-alive socket the server closed after an earlier refused request (parser error, 431) can be reused
          // by the agent before its close arrives: retry once on a fresh connection. A second failure is a fault.
          if ((error as NodeJS.ErrnoException).code !== 'ECONNRESET') throw error;
          answer = await send(target, req, false);
        }
        let code = '';
        try {
          code = String((JSON.parse(answer.body) as { error?: string }).error ?? '');
        } catch {}
        const key = `${input.method} ${answer.status} ${code}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
        expect(answer.status, `${input.method} ${p}`).toBeGreaterThanOrEqual(200);
        expect(answer.status, `${input.method} ${p} ${answer.body.slice(0, 200)}`).toBeLessThan(500);
        expect(answer.body).not.toContain(SECRET);
        if (answer.body.length > 0) {
          expect(answer.contentType, `${input.method} ${p}`).toMatch(/^application\/json/);
          expect(() => JSON.parse(answer.body)).not.toThrow();
        }
      }),
      { numRuns: NUM_RUNS },
    );
    // Not vacuous: the requests reached every handler and every refusal, past authorize included.
    const reached = [...seen.keys()];
    for (const expected of [/^GET 200 $/, /^GET 400 invalid_query$/, /^\w+ 400 invalid_path$/, /^POST 404 not_found$/])
      expect(
        reached.some((k) => expected.test(k)),
        String(expected),
      ).toBe(true);
    if (index > 0)
      for (const expected of [
        'POST 202 ',
        'POST 200 ',
        'POST 401 unauthorized',
        'POST 403 csrf_missing_header',
        'POST 403 csrf_cross_origin',
      ])
        expect(reached, expected).toContain(expected);
    await new Promise((r) => setTimeout(r, 20));
    expect(unhandled).toEqual([]);
  });

  it('a fixed sample of every route answers as documented', async () => {
    const target = targets[1] as Target;
    const admin = { authorization: ADMIN, 'x-slakit-request': '1' };
    const cases: [string, string, Record<string, string>, number][] = [
      ['GET', '/ops/health', {}, 200],
      ['GET', '/ops/alerts', {}, 200],
      ['GET', '/ops/jobs', {}, 200],
      ['GET', '/ops/jobs/fails', {}, 200],
      ['GET', '/ops/slo', {}, 200],
      ['POST', '/ops/jobs/fails/run', admin, 202],
      ['POST', '/ops/remediate?alert=JobConsecutiveFailures', admin, 200],
      ['POST', '/ops/jobs/%E0%A4%A/run', admin, 400],
      ['GET', '/ops/jobs', { 'x-deny': '1' }, 401],
      ['POST', '/ops/jobs/cleanup/run', { ...admin, 'x-throw': '1' }, 403],
    ];
    for (const [m, p, h, status] of cases) {
      const answer = await send(target, { method: m, path: p, headers: h, body: undefined, setHost: true });
      expect(answer.status, `${m} ${p}`).toBe(status);
      expect(answer.body).not.toContain(SECRET);
    }
  });
});
