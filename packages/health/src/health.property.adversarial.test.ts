// Issue #26, the property suite of the health slice: every HTTP path of health, random bytes and encodings in path
// and query, random methods, hostile headers → always an answer the state allows (never a 5xx other than a failing
// readiness' 503), never a throw, never an unhandled rejection; probe and public views never carry check details.
import { Agent, createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '@slakit/core';
import express5 from 'express5';
import fc from 'fast-check';
import Fastify from 'fastify';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { custom } from './checks.js';
import { createHealth, type Health } from './health.js';

const RUNS = 1000;
const TOKEN = 'Bearer canary-ops-token-4e1';
const SECRET_VALUE = 'SECRET_VALUE_9d3';
const SECRET_OUTPUT = 'CANARY_OUTPUT_5f2';
const SECRETS = [SECRET_VALUE, SECRET_OUTPUT];

const rejections: unknown[] = [];
const onRejection = (reason: unknown) => rejections.push(reason);
const thrown: unknown[] = [];

type Instance = { name: string; health: Health; allowed: number[] };
const instances: Instance[] = [];
const servers: Server[] = [];
const agent = new Agent({ keepAlive: true, maxSockets: 4 });

beforeAll(() => {
  process.on('unhandledRejection', onRejection);
  const logger = createLogger({ level: 'silent' });
  const authorize = (req: IncomingMessage) => req.headers.authorization === TOKEN;
  // All passing: nothing may answer 503.
  const healthy = createHealth({
    logger,
    authorize,
    version: '1',
    checks: {
      db: custom(() => ({ status: 'pass', observedValue: SECRET_VALUE, observedUnit: 'x' })),
      loop: custom(() => true, { roles: ['liveness'] }),
    },
  });
  // A failing critical readiness check: 503 is legitimate on readiness, /health and /health/db.
  const failing = createHealth({
    logger,
    authorize,
    checks: {
      db: custom(() => ({ status: 'fail', output: SECRET_OUTPUT, observedValue: SECRET_VALUE })),
      slow: custom(() => new Promise<boolean>(() => {}), { timeoutMs: 20, measurement: 'responseTime' }),
      loop: custom(() => true, { roles: ['liveness'] }),
    },
  });
  instances.push(
    { name: 'healthy', health: healthy, allowed: [200, 400, 404, 405, 431] },
    { name: 'failing', health: failing, allowed: [200, 400, 404, 405, 431, 503] },
  );
});
afterAll(async () => {
  process.off('unhandledRejection', onRejection);
  for (const i of instances) i.health.close();
  agent.destroy();
  await Promise.all(
    servers.map(
      (s) =>
        new Promise<void>((r) => {
          s.closeAllConnections();
          s.close(() => r());
        }),
    ),
  );
});

// --- generators ----------------------------------------------------------------------------------------------
const ROUTES = [
  '/health',
  '/readiness',
  '/liveness',
  '/startup',
  '/health/readiness',
  '/health/liveness',
  '/health/startup',
  '/health/db',
  '/health/slow',
  '/health/loop',
  '/health/nope',
  '/health/',
  '/',
  'http://evil.example/health',
  'http://evil.example/health/db',
];
const hex = (b: number) => b.toString(16).toUpperCase().padStart(2, '0');
/** Printable ASCII, sent as is (node:http's client would also send 0x80–0xFF, which node's server rejects: see below). */
const ascii = fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c));
const highByte = fc.integer({ min: 0x7f, max: 0xff }).map((c) => String.fromCharCode(c));
const percentEscape = fc.oneof(
  fc.integer({ min: 0, max: 255 }).map((b) => `%${hex(b)}`),
  fc.integer({ min: 0, max: 255 }).map((b) => `%${hex(b).toLowerCase()}`),
  fc.constantFrom('%', '%Z', '%E0', '%E0%A4%A', '%C0%AF', '%ED%A0%80', '%F4%90%80%80', '%2564b', '%252F', '%00', '%2F', '%3F'),
);
/** RFC 3986 unreserved and sub-delims, plus ':' and '@': what a path segment may hold unescaped. */
const pchar = fc.constantFrom(..."ABCXYZabcxyz0189-._~!$&'()*+,;=:@");
const piece = fc.oneof(
  { weight: 5, arbitrary: percentEscape },
  { weight: 3, arbitrary: pchar },
  { weight: 1, arbitrary: ascii },
  { weight: 2, arbitrary: fc.constantFrom('db', 'slow', 'loop', 'verbose', '/', '?', '&', '=', '..', '.', '#') },
);
const noise = (max: number) => fc.array(piece, { maxLength: max }).map((p) => p.join(''));
const pathArb = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...ROUTES), noise(8)).map(([r, n]) => r + n) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('/health/', '/'), noise(30)).map(([r, n]) => r + n) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...ROUTES), fc.integer({ min: 100, max: 3000 }))
      .map(([r, n]) => r + 'a%E0'.repeat(n / 4)),
  },
  { weight: 1, arbitrary: fc.constantFrom(...ROUTES) },
  // Raw bytes 0x7F–0xFF on the request line: node:http answers 400 before any handler (still never a 5xx).
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...ROUTES), highByte, noise(4)).map(([r, b, n]) => r + b + n) },
);
const queryArb = fc.option(
  fc.oneof(
    fc.constantFrom('?verbose', '?verbose=1', '?x=1&verbose', '??verbose', '?verbose?', '?%76erbose', '?verbose=%E0', '?'),
    noise(12).map((n) => `?${n}`),
  ),
  { nil: '' },
);
const targetArb = fc.tuple(pathArb, queryArb).map(([p, q]) => p + q);

const TOKEN_CHARS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const tokenArb = (min: number, max: number) =>
  fc.array(fc.constantFrom(...TOKEN_CHARS), { minLength: min, maxLength: max }).map((c) => c.join(''));
const methodArb = fc
  .oneof(
    { weight: 16, arbitrary: fc.constantFrom('GET', 'HEAD') },
    {
      weight: 3,
      arbitrary: fc.constantFrom('POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE', 'PROPFIND', 'SEARCH', 'QUERY', 'BREW'),
    },
    { weight: 2, arbitrary: tokenArb(1, 20) },
    { weight: 1, arbitrary: tokenArb(200, 2000) },
  )
  .filter((m) => m.toUpperCase() !== 'CONNECT'); // a CONNECT request is a tunnel for node:http's client, not a request
/** Header values node:http's client sends (HTAB, 0x20–0x7E, 0x80–0xFF). */
const valueChar = fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff }), fc.constant(0x09));
const valueArb = (max: number) => fc.array(valueChar, { maxLength: max }).map((c) => String.fromCharCode(...c));
// Headers that change how node:http frames the exchange are left out: they test node, not health.
const FRAMING = new Set(['content-length', 'transfer-encoding', 'connection', 'expect', 'upgrade', 'host', 'te', 'keep-alive']);
const headersArb = fc
  .tuple(
    fc.dictionary(tokenArb(1, 40), valueArb(200), { maxKeys: 12 }),
    fc.option(fc.tuple(fc.constantFrom('cookie', 'authorization', 'x-big', 'user-agent'), valueArb(8000)), { nil: undefined }),
    fc.boolean(),
  )
  .map(([random, big, authorised]) => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(random)) if (!FRAMING.has(k.toLowerCase())) headers[k] = v;
    if (big) headers[big[0]] = big[1];
    if (authorised) headers.authorization = TOKEN;
    else if (headers.authorization === TOKEN) delete headers.authorization;
    return { headers, authorised };
  });

// --- checks on one answer ------------------------------------------------------------------------------------
interface Answer {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
}
function checkAnswer(instance: Instance, a: Answer, authorised: boolean, method: string, context: string): void {
  expect(instance.allowed, `${instance.name} ${context} → ${a.status} ${a.body.slice(0, 200)}`).toContain(a.status);
  const leaked = SECRETS.filter((s) => a.body.includes(s));
  if (leaked.length > 0) {
    // Details only for an authorised caller, and never storable by any cache.
    expect(authorised, `${context}: details without authorisation`).toBe(true);
    expect(a.headers['cache-control'], context).toBe('private, no-store');
    expect(String(a.headers.vary).toLowerCase(), context).toMatch(/authorization/);
  }
  const type = String(a.headers['content-type'] ?? '');
  if (type.startsWith('application/health+json') && method !== 'HEAD') {
    const body = JSON.parse(a.body) as { status: string };
    expect(['pass', 'warn', 'fail']).toContain(body.status);
    expect(a.body).not.toContain(':null');
    if (a.status === 200) expect(body.status).not.toBe('fail');
    if (a.status === 503) expect(body.status).toBe('fail');
  }
  if (!authorised && a.status === 200 && type.startsWith('application/health+json'))
    expect(a.headers['cache-control']).not.toBe('private, no-store');
}

// --- target 1: direct calls on fake req/res (any string as url, any method, any header values) --------------------
function fakeCall(health: Health, url: unknown, method: unknown, headers: Record<string, unknown>) {
  return new Promise<{ handled: boolean; answer?: Answer }>((resolve, reject) => {
    const out: Record<string, string | string[] | number | undefined> = {};
    let status = 0;
    let timer: NodeJS.Timeout | undefined;
    const res = {
      headersSent: false,
      writableEnded: false,
      destroyed: false,
      getHeader: (n: string) => out[n.toLowerCase()],
      setHeader: (n: string, v: string) => {
        out[n.toLowerCase()] = v;
      },
      writeHead(s: number, h: Record<string, string>) {
        status = s;
        for (const [k, v] of Object.entries(h)) out[k.toLowerCase()] = v;
        this.headersSent = true;
        return this;
      },
      end(body?: string) {
        this.writableEnded = true;
        clearTimeout(timer);
        resolve({ handled: true, answer: { status, headers: out, body: body ?? '' } });
        return this;
      },
      destroy() {
        reject(new Error('response destroyed'));
      },
    };
    const handled = health.handle({ url, method, headers } as unknown as IncomingMessage, res as unknown as ServerResponse);
    if (!handled) resolve({ handled: false });
    else if (!res.writableEnded) timer = setTimeout(() => reject(new Error('no answer within 2 s')), 2000);
  });
}

const anyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 40 }).map((c) => String.fromCharCode(...c)), // lone surrogates
);
const fakeUrlArb = fc.oneof(
  { weight: 4, arbitrary: targetArb },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...ROUTES), anyString).map(([r, s]) => r + s) },
  { weight: 1, arbitrary: anyString },
  { weight: 1, arbitrary: fc.constantFrom(undefined, '', '*', '//health', 'health', 'HTTP://x/health/%E0', 'ftp://x/health') },
);
const fakeMethodArb = fc.oneof(
  fc.constantFrom('GET', 'HEAD', 'get', 'head', 'Get', 'POST', '', undefined, 'G\u0000ET'),
  anyString,
  methodArb,
);
const fakeHeadersArb = fc.tuple(fc.dictionary(anyString, anyString, { maxKeys: 6 }), fc.boolean()).map(([h, authorised]) => {
  const headers: Record<string, unknown> = { ...h };
  if (authorised) headers.authorization = TOKEN;
  else if (headers.authorization === TOKEN) delete headers.authorization;
  return { headers, authorised };
});

describe('property: direct calls of health.handle on fake req/res', () => {
  it.each([0, 1])('instance %i: any url/method/headers → an allowed status, no throw, no leak', async (index) => {
    const instance = instances[index] as Instance;
    await fakeCall(instance.health, '/readiness', 'GET', {}); // first results
    await fc.assert(
      fc.asyncProperty(fakeUrlArb, fakeMethodArb, fakeHeadersArb, async (url, method, { headers, authorised }) => {
        let result: Awaited<ReturnType<typeof fakeCall>>;
        try {
          result = await fakeCall(instance.health, url, method, headers);
        } catch (error) {
          thrown.push(error);
          throw error;
        }
        if (result.answer) checkAnswer(instance, result.answer, authorised, String(method), JSON.stringify([url, method]));
      }),
      { numRuns: RUNS },
    );
    expect(thrown.map(String)).toEqual([]);
    expect(rejections.map(String)).toEqual([]);
  });
});

// --- target 2: a real node:http server per adapter, keep-alive ------------------------------------------------------
type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const adapters: [string, (h: Health) => Handler | Promise<Handler>][] = [
  [
    'node:http (health.handle)',
    (h) => (req, res) => {
      try {
        if (!h.handle(req, res)) {
          res.statusCode = 404;
          res.end();
        }
      } catch (error) {
        thrown.push(error);
        res.statusCode = 599;
        res.end();
      }
    },
  ],
  [
    'Express 5',
    (h) => {
      const app = express5();
      app.use(h.express() as never);
      return app as unknown as Handler;
    },
  ],
  [
    'Fastify 5',
    async (h) => {
      let handler: Handler = () => {};
      const app = Fastify({
        serverFactory: (h2) => {
          handler = h2;
          return createServer(h2);
        },
      });
      await app.register(h.fastify() as never);
      await app.ready();
      return handler;
    },
  ],
  [
    'Koa',
    (h) => {
      const app = new Koa();
      app.use(h.koa() as never);
      return app.callback() as Handler;
    },
  ],
];

function send(port: number, method: string, path: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe.each(adapters)('property: over real HTTP with %s', (name, adapter) => {
  // Both states through health.handle; the framework adapters (thin wrappers of it) with the stricter all-passing one.
  const cases = name.startsWith('node:http') ? [0, 1] : [0];
  it.each(cases)('instance %i: random paths, queries, methods and headers → an allowed status, no leak', async (index) => {
    const instance = instances[index] as Instance;
    const server = createServer(await adapter(instance.health));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    servers.push(server);
    const port = (server.address() as AddressInfo).port;
    await send(port, 'GET', '/readiness', {});
    await fc.assert(
      fc.asyncProperty(targetArb, methodArb, headersArb, async (path, method, { headers, authorised }) => {
        const answer = await send(port, method, path, headers);
        checkAnswer(instance, answer, authorised, method, `${method.slice(0, 20)} ${path.slice(0, 80)}`);
      }),
      { numRuns: RUNS },
    );
    expect(thrown.map(String)).toEqual([]);
    expect(rejections.map(String)).toEqual([]);
  });
});
