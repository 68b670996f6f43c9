// The four mounts of the ops API — Express (`opsRouter`, the reference), node:http (`ops.handle`), Fastify 5
// (`ops.fastify()`) and Koa (`ops.koa()`) — each on a real server on 127.0.0.1: every route, refusal and error answers
// the same status, content type and body everywhere, and paths the ops API does not serve reach the framework.
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Alerter, createAlerter, defineConfig, type RunRecord } from '@slakit/core';
import { createTestTelemetry, type TestTelemetry } from '@slakit/core/testing';
import express from 'express';
import Fastify from 'fastify';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeServers } from '../../../test-support/hostile-http.js';
import { createOps, createSloTracker, type OpsJob, type OpsLedger, type OpsRouterOptions, opsRouter } from './index.js';

const ADMIN = 'Bearer admin';
const FROM = '2026-01-01T00:00:00Z';
const TO = '2026-01-02T00:00:00Z';
const config = defineConfig({
  service: 'mounts',
  slos: [{ name: 'availability', kind: 'availability', objective: 99.9 }],
  jobs: { cleanup: { budgetSeconds: 5 } },
});

const run: RunRecord = {
  runId: 'r1',
  job: 'cleanup',
  slot: undefined,
  fence: undefined,
  owner: undefined,
  outcome: 'failed',
  startedAt: new Date('2026-01-01T10:00:00Z'),
  finishedAt: new Date('2026-01-01T10:00:02Z'),
  durationSeconds: 2,
  budgetSeconds: 5,
  processed: 3,
  errorCode: 'ECONNREFUSED',
  errorMessage: 'connect postgres://app:hunter2@db/prod failed',
  dryRun: false,
};
const ledger: OpsLedger = {
  recent: async (job, limit = 20) => (job === 'cleanup' ? [run].slice(0, limit) : []),
  stats: async () => ({ count: 4, p50: 1, p95: 2, p99: 2, successRate: 0.75 }),
  lastSuccess: async () => new Date('2026-01-01T09:00:00Z'),
};
const cleanup: OpsJob = Object.assign(async () => undefined, { jobName: 'cleanup', budgetSeconds: 5 });

type Mount = (options: OpsRouterOptions) => Promise<RequestListener> | RequestListener;

/** Paths the ops API does not serve end here in every framework: 404 with a marker header. */
const FALLBACK = { status: 404, header: 'x-fallback' };

const MOUNTS: [string, Mount][] = [
  [
    'Express 5 (opsRouter)',
    (options) => {
      const app = express();
      app.use(opsRouter(options) as never);
      app.use((_req, res) => void res.status(FALLBACK.status).set(FALLBACK.header, '1').json({ error: 'not_found' }));
      return app as unknown as RequestListener;
    },
  ],
  [
    'node:http (ops.handle)',
    (options) => {
      const ops = createOps(options);
      return (req: IncomingMessage, res: ServerResponse) =>
        void ops.handle(req, res).then((handled) => {
          if (handled) return;
          res.writeHead(FALLBACK.status, { [FALLBACK.header]: '1', 'content-type': 'application/json; charset=utf-8' });
          res.end(JSON.stringify({ error: 'not_found' }));
        });
    },
  ],
  [
    'Fastify 5 (ops.fastify())',
    async (options) => {
      let handler: RequestListener = () => {};
      const app = Fastify({
        serverFactory: (h) => {
          handler = h;
          return createServer(h);
        },
      });
      await app.register(createOps(options).fastify() as never);
      app.setNotFoundHandler((_req, reply) => {
        void reply.code(FALLBACK.status).header(FALLBACK.header, '1').send({ error: 'not_found' });
      });
      await app.ready();
      return handler;
    },
  ],
  [
    'Koa (ops.koa())',
    (options) => {
      const app = new Koa();
      app.use(createOps(options).koa() as never);
      app.use((ctx) => {
        ctx.status = FALLBACK.status;
        ctx.set(FALLBACK.header, '1');
        ctx.body = { error: 'not_found' };
      });
      return app.callback();
    },
  ],
];

/** One request of the table: method, path (relative to the server) and headers. */
type Probe = [method: string, path: string, headers?: Record<string, string>];

const csrf = { 'x-slakit-request': '1' };
const PROBES: Probe[] = [
  ['GET', '/ops/health'],
  ['HEAD', '/ops/health'],
  ['GET', '/ops/alerts?severity=critical&limit=5'],
  ['GET', '/ops/alerts?severity=loud'],
  ['GET', '/ops/jobs?window=7d'],
  ['GET', '/ops/jobs?window=forever'],
  ['GET', '/ops/jobs/cleanup?limit=1'],
  ['GET', '/ops/jobs/nope'],
  ['GET', '/ops/jobs/%E0%A4%A'],
  ['GET', `/ops/slo?from=${FROM}&to=${TO}`],
  ['GET', `/ops/slo?from=${TO}&to=${FROM}`],
  ['GET', '/ops/health?x=1&x=2'],
  ['POST', '/ops/jobs/cleanup/run'],
  ['POST', '/ops/jobs/cleanup/run', csrf],
  ['POST', '/ops/jobs/cleanup/run', { ...csrf, authorization: 'Bearer wrong' }],
  ['POST', '/ops/jobs/cleanup/run', { ...csrf, authorization: ADMIN, origin: 'https://evil.example' }],
  ['POST', '/ops/jobs/nope/run', { ...csrf, authorization: ADMIN }],
  ['POST', '/ops/remediate?alert=Nope', { 'content-type': 'application/json', authorization: ADMIN }],
  ['POST', '/ops/remediate?alert=bad-name', { ...csrf, authorization: ADMIN }],
];
const FALLTHROUGH: Probe[] = [
  ['GET', '/elsewhere'],
  ['GET', '/ops'],
  ['GET', '/ops/unknown'],
  ['DELETE', '/ops/health'],
  ['GET', '/ops/jobs/cleanup/run'],
  ['GET', '/opsx/health'],
];

interface Answer {
  status: number;
  type: string | null;
  cache: string | null;
  body: string;
}

const servers: Server[] = [];
const kits: TestTelemetry[] = [];
const alerters: Alerter[] = [];
const bases = new Map<string, string>();

function options(alerter: Alerter, readOnly: boolean): OpsRouterOptions {
  const slo = createSloTracker(config);
  return {
    alerter,
    ledger,
    jobs: [cleanup],
    slo,
    config,
    health: { evaluate: () => ({ status: 200, body: { status: 'pass' } }) },
    ...(readOnly ? {} : { authorize: (req: IncomingMessage) => req.headers.authorization === ADMIN }),
  };
}

beforeAll(async () => {
  const kit = createTestTelemetry({ serviceName: 'mounts' });
  kits.push(kit);
  const alerter = createAlerter({ telemetry: kit.telemetry, env: {}, sinks: [], remediations: { Known: () => undefined } });
  alerters.push(alerter);
  for (const [name, mount] of MOUNTS) {
    for (const readOnly of [false, true]) {
      const server = createServer(await mount(options(alerter, readOnly)));
      servers.push(server);
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      bases.set(`${name}${readOnly ? ' read-only' : ''}`, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    }
  }
});

afterAll(async () => {
  await closeServers(servers);
  await Promise.all(alerters.splice(0).map((a) => a.close()));
  await Promise.all(kits.splice(0).map((k) => k.close()));
});

async function ask(base: string, [method, path, headers]: Probe): Promise<Answer & { fallback: boolean }> {
  const res = await fetch(`${base}${path}`, { method, headers: headers ?? {} });
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    cache: res.headers.get('cache-control'),
    body: await res.text(),
    fallback: res.headers.get(FALLBACK.header) === '1',
  };
}

describe('the ops API mounted on Express, node:http, Fastify and Koa', () => {
  const names = MOUNTS.map(([name]) => name);
  const reference = names[0] as string;

  it.each(['', ' read-only'])('every route answers the same everywhere%s', async (variant) => {
    for (const probe of PROBES) {
      const expected = await ask(bases.get(`${reference}${variant}`) as string, probe);
      expect(expected.fallback, `${probe.join(' ')} is served by the ops API`).toBe(false);
      expect(expected.type ?? 'application/json; charset=utf-8').toBe('application/json; charset=utf-8');
      expect(expected.body).not.toContain('hunter2');
      for (const name of names.slice(1)) {
        const got = await ask(bases.get(`${name}${variant}`) as string, probe);
        // Fastify refuses a malformed percent-encoding itself (400 FST_ERR_BAD_URL) before any hook runs.
        if (name.startsWith('Fastify') && probe[1].includes('%E0')) expect(got.status, name).toBe(expected.status);
        else expect({ ...got, probe: probe.join(' ') }, name).toEqual({ ...expected, probe: probe.join(' ') });
      }
    }
  });

  it('answers what the Express router answers (status codes of the table)', async () => {
    const statuses: number[] = [];
    for (const probe of PROBES) statuses.push((await ask(bases.get(reference) as string, probe)).status);
    expect(statuses).toEqual([200, 200, 200, 400, 200, 400, 200, 404, 400, 200, 400, 400, 403, 401, 403, 403, 404, 404, 400]);
    const readOnly = await ask(bases.get(`${reference} read-only`) as string, ['POST', '/ops/jobs/cleanup/run', csrf]);
    expect(readOnly.status).toBe(403);
    expect(JSON.parse(readOnly.body).message).toContain('admin routes are disabled');
  });

  it('a manual run is accepted (202) on every mount', async () => {
    for (const name of names) {
      const got = await ask(bases.get(name) as string, ['POST', '/ops/jobs/cleanup/run', { ...csrf, authorization: ADMIN }]);
      expect({ name, status: got.status, body: JSON.parse(got.body) }).toEqual({
        name,
        status: 202,
        body: { accepted: true, job: 'cleanup', status: '/ops/jobs/cleanup' },
      });
    }
  });

  it.each(names)('%s: paths and methods the ops API does not serve reach the framework', async (name) => {
    for (const probe of FALLTHROUGH) {
      const got = await ask(bases.get(name) as string, probe);
      expect({ probe: probe.join(' '), status: got.status, fallback: got.fallback }).toEqual({
        probe: probe.join(' '),
        status: 404,
        fallback: true,
      });
    }
  });
});
