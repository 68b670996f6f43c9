// Issue #26 (hardening), health slice: items 1, 5, 6 and 16 as permanent reproductions.
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, createServer as createTcpServer, type Socket } from 'node:net';
import { createLogger } from '@slakit/core';
import { createFakeClock } from '@slakit/core/testing';
import express4 from 'express4';
import express5 from 'express5';
import Fastify from 'fastify';
import { Redis } from 'ioredis';
import Koa from 'koa';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeServers } from '../../../test-support/hostile-http.js';
import type { HealthCheck } from './check.js';
import { custom, diskSpace, env, eventLoopDelay, http, memory, postgres, redis, staleLeases } from './checks.js';
import { createHealth, type Health, type HealthOptions } from './health.js';

const silent = createLogger({ level: 'silent' });
const healths: Health[] = [];
const servers: Server[] = [];
afterEach(async () => {
  for (const h of healths.splice(0)) h.close();
  await closeServers(servers);
});

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
/** Every adapter the package has; `thrown` collects what escaped from the health code (must stay empty). */
const adapters: [string, (h: Health, thrown: unknown[]) => Handler | Promise<Handler>][] = [
  [
    // The documented use: createServer((q, s) => { if (!health.handle(q, s)) s.end() }).
    'node:http',
    (h, thrown) => (req, res) => {
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
    'Express 4',
    (h, thrown) => {
      const app = express4();
      app.use(h.express() as never);
      app.use(((error: unknown, _req: IncomingMessage, res: ServerResponse, _next: unknown) => {
        thrown.push(error);
        res.statusCode = 500;
        res.end();
      }) as never);
      return app as unknown as Handler;
    },
  ],
  [
    'Express 5',
    (h, thrown) => {
      const app = express5();
      app.use(h.express() as never);
      app.use(((error: unknown, _req: IncomingMessage, res: ServerResponse, _next: unknown) => {
        thrown.push(error);
        res.statusCode = 500;
        res.end();
      }) as never);
      return app as unknown as Handler;
    },
  ],
  [
    'Fastify 5',
    async (h, thrown) => {
      let handler: Handler = () => {};
      const app = Fastify({
        serverFactory: (h2) => {
          handler = h2;
          return createServer(h2);
        },
      });
      app.setErrorHandler((error, _request, reply) => {
        thrown.push(error);
        reply.code(500).send('error');
      });
      await app.register(h.fastify() as never);
      await app.ready();
      return handler;
    },
  ],
  [
    'Koa',
    (h, thrown) => {
      const app = new Koa();
      app.silent = true;
      app.on('error', (error) => thrown.push(error));
      app.use(h.koa() as never);
      return app.callback() as Handler;
    },
  ],
];

async function listen(handler: Handler): Promise<number> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  return (server.address() as AddressInfo).port;
}

/** A raw request: `path` is sent exactly as given (no URL normalisation, unlike fetch). */
function rawGet(
  port: number,
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<{ status: number; headers: IncomingMessage['headers']; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function make(options: Partial<HealthOptions> & Pick<HealthOptions, 'checks'>): Health {
  const health = createHealth({ logger: silent, ...options });
  healths.push(health);
  return health;
}

describe('item 1: malformed paths never throw, never 5xx', () => {
  // Malformed percent-encoding, overlong / surrogate / out-of-range UTF-8, NUL, double encoding, absurd lengths, `?` tricks.
  const hostile: [string, number[]][] = [
    ['/health/%E0', [400]],
    ['/health/%E0%A4%A', [400]],
    ['/health/%', [400]],
    ['/health/%zz', [400]],
    ['/health/%C0%AF', [400]], // overlong "/"
    ['/health/%ED%A0%80', [400]], // UTF-16 surrogate encoded as UTF-8
    ['/health/%F4%90%80%80', [400]], // > U+10FFFF
    ['/health/%FF%FE', [400]],
    ['/health/db%E0?verbose', [400]],
    ['/health/%00', [404]],
    ['/health/db%00', [404]],
    ['/health/%2564b', [404]], // double-encoded "db": decoded once only
    ['/health/%64b', [200]], // "db", encoded
    ['/health/db?verbose=%E0', [200]],
    ['/health?%E0', [200]],
    ['/health??verbose', [200]],
    ['/health?verbose?', [200]],
    ['/health/?', [404]],
    ['/health/', [404]],
    ['/health//db', [404]],
    ['/health/db/', [404]],
    ['/health/..%2Fhealth', [404]],
    ['/health/%2E%2E/readiness', [404]],
    ['/health/__proto__', [404]],
    ['/health/constructor', [404]],
    [`/health/${'a'.repeat(8000)}`, [404]],
    [`/health/${'%E0'.repeat(2000)}`, [400]],
    ['/health/\u00ff\u00e0', [400, 404]], // raw latin-1 bytes in the request line
    ['/health%E0', [400, 404]], // not a health path: the host's 404
    ['/readiness%E0', [400, 404]],
    ['/%E0', [400, 404]],
    ['http://evil.example/health/%E0', [400]], // absolute-form request target
    ['http://evil.example/readiness', [200]],
  ];

  it.each(adapters)('%s: every hostile path answers 200/400/404 as expected, nothing escapes', async (name, adapter) => {
    const thrown: unknown[] = [];
    const health = make({ checks: { db: custom(() => true) } });
    const port = await listen(await adapter(health, thrown));
    await rawGet(port, '/readiness'); // waits for the first results
    const seen: string[] = [];
    for (const [path, expected] of hostile) {
      const res = await rawGet(port, path);
      seen.push(`${path.slice(0, 40)} → ${res.status}`);
      // Fastify and Koa answer their own 404 for paths health does not own; Fastify may reject a bad URL itself (400).
      expect(expected, `${name} ${path.slice(0, 60)}: ${res.status} ${res.body.slice(0, 120)}`).toContain(res.status);
      // A malformed /health/<check> is answered by health itself (Fastify's router may reject a bad URL first).
      // (node:http itself answers 400, empty, for raw bytes >= 0x7F on the request line.)
      const ours = res.headers['content-type']?.startsWith('application/health+json');
      if (res.status === 400 && path.includes('/health/') && !/[\u007f-\u00ff]/.test(path) && name !== 'Fastify 5')
        expect(ours, `${name} ${path.slice(0, 60)}`).toBe(true);
      if (res.status === 400 && ours) expect(JSON.parse(res.body)).toEqual({ status: 'fail', output: 'INVALID_PATH' });
    }
    expect(thrown.map(String)).toEqual([]);
    expect(seen).toHaveLength(hostile.length);
  });

  it('handle() itself never throws on any req.url string, including lone surrogates and non-strings', () => {
    const health = make({ checks: { db: custom(() => true) } });
    const urls: unknown[] = [
      '/health/%E0',
      '/health/\uD800',
      '/health/%',
      '/health/\u0000',
      '/health/%C0%80',
      '*',
      '',
      undefined,
      'health',
      '//health/%E0',
      `/health/${'%'.repeat(100_000)}`,
    ];
    for (const url of urls) {
      const written: number[] = [];
      const res = fakeRes(written);
      expect(() => health.handle({ url, method: 'GET', headers: {} } as unknown as IncomingMessage, res)).not.toThrow();
      for (const s of written) expect(s).toBeLessThan(500);
    }
    const written: number[] = [];
    health.handle({ url: '/health/%E0', method: 'GET', headers: {} } as unknown as IncomingMessage, fakeRes(written));
    expect(written).toEqual([400]);
  });
});

function fakeRes(written: number[]): ServerResponse {
  const headers = new Map<string, unknown>();
  return {
    headersSent: false,
    writableEnded: false,
    destroyed: false,
    getHeader: (n: string) => headers.get(n.toLowerCase()),
    setHeader: (n: string, v: unknown) => headers.set(n.toLowerCase(), v),
    writeHead(status: number) {
      written.push(status);
      (this as { headersSent: boolean }).headersSent = true;
      return this;
    },
    end() {
      (this as { writableEnded: boolean }).writableEnded = true;
      return this;
    },
  } as unknown as ServerResponse;
}

describe('item 5: the latency entry never replaces a check’s status entry (every built-in check)', () => {
  let blackholePort = 0;
  const held: Socket[] = [];
  const blackhole = createTcpServer((s) => void held.push(s));
  const clients: { close(): unknown }[] = [];
  beforeAll(async () => {
    await new Promise<void>((r) => blackhole.listen(0, '127.0.0.1', r));
    blackholePort = (blackhole.address() as AddressInfo).port;
  });
  afterAll(async () => {
    for (const c of clients) await Promise.resolve(c.close()).catch(() => {});
    for (const s of held) s.destroy();
    await new Promise<void>((r) => blackhole.close(() => r()));
  });

  const cases: [string, () => HealthCheck, string | RegExp][] = [
    ['http (TCP blackhole, responseTime)', () => http(`http://127.0.0.1:${blackholePort}/`, { timeoutMs: 300 }), 'TIMEOUT'],
    [
      'redis (TCP blackhole, responseTime)',
      () => {
        const client = new Redis({ host: '127.0.0.1', port: blackholePort, maxRetriesPerRequest: 0, retryStrategy: () => null });
        client.on('error', () => {});
        clients.push({ close: () => client.disconnect() });
        return redis(client, { timeoutMs: 300 });
      },
      'TIMEOUT',
    ],
    [
      'postgres (TCP blackhole)',
      () => {
        const pool = new pg.Pool({ host: '127.0.0.1', port: blackholePort, user: 'postgres', database: 'test' });
        pool.on('error', () => {});
        clients.push({ close: () => void pool.end().catch(() => {}) });
        return postgres(pool, { timeoutMs: 300 });
      },
      'TIMEOUT',
    ],
    ['env', () => env(['SLAKIT_SURELY_MISSING_VAR'], { source: {} }), 'ENV_MISSING:SLAKIT_SURELY_MISSING_VAR'],
    ['eventLoopDelay (threshold)', () => eventLoopDelay({ warnMs: 0, failMs: 1e-9, ttlMs: 100 }), 'EVENT_LOOP_DELAY_HIGH'],
    ['memory (threshold)', () => memory({ heapRatioWarn: 1e-12, heapRatioFail: 1e-9 }), 'HEAP_HIGH'],
    ['diskSpace (threshold)', () => diskSpace('/', { minFreeBytes: Number.MAX_SAFE_INTEGER }), 'DISK_LOW'],
    ['diskSpace (missing path)', () => diskSpace('/surely/not/here/slakit'), 'ENOENT'],
    [
      'staleLeases',
      () =>
        staleLeases({
          listLeases: async () => [{ key: 'k', state: 'expired', heartbeatAt: new Date(0), owner: { host: 'h', pid: 1 } }],
        }),
      'STALE_LEASES:1',
    ],
    [
      'custom with measurement responseTime (ignores its signal)',
      () => custom(() => new Promise<boolean>(() => {}), { measurement: 'responseTime', timeoutMs: 200 }),
      'TIMEOUT',
    ],
    ['custom failing with a code', () => custom(() => ({ status: 'fail', output: 'QUEUE_FULL' })), 'QUEUE_FULL'],
  ];

  it.each(cases)('%s', async (_name, makeCheck, output) => {
    const check = makeCheck();
    const health = make({ checks: { dep: check }, authorize: () => true, endpointDeadlineMs: 2000 });
    const measurement = check.measurement ?? 'status';
    // eventLoopDelay's first run only starts its histogram; its second run measures.
    let body = health.evaluate('health', { detailed: true }).body;
    for (let i = 0; i < 100 && !body.checks?.[`dep:${measurement}`]?.[0]?.output?.match(output); i++) {
      await new Promise((r) => setTimeout(r, 50));
      body = health.evaluate('health', { detailed: true }).body;
    }
    const status = body.checks?.[`dep:${measurement}`];
    expect(status, JSON.stringify(body.checks)).toHaveLength(1);
    expect(status?.[0]).toMatchObject({ componentId: 'dep', status: 'fail' });
    expect(status?.[0]?.output).toMatch(output);
    const latency = body.checks?.['dep:responseTime'];
    expect(latency?.[0]?.status).toBe('fail');
    if (measurement === 'responseTime') {
      // One entry: the check's own, with its output; the run's latency fills observedValue when the check had none.
      expect(latency?.[0]?.output).toMatch(output);
      expect(typeof latency?.[0]?.observedValue).toBe('number');
      expect(latency?.[0]?.observedUnit).toBe('ms');
    } else {
      expect(latency?.[0]?.output).toBeUndefined();
      expect(latency?.[0]?.observedUnit).toBe('ms');
    }
    // Over HTTP too (the reproduction of the issue).
    const port = await listen((req, res) => void health.handle(req, res));
    const res = await rawGet(port, '/health?verbose');
    expect(JSON.parse(res.body).checks[`dep:${measurement}`][0].output).toMatch(output);
  });
});

describe('item 6: a check that ignores its signal never has more than one run in flight', () => {
  it('stays fail/TIMEOUT while stuck, resumes normally once it settles', async () => {
    const clock = createFakeClock();
    let inFlight = 0;
    let maxInFlight = 0;
    let calls = 0;
    let stuck = true;
    const release: (() => void)[] = [];
    const health = make({
      clock,
      checks: {
        slow: custom(
          () => {
            calls++;
            inFlight++;
            maxInFlight = Math.max(maxInFlight, inFlight);
            if (!stuck) {
              inFlight--;
              return true;
            }
            // Ignores its AbortSignal: settles only when the test says so.
            return new Promise<boolean>((resolve) =>
              release.push(() => {
                inFlight--;
                resolve(true);
              }),
            );
          },
          { ttlMs: 100, timeoutMs: 50 },
        ),
      },
    });
    await clock.advance(60);
    expect(health.evaluate('readiness').status).toBe(503);
    await clock.advance(2000); // 20 TTLs
    expect({ calls, maxInFlight, inFlight }).toEqual({ calls: 1, maxInFlight: 1, inFlight: 1 });
    expect(health.evaluate('readiness').status).toBe(503);
    expect(health.evaluate('health', { detailed: true }).body.checks?.['slow:status']?.[0]).toMatchObject({
      status: 'fail',
      output: 'TIMEOUT',
    });

    // It settles (late: its result is ignored); the next runs are normal again.
    stuck = false;
    for (const r of release.splice(0)) r();
    await clock.advance(250);
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(maxInFlight).toBe(1);
    expect(inFlight).toBe(0);
    expect(health.evaluate('readiness').status).toBe(200);
    expect(health.evaluate('health', { detailed: true }).body.checks?.['slow:status']?.[0]).toMatchObject({ status: 'pass' });

    // Stuck again: still one in flight at most.
    stuck = true;
    await clock.advance(2000);
    expect(maxInFlight).toBe(1);
    expect(health.evaluate('readiness').status).toBe(503);
    for (const r of release.splice(0)) r();
  });
});

describe('item 16: responses that depend on authorisation are never shared by a cache', () => {
  const authorize = (req: IncomingMessage) =>
    req.headers.authorization === 'Bearer ops' || /(?:^|;\s*)session=ops(?:;|$)/.test(req.headers.cookie ?? '');

  async function start(options: Partial<HealthOptions> = {}, presetVary?: string) {
    const health = make({ checks: { db: custom(() => ({ status: 'pass', observedValue: 7 })) }, authorize, ...options });
    const port = await listen((req, res) => {
      if (presetVary) res.setHeader('vary', presetVary); // e.g. a CORS middleware that ran before
      if (!health.handle(req, res)) res.end();
    });
    await rawGet(port, '/readiness'); // first results
    return port;
  }
  const varyOf = (h: IncomingMessage['headers']) =>
    String(h.vary ?? '')
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean);

  it('authorised detailed views: private, no-store and Vary on Authorization, Cookie', async () => {
    const port = await start();
    for (const [path, headers] of [
      ['/health?verbose', { authorization: 'Bearer ops' }],
      ['/health?verbose', { cookie: 'a=b; session=ops' }],
      ['/health/db', { authorization: 'Bearer ops' }],
      ['/health/db?verbose', { cookie: 'session=ops' }],
    ] as const) {
      const res = await rawGet(port, path, headers);
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body).checks['db:status'][0].observedValue, path).toBe(7);
      expect(res.headers['cache-control'], path).toBe('private, no-store');
      expect(varyOf(res.headers)).toEqual(expect.arrayContaining(['authorization', 'cookie']));
    }
  });

  it('the anonymous answer on the same URL keeps its freshness but carries the same Vary', async () => {
    const port = await start();
    for (const path of ['/health?verbose', '/health/db', '/health/db?verbose']) {
      const res = await rawGet(port, path, { authorization: 'Bearer wrong' });
      expect(JSON.parse(res.body).checks['db:status'][0].observedValue).toBeUndefined();
      expect(res.headers['cache-control']).toMatch(/^max-age=\d+$/);
      expect(varyOf(res.headers)).toEqual(expect.arrayContaining(['authorization', 'cookie']));
    }
    // Probe and public views never depend on authorisation: plain freshness caching.
    for (const path of ['/readiness', '/liveness', '/health']) {
      const res = await rawGet(port, path, { authorization: 'Bearer ops' });
      expect(res.headers['cache-control']).toMatch(/^max-age=\d+$/);
      expect(JSON.stringify(JSON.parse(res.body))).not.toContain('observedValue":7');
    }
  });

  it('keeps a Vary set before it (CORS) and adds the headers named in authorizeHeaders', async () => {
    const port = await start({ authorizeHeaders: ['X-Api-Key'] }, 'Origin');
    const res = await rawGet(port, '/health?verbose', { authorization: 'Bearer ops' });
    expect(res.headers['cache-control']).toBe('private, no-store');
    expect(varyOf(res.headers)).toEqual(expect.arrayContaining(['origin', 'x-api-key', 'authorization', 'cookie']));
  });
});

describe('beyond the issue: whatever a check returns or throws never breaks a response or the runner', () => {
  const weird: [string, () => unknown][] = [
    ['a bigint observedValue', () => ({ status: 'pass', observedValue: 10n })],
    [
      'a circular observedValue',
      () => {
        const o: Record<string, unknown> = {};
        o.self = o;
        return { status: 'pass', observedValue: o };
      },
    ],
    ['a NaN observedValue', () => ({ status: 'pass', observedValue: Number.NaN })],
    [
      'a throwing status getter',
      () => ({
        get status(): string {
          throw new Error('boom');
        },
      }),
    ],
    [
      'a thrown null-prototype object with an object message',
      () => {
        throw Object.assign(Object.create(null), { message: Object.create(null) });
      },
    ],
    [
      'a thrown Proxy whose every get throws',
      () => {
        throw new Proxy(
          {},
          {
            get: () => {
              throw new Error('trap');
            },
          },
        );
      },
    ],
    [
      'undefined thrown',
      () => {
        throw undefined;
      },
    ],
  ];

  it.each(weird)('%s', async (_name, run) => {
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      const health = make({ checks: { odd: { run: run as never, ttlMs: 20 } }, authorize: () => true });
      const port = await listen((req, res) => {
        try {
          if (!health.handle(req, res)) res.end();
        } catch (error) {
          rejections.push(error);
          res.statusCode = 599;
          res.end();
        }
      });
      for (let i = 0; i < 3; i++) {
        for (const path of ['/health?verbose', '/health/odd', '/readiness']) {
          const res = await rawGet(port, path);
          expect([200, 503]).toContain(res.status);
          const body = JSON.parse(res.body);
          expect(['pass', 'fail']).toContain(body.status);
          expect(res.body).not.toContain(':null'); // NaN/Infinity would serialise as null: not IETF
        }
        await new Promise((r) => setTimeout(r, 30)); // a few more background runs
      }
      expect(health.evaluate('health', { detailed: true }).body.checks?.['odd:status']?.[0]?.output).toMatch(
        /^(|INVALID_RESULT|ERROR)$/,
      );
      expect(rejections.map(String)).toEqual([]);
    } finally {
      process.off('unhandledRejection', onRejection);
    }
  });

  it('a custom() check echoing a driver message with credentials: the detailed view carries no secret', async () => {
    const leak = 'connect failed: postgres://app:Hunter2Secret@db:5432/app password=Hunter2Secret';
    const health = make({
      checks: {
        leaky: custom(async () => ({ status: 'fail', output: leak, observedValue: `token=Hunter2Secret ${'x'.repeat(400)}` }), {
          roles: ['readiness'],
        }),
      },
      authorize: () => true,
    });
    await new Promise((r) => setTimeout(r, 50)); // the first background run
    const port = await listen((req, res) => {
      if (!health.handle(req, res)) res.end();
    });
    const res = await rawGet(port, '/health?verbose');
    const check = JSON.parse(res.body).checks['leaky:status'][0];
    expect(check.output).toContain('connect failed');
    expect(res.body).not.toContain('Hunter2Secret');
    expect(check.observedValue.length).toBeLessThanOrEqual(256);
  });

  it('rejects non-string version/releaseId/serviceId/description and bad authorizeHeaders while configuring', () => {
    for (const [key, value] of [
      ['version', 10n],
      ['releaseId', {}],
      ['serviceId', 5],
      ['description', ['x']],
      ['authorizeHeaders', 'Authorization'],
      ['authorizeHeaders', ['bad header']],
    ] as const) {
      expect(() => createHealth({ checks: {}, logger: silent, [key]: value } as never), key).toThrow(
        expect.objectContaining({ code: 'ERR_SLAKIT_INVALID_OPTION', field: expect.stringMatching(new RegExp(`^${key}`)) }),
      );
    }
  });
});

describe('beyond the issue: the http() check never buffers a dependency’s body', () => {
  it('a dependency streaming 200 MB: the check passes on the status and the body is dropped', async () => {
    let written = 0;
    let closed = false;
    const port = await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      res.on('close', () => {
        closed = true;
      });
      const pump = () => {
        while (!closed && written < 200 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    const check = http(`http://127.0.0.1:${port}/big`, { timeoutMs: 10_000 });
    const result = await check.run(new AbortController().signal);
    expect(result).toMatchObject({ status: 'pass', observedUnit: 'ms' });
    expect(written).toBeLessThan(50 * 1024 * 1024);
  });
});
