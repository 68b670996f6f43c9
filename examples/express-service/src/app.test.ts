// The demo as a newcomer runs it (`pnpm demo` → `tsx src/main.ts`), driven over HTTP: every endpoint answers, and the
// forced-breach job produces a warning then a critical alert in the log, in GET /ops/alerts and in /metrics.
// Run twice: on embedded defaults, and with DATABASE_URL + REDIS_URL against the real servers.
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { ensurePostgres, ensureRedis, freePort, waitFor } from '../../../test-support/services.js';

const cwd = fileURLToPath(new URL('..', import.meta.url));
// `node --import tsx` runs the demo in one process (the tsx CLI would fork a child that a SIGKILL could orphan).
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const TOKEN = 'demo-admin-token';
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

interface Demo {
  url: string;
  child: ChildProcess;
  lines: () => Record<string, unknown>[];
  output: () => string;
}

async function startDemo(extraEnv: Record<string, string>): Promise<Demo> {
  const port = await freePort();
  let out = '';
  const child = spawn(process.execPath, ['--import', tsx, 'src/main.ts'], {
    cwd,
    env: { ...process.env, PORT: String(port), DEMO_FORCE_BREACH: '1', OPS_ADMIN_TOKEN: TOKEN, LOG_LEVEL: 'info', ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  child.stdout?.on('data', (c) => (out += c));
  child.stderr?.on('data', (c) => (out += c));
  const url = `http://127.0.0.1:${port}`;
  await waitFor('the demo to print its URLs', () => (out.includes('slakit demo is up') ? true : undefined), 30_000).catch((e) => {
    throw new Error(`${(e as Error).message}\n${out}`);
  });
  return {
    url,
    child,
    output: () => out,
    lines: () =>
      out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

async function driveDemo(demo: Demo): Promise<void> {
  const { url } = demo;
  const get = (path: string, init?: RequestInit) => fetch(`${url}${path}`, init);
  // Every endpoint answers.
  expect((await get('/orders/42')).status).toBe(200);
  expect(
    (await get('/orders', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"items":[1,2]}' })).status,
  ).toBe(201);
  expect((await get('/orders/42/invoice')).status).toBe(200);
  const boom = await get('/boom');
  expect(boom.status).toBe(500);
  expect(await boom.json()).toEqual({ error: 'internal', message: expect.any(String) });
  expect((await get('/nope')).status).toBe(404);
  for (const path of ['/health', '/readiness', '/liveness', '/startup', '/health/readiness', '/health/liveness'])
    expect((await get(path)).status, path).toBe(200);
  const detailed = (await (await get('/health', { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as {
    checks: Record<string, unknown>;
  };
  expect(Object.keys(detailed.checks).some((k) => k.startsWith('event_loop'))).toBe(true);
  for (const path of ['/ops/health', '/ops/alerts', '/ops/jobs', '/ops/jobs/cleanup_pdfs', '/ops/slo'])
    expect((await get(path)).status, path).toBe(200);
  expect((await get('/ops/alerts?limit=zero')).status).toBe(400);
  // Admin requests carry the CSRF marker header (or a JSON content type).
  const admin = { authorization: `Bearer ${TOKEN}`, 'x-slakit-request': '1' };
  expect((await get('/ops/jobs/cleanup_blacklist/run', { method: 'POST', headers: { 'x-slakit-request': '1' } })).status).toBe(
    401,
  );
  expect(
    (await get('/ops/jobs/cleanup_blacklist/run', { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } })).status,
  ).toBe(403);
  expect((await get('/ops/jobs/cleanup_blacklist/run', { method: 'POST', headers: admin })).status).toBe(202);
  expect((await get('/ops/remediate?alert=JobSlaBreachCritical', { method: 'POST', headers: admin })).status).toBe(404);
  const metrics = await (await get('/metrics')).text();
  expect(metrics).toMatch(/^http_server_request_duration_seconds_count\{.*http_route="\/orders\/:id".*\} \d+/m);
  expect(metrics).toMatch(/^http_server_request_duration_seconds_bucket\{.*le="0\.2".*\}/m);
  expect(metrics).toMatch(/^health_check_status\{check="event_loop"\} 1/m);
  expect(metrics).toMatch(/^queue_depth\{queue="manual_resolution"\} \d+/m);

  // Within 60 s: a warning, then a critical, for the forced breach — in the log, the ops API and /metrics.
  const alertLine = (name: string) =>
    demo
      .lines()
      .findIndex((l) => (l.alert as { labels?: { alertname?: string; job?: string } } | undefined)?.labels?.alertname === name);
  await waitFor(
    'JobSlaBreachCritical in the log',
    () => (alertLine('JobSlaBreachCritical') >= 0 ? true : undefined),
    60_000,
    250,
  );
  const warning = alertLine('JobSlaBreachWarning');
  expect(warning).toBeGreaterThanOrEqual(0);
  expect(warning).toBeLessThan(alertLine('JobSlaBreachCritical'));
  const history = (await (await get('/ops/alerts?limit=100')).json()) as {
    alerts: { alertname: string; labels: { job_name: string }; severity: string }[];
  };
  const names = history.alerts.filter((a) => a.labels?.job_name === 'cleanup_pdfs').map((a) => `${a.alertname}/${a.severity}`);
  expect(names).toContain('JobSlaBreachWarning/warning');
  expect(names).toContain('JobSlaBreachCritical/critical');
  const after = await (await get('/metrics')).text();
  expect(after).toMatch(
    /^alerts_notifications_total\{alert="JobSlaBreachCritical",severity="critical",sink="log",result="sent"\} [1-9]/m,
  );
  expect(after).toMatch(
    /^alerts_notifications_total\{alert="JobSlaBreachWarning",severity="warning",sink="log",result="sent"\} [1-9]/m,
  );
  await waitFor(
    'the breaching run to finish',
    async () => {
      const m = /^job_sla_utilization_ratio\{job_name="cleanup_pdfs"\} ([\d.]+)/m.exec(await (await get('/metrics')).text());
      return m && Number(m[1]) >= 1 ? true : undefined;
    },
    30_000,
  );
}

async function stop(demo: Demo): Promise<void> {
  const exited = new Promise<number | null>((r) => demo.child.once('exit', (code) => r(code)));
  demo.child.kill('SIGTERM');
  // Draining: readiness answers 503 while the server still answers (drainDelayMs 1000), then the server closes.
  const readiness = await waitFor(
    'readiness to leave 200',
    async () => {
      const status = await fetch(`${demo.url}/readiness`)
        .then((r) => r.status)
        .catch(() => 'closed');
      return status === 200 ? undefined : status;
    },
    10_000,
    50,
  );
  expect(readiness).toBe(503);
  expect(await exited).toBe(0);
  expect(demo.output()).toContain('health: draining');
}

describe('the demo service', () => {
  it('embedded defaults: every endpoint, then a warning and a critical within 60 s; SIGTERM drains and exits 0', async () => {
    const demo = await startDemo({ DATABASE_URL: '', REDIS_URL: '' });
    expect(demo.output()).toContain('leases/ledger: memory, alert dedup: memory, sinks: log');
    await driveDemo(demo);
    await stop(demo);
  }, 120_000);

  it('with DATABASE_URL and REDIS_URL: ledger rows in Postgres, dedup keys in Redis', async () => {
    await Promise.all([ensurePostgres(), ensureRedis()]);
    const prefix = `demo_${process.pid}_${Date.now() % 100000}`;
    const pool = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:5432/test', max: 2 });
    const redis = new Redis('redis://127.0.0.1:6379');
    try {
      const demo = await startDemo({
        DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
        REDIS_URL: 'redis://127.0.0.1:6379',
        DEMO_TABLE_PREFIX: prefix,
      });
      expect(demo.output()).toContain('leases/ledger: postgres, alert dedup: redis');
      await driveDemo(demo);
      const health = (await (await fetch(`${demo.url}/health`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as {
        checks: Record<string, unknown>;
      };
      expect(Object.keys(health.checks).some((k) => k.startsWith('postgres'))).toBe(true);
      expect(Object.keys(health.checks).some((k) => k.startsWith('redis'))).toBe(true);
      const rows = await pool.query(`SELECT job, outcome FROM ${prefix}_job_runs WHERE job = 'cleanup_pdfs'`);
      expect(rows.rows.length).toBeGreaterThanOrEqual(1);
      const leases = await pool.query(`SELECT count(*)::int AS n FROM ${prefix}_leases`);
      expect(leases.rows[0].n).toBeGreaterThanOrEqual(1);
      const keys = await redis.keys(`${prefix}:alert:*`);
      expect(keys.length).toBeGreaterThanOrEqual(2);
      await stop(demo);
    } finally {
      await pool.query(`DROP TABLE IF EXISTS ${prefix}_job_runs, ${prefix}_leases`).catch(() => undefined);
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
      await pool.end();
    }
  }, 120_000);
});
