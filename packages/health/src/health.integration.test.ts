import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, createServer as createTcpServer, Socket } from 'node:net';
import { createLogger } from '@slakit/core';
import { createTestTelemetry } from '@slakit/core/testing';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import express4 from 'express4';
import express5 from 'express5';
import Fastify from 'fastify';
import { Redis } from 'ioredis';
import Koa from 'koa';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeServers } from '../../../test-support/hostile-http.js';
import { ensurePostgres, ensureRedis, freePort, waitFor } from '../../../test-support/services.js';
import { custom, env, eventLoopDelay, memory, postgres, redis, staleLeases } from './checks.js';
import { createHealth, type Health, type HealthOptions } from './health.js';
import { healthCheckSchema } from './schema.js';

const ajv = new Ajv2020({ allErrors: true, strict: false });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
const validate = ajv.compile(healthCheckSchema);
const bodies: unknown[] = [];

const servers: Server[] = [];
const healths: Health[] = [];
afterEach(async () => {
  for (const h of healths.splice(0)) h.close();
  await closeServers(servers);
});
afterAll(() => {
  // Acceptance 4: every response of every view validates against the shipped schema.
  expect(bodies.length).toBeGreaterThan(20);
  for (const body of bodies) expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
  expect(JSON.parse(readFileSync(new URL('../schema/health-check.schema.json', import.meta.url), 'utf8'))).toEqual(
    healthCheckSchema,
  );
});

type Adapter = (
  health: Health,
) => ((req: IncomingMessage, res: ServerResponse) => void) | Promise<(req: IncomingMessage, res: ServerResponse) => void>;
const adapters: [string, Adapter][] = [
  [
    'node:http',
    (h) => (req, res) => {
      if (!h.handle(req, res)) {
        res.writeHead(404);
        res.end();
      }
    },
  ],
  [
    'Express 4',
    (h) => {
      const app = express4();
      app.use(h.express() as never);
      return app as unknown as (req: IncomingMessage, res: ServerResponse) => void;
    },
  ],
  [
    'Express 5',
    (h) => {
      const app = express5();
      app.use(h.express() as never);
      return app as unknown as (req: IncomingMessage, res: ServerResponse) => void;
    },
  ],
  [
    'Fastify 5',
    async (h) => {
      let handler: (req: IncomingMessage, res: ServerResponse) => void = () => {};
      const app = Fastify({
        serverFactory: (h2) => {
          handler = h2;
          return createServer(h2);
        },
      });
      await app.register(h.fastify() as never);
      app.get('/app', async () => 'app');
      await app.ready();
      return handler;
    },
  ],
  [
    'Koa',
    (h) => {
      const app = new Koa();
      app.use(h.koa() as never);
      return app.callback();
    },
  ],
];

async function serve(options: HealthOptions, adapter: Adapter = adapters[0]?.[1] as Adapter) {
  const health = createHealth({ drainDelayMs: 200, logger: createLogger({ level: 'silent' }), ...options });
  healths.push(health);
  const server = createServer(await adapter(health));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const get = async (path: string, init?: RequestInit) => {
    const res = await fetch(url + path, init);
    const text = await res.text();
    const body = text ? JSON.parse(text) : undefined;
    if (res.headers.get('content-type')?.startsWith('application/health+json') && res.status !== 404 && res.status !== 405)
      bodies.push(body);
    return { status: res.status, body, headers: res.headers };
  };
  return { health, server, url, get };
}

let pool: pg.Pool;
let redisClient: Redis;
beforeAll(async () => {
  await Promise.all([ensurePostgres(), ensureRedis()]);
  pool = new pg.Pool({ host: '127.0.0.1', user: 'postgres', database: 'test', max: 2 });
  redisClient = new Redis({
    host: '127.0.0.1',
    port: 6379,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => 200,
  });
  redisClient.on('error', () => {});
  await waitFor('the Redis client to connect', () => (redisClient.status === 'ready' ? true : undefined));
});
afterAll(async () => {
  await pool.end();
  redisClient.disconnect();
});

describe.each(adapters)('over real HTTP with %s', (_name, adapter) => {
  it('answers every view with the IETF format; details only when authorised', async () => {
    const { get } = await serve(
      {
        checks: {
          db: postgres(pool, { requiredTables: [{ name: 'pg_catalog.pg_class', columns: ['relname'] }] }),
          cache: redis(redisClient, { lockRoundTrip: true }),
          loop: eventLoopDelay(),
          heap: memory(),
        },
        version: '1',
        releaseId: '1.4.2',
        serviceId: 'quiz-api',
        description: 'quiz API',
        authorize: (req) => req.headers.authorization === 'Bearer ops',
      },
      adapter,
    );
    const ready = await get('/readiness');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'pass' });
    expect(ready.headers.get('content-type')).toBe('application/health+json; charset=utf-8');
    expect(ready.headers.get('cache-control')).toMatch(/^max-age=\d+$/);
    expect((await get('/liveness')).body).toEqual({ status: 'pass' });
    expect((await get('/health/liveness')).status).toBe(200);
    expect((await get('/health/readiness')).status).toBe(200);
    expect((await get('/startup')).status).toBe(200);

    const pub = await get('/health');
    expect(pub.body).toMatchObject({ status: 'pass', version: '1', releaseId: '1.4.2', serviceId: 'quiz-api' });
    expect(Object.keys(pub.body.checks).sort()).toEqual([
      'cache:responseTime',
      'db:connections',
      'heap:heapUsage',
      'loop:eventLoopDelay',
      'uptime',
    ]);
    expect(pub.body.checks['db:connections'][0]).toEqual({ componentType: 'datastore', status: 'pass' });

    const hidden = await get('/health?verbose');
    expect(hidden.body.checks['db:connections'][0].observedValue).toBeUndefined();
    const detailed = await get('/health?verbose', { headers: { authorization: 'Bearer ops' } });
    expect(detailed.body.checks['db:connections'][0]).toMatchObject({ componentId: 'db', observedUnit: 'ms', status: 'pass' });
    expect(typeof detailed.body.checks['db:responseTime'][0].observedValue).toBe('number');
    expect(detailed.body.checks.uptime[0]).toMatchObject({ componentType: 'system', observedUnit: 's', status: 'pass' });
    const one = await get('/health/cache?verbose', { headers: { authorization: 'Bearer ops' } });
    expect(Object.keys(one.body.checks)).toEqual(['cache:responseTime', 'uptime']);
    expect(one.body.checks['cache:responseTime'][0]).toMatchObject({ componentId: 'cache', status: 'pass', observedUnit: 'ms' });
    expect((await get('/health/nope')).status).toBe(404);
  });
});

describe('dependencies', () => {
  it('Redis unreachable: readiness 503 within the deadline, liveness 200; recovers when Redis is back', async () => {
    // A proxy in front of the real Redis that the test can cut.
    const redisPort = await freePort();
    const sockets = new Set<Socket>();
    let up = true;
    const proxy = createTcpServer((client) => {
      if (!up) return client.destroy();
      const upstream = new Socket();
      upstream.connect(6379, '127.0.0.1');
      client.pipe(upstream).pipe(client);
      sockets.add(client).add(upstream);
      const drop = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
    });
    await new Promise<void>((r) => proxy.listen(redisPort, '127.0.0.1', r));
    const client = new Redis({
      host: '127.0.0.1',
      port: redisPort,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => 100,
      connectTimeout: 300,
    });
    client.on('error', () => {}); // the test cuts the connection on purpose
    try {
      const { get } = await serve({
        checks: { cache: redis(client, { ttlMs: 200, timeoutMs: 300 }), loop: eventLoopDelay({ ttlMs: 200 }) },
        endpointDeadlineMs: 500,
      });
      await waitFor('ready', async () => ((await get('/readiness')).status === 200 ? true : undefined));
      up = false;
      for (const s of sockets) s.destroy();
      await waitFor('readiness to fail', async () => ((await get('/readiness')).status === 503 ? true : undefined), 10_000);
      const t = performance.now();
      const r = await get('/readiness');
      expect(performance.now() - t).toBeLessThan(500 + 400);
      expect(r.status).toBe(503);
      expect((await get('/liveness')).status).toBe(200);
      up = true;
      await waitFor('readiness to recover', async () => ((await get('/readiness')).status === 200 ? true : undefined), 15_000);
    } finally {
      client.disconnect();
      await new Promise<void>((r) => proxy.close(() => r()));
      for (const s of sockets) s.destroy();
    }
  }, 40_000);

  it('a dependency that accepts TCP and never answers: the endpoint answers within its deadline, the check is TIMEOUT', async () => {
    const blackholePort = await freePort();
    const held: Socket[] = [];
    const blackhole = createTcpServer((s) => void held.push(s));
    await new Promise<void>((r) => blackhole.listen(blackholePort, '127.0.0.1', r));
    const stuck = new pg.Pool({
      host: '127.0.0.1',
      port: blackholePort,
      user: 'postgres',
      database: 'test',
      connectionTimeoutMillis: 60_000,
    });
    try {
      const { get } = await serve({
        checks: { db: postgres(stuck, { timeoutMs: 300 }) },
        endpointDeadlineMs: 600,
        authorize: () => true,
      });
      const t = performance.now();
      const first = await get('/readiness');
      expect(performance.now() - t).toBeLessThan(600 + 400);
      expect(first.status).toBe(503);
      const detailed = await get('/health?verbose');
      expect(detailed.body.checks['db:connections'][0]).toMatchObject({ status: 'fail', output: 'TIMEOUT' });
    } finally {
      for (const s of held) s.destroy();
      await new Promise<void>((r) => blackhole.close(() => r()));
      stuck.end().catch(() => {});
    }
  });

  it('probe storm: 2000 requests in 2 s run each check at most (2 s / TTL) + 2 times, every request answered', async () => {
    let runs = 0;
    const ttlMs = 500;
    const { get } = await serve({ checks: { counted: custom(() => ++runs > 0, { ttlMs }) } });
    const started = performance.now();
    const statuses: number[] = [];
    let i = 0;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        while (i < 2000) {
          i++;
          statuses.push((await get('/readiness')).status);
          const elapsed = performance.now() - started;
          const due = (i / 2000) * 2000;
          if (due > elapsed) await new Promise((r) => setTimeout(r, due - elapsed));
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    expect(statuses).toHaveLength(2000);
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(runs).toBeLessThanOrEqual(Math.ceil((seconds * 1000) / (ttlMs * 0.9)) + 2);
    expect(runs).toBeGreaterThanOrEqual(2);
  }, 30_000);

  it('never leaks connection strings or driver messages: responses, logs and metrics carry codes', async () => {
    const kit = createTestTelemetry();
    const secretPool = new pg.Pool({
      connectionString: 'postgres://app_user:Sup3rSecretPw@127.0.0.1:1/appdb',
      connectionTimeoutMillis: 500,
    });
    const failing = custom(async () => {
      throw Object.assign(new Error('password authentication failed for user "app_user" at db.internal:5432'), { code: '28P01' });
    });
    try {
      const { get } = await serve({
        checks: { db: postgres(secretPool), auth: failing },
        telemetry: kit.telemetry,
        authorize: () => true,
      });
      await waitFor('checks to fail', async () => ((await get('/readiness')).status === 503 ? true : undefined));
      const detailed = await get('/health?verbose');
      expect(detailed.body.checks['db:connections'][0].output).toBe('ECONNREFUSED');
      expect(detailed.body.checks['auth:status'][0].output).toBe('AUTH_FAILED');
      const everything = JSON.stringify(detailed.body) + kit.logs.raw() + (await kit.metrics.scrape());
      for (const secret of ['Sup3rSecretPw', 'app_user', 'db.internal', 'password authentication'])
        expect(everything).not.toContain(secret);
      expect(await kit.metrics.value('health_check_status', { check: 'db' })).toBe(0);
      expect((await kit.metrics.histogram('health_check_duration_seconds', { check: 'db' }))?.count).toBeGreaterThan(0);
    } finally {
      await secretPool.end();
      await kit.close();
    }
  });
});

describe('alerts', () => {
  it('a failing critical check fires HealthCheckFailing (failingForMs: 0); recovery resolves it; degraded checks never page', async () => {
    const { createAlerter } = await import('@slakit/core');
    const sent: { status: string; check?: string }[] = [];
    const alerter = createAlerter({
      sinks: [{ name: 'pager', kind: 'pager', send: async (n) => void sent.push({ status: n.status, check: n.labels.check }) }],
      env: {},
    });
    let ok = false;
    const health = createHealth({
      checks: { db: custom(() => ok, { ttlMs: 50 }), blob: custom(() => false, { ttlMs: 50, severity: 'degraded' }) },
      alerter,
      failingForMs: 0, // at once (the 5-min default is proven on a fake clock in failing-for.test.ts)
    });
    healths.push(health);
    await waitFor('the alert', async () => {
      await alerter.idle();
      return sent.length > 0 ? true : undefined;
    });
    expect(sent).toEqual([{ status: 'firing', check: 'db' }]);
    ok = true;
    await waitFor('the resolution', async () => {
      await alerter.idle();
      return sent.length > 1 ? true : undefined;
    });
    expect(sent).toEqual([
      { status: 'firing', check: 'db' },
      { status: 'resolved', check: 'db' },
    ]);
    await alerter.close();
  });
});

describe('shutdown', () => {
  it('drains (readiness 503, liveness 200), lets an in-flight request finish, closes the server, removes listeners', async () => {
    const before = process.listenerCount('SIGTERM');
    const server = createServer((req, res) => {
      if (h2.handle(req, res)) return;
      setTimeout(() => res.end('slow done'), 600);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const hooks: string[] = [];
    const h2 = createHealth({
      checks: { loop: eventLoopDelay() },
      server,
      drainDelayMs: 300,
      gracefulTimeoutMs: 3000,
      handleSignals: ['SIGTERM'],
      hookTimeoutMs: 200,
      onShutdown: [
        async () => void hooks.push('close pool'),
        () => new Promise(() => hooks.push('hangs')), // never settles: cut at hookTimeoutMs
        () => void hooks.push('flush telemetry'),
      ],
      logger: createLogger({ level: 'silent' }),
    });
    healths.push(h2);
    expect(process.listenerCount('SIGTERM')).toBe(before + 1);
    const states: string[] = [];
    h2.on('state', (s) => states.push(s));
    await waitFor('ready', async () => (h2.state === 'ready' ? true : undefined));
    const slow = fetch(`${url}/work`).then((r) => r.text());
    await new Promise((r) => setTimeout(r, 50));
    process.emit('SIGTERM', 'SIGTERM');
    expect(h2.state).toBe('draining');
    // Over HTTP while draining: readiness 503, liveness 200, and connections are closed after each response.
    const readiness = await fetch(`${url}/readiness`);
    expect(readiness.status).toBe(503);
    expect(readiness.headers.get('connection')).toBe('close');
    expect(((await readiness.json()) as { status: string }).status).toBe('fail');
    expect((await fetch(`${url}/liveness`)).status).toBe(200);
    expect(await slow).toBe('slow done');
    await h2.shutdown();
    expect(states).toEqual(['ready', 'draining', 'closing', 'stopped']);
    expect(hooks).toEqual(['close pool', 'hangs', 'flush telemetry']);
    expect(server.listening).toBe(false);
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });
});

describe('configuration errors', () => {
  const noop = custom(() => true);
  it.each<[string, Record<string, unknown>, string, string]>([
    ['an unknown role', { a: { ...noop, roles: ['ready'] } }, 'ERR_SLAKIT_INVALID_OPTION', 'checks.a.roles[0]'],
    ['a non-positive TTL', { a: { ...noop, ttlMs: 0 } }, 'ERR_SLAKIT_INVALID_OPTION', 'checks.a.ttlMs'],
    ['a non-positive timeout', { a: { ...noop, timeoutMs: -1 } }, 'ERR_SLAKIT_INVALID_OPTION', 'checks.a.timeoutMs'],
    [
      'a dependency check on liveness',
      { db: { ...postgres({ query: async () => ({ rows: [] }) }), roles: ['liveness'] } },
      'ERR_SLAKIT_INVALID_OPTION',
      'checks.db.roles',
    ],
    [
      'a redis check on liveness',
      { cache: { ...redis({ call: async () => 'PONG' }), roles: ['readiness', 'liveness'] } },
      'ERR_SLAKIT_INVALID_OPTION',
      'checks.cache.roles',
    ],
    ['an upper-case name', { db: noop, DB: noop }, 'ERR_SLAKIT_INVALID_NAME', 'checks.DB'],
    ['a bad name', { 'bad name': noop }, 'ERR_SLAKIT_INVALID_NAME', 'checks.bad name'],
  ])('rejects %s', (_label, checks, code, field) => {
    expect(() => createHealth({ checks: checks as never })).toThrowError(expect.objectContaining({ code, field }));
  });

  it('rejects duplicate names in the array form', () => {
    expect(() =>
      createHealth({
        checks: [
          { name: 'db', ...noop },
          { name: 'db', ...noop },
        ],
      }),
    ).toThrowError(expect.objectContaining({ code: 'ERR_SLAKIT_DUPLICATE_NAME', field: 'checks[1]' }));
  });

  it('reports env names, never values', async () => {
    const check = env(['DATABASE_URL', 'API_TOKEN'], {
      formats: { DATABASE_URL: 'url' },
      source: { DATABASE_URL: 'not a url with secret', API_TOKEN: 't0k3n' },
    });
    expect(await check.run(new AbortController().signal)).toEqual({ status: 'fail', output: 'ENV_INVALID:DATABASE_URL' });
    const missing = env(['API_TOKEN'], { source: {} });
    expect(await missing.run(new AbortController().signal)).toEqual({ status: 'fail', output: 'ENV_MISSING:API_TOKEN' });
  });

  it('staleLeases flags expired and silent leases', async () => {
    const now = Date.now();
    const check = staleLeases({
      listLeases: async () => [
        { key: 'job:a', state: 'held', heartbeatAt: new Date(now - 1000), owner: { host: 'h', pid: 1 } },
        { key: 'job:b', state: 'expired', heartbeatAt: new Date(now - 1000), owner: { host: 'h', pid: 2 } },
        { key: 'job:c', state: 'held', heartbeatAt: new Date(now - 600_000), owner: { host: 'h', pid: 3 } },
        { key: 'job:d', state: 'released', heartbeatAt: new Date(now - 600_000), owner: { host: 'h', pid: 4 } },
      ],
    });
    expect(await check.run(new AbortController().signal)).toMatchObject({
      status: 'fail',
      output: 'STALE_LEASES:2',
      observedValue: 2,
    });
    expect(check.severity).toBe('degraded');
  });
});
