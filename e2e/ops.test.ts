// The ops REST API (opsRouter) over a real Express app with real jobs, ledger, alerter, health and SLO tracker.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAlerter, createTelemetry, defineConfig, jobSla } from '@slakit/core';
import { instrument } from '@slakit/express-middleware';
import { createHealth } from '@slakit/health';
import { memoryLedger, withSla } from '@slakit/job-wrapper';
import { createSloTracker, opsRouter } from '@slakit/ops';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../test-support/services.js';

const ADMIN = 'Bearer admin-token';
// Admin requests carry the CSRF marker header (or a JSON content type): opsRouter refuses them otherwise.
const CSRF = { 'x-slakit-request': '1' };
const admin = { ...CSRF, authorization: ADMIN };
const config = defineConfig({
  service: 'ops-test',
  slos: [
    { name: 'availability', kind: 'availability', objective: 99.9 },
    { name: 'latency', kind: 'latency', objective: 95, thresholdSeconds: 0.5 },
  ],
  jobs: { cleanup_demo: { budgetSeconds: 0.2 }, cleanup_broken: { budgetSeconds: 5 } },
});

const telemetry = createTelemetry({ serviceName: 'ops-test', providers: 'own', env: {}, logger: { level: 'silent' } });
let remediated = 0;
const alerter = createAlerter({
  telemetry,
  env: {},
  remediations: {
    JobSlaBreachCritical: async () => {
      remediated++;
    },
  },
});
const ledger = memoryLedger();
let slowRun = true;
const demo = withSla(
  'cleanup_demo',
  async () => {
    await new Promise((r) => setTimeout(r, slowRun ? 300 : 10));
    return { processed: 5 };
  },
  { ...jobSla(config, 'cleanup_demo'), ledger, alerter, telemetry },
);
const broken = withSla(
  'cleanup_broken',
  async () => {
    throw new Error('connect postgres://app:hunter2@db.internal/prod failed: password=hunter2');
  },
  { ...jobSla(config, 'cleanup_broken'), ledger, alerter, telemetry },
);
const slo = createSloTracker(config);
const health = createHealth({ telemetry, checks: { db: { run: () => ({ status: 'pass' }), roles: ['readiness'] } } });
let server: Server;
let base: string;
let closedServer: Server;
let closedBase: string;

async function listen(app: express.Express): Promise<[Server, string]> {
  const s: Server = await new Promise((r) => {
    const x = app.listen(0, '127.0.0.1', () => r(x));
  });
  return [s, `http://127.0.0.1:${(s.address() as AddressInfo).port}`];
}

async function get(path: string, init: RequestInit = {}, url = base): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${url}${path}`, init);
  const text = await res.text();
  expect(text).not.toContain('hunter2');
  return { status: res.status, body: JSON.parse(text) as Record<string, unknown> };
}

beforeAll(async () => {
  const app = express();
  app.use(instrument({ telemetry, slo, logging: { enabled: false } }));
  app.use(health.express());
  app.use(
    opsRouter({
      alerter,
      ledger,
      health,
      jobs: { cleanup_demo: demo, cleanup_broken: broken },
      slo,
      config,
      authorize: (req) => req.headers.authorization === ADMIN,
    }),
  );
  app.get('/orders/:id', (req, res) => {
    res.json({ id: req.params.id });
  });
  app.get('/boom', (_req, res) => {
    res.status(503).json({ error: 'down' });
  });
  [server, base] = await listen(app);
  const closed = express();
  closed.use(opsRouter({ alerter, ledger, jobs: [demo] }));
  [closedServer, closedBase] = await listen(closed);

  await demo(); // 300 ms against 200 ms: warning and critical
  slowRun = false;
  await demo();
  await broken().catch(() => undefined);
  for (let i = 0; i < 10; i++) await fetch(`${base}/orders/${i}`);
  for (let i = 0; i < 2; i++) await fetch(`${base}/boom`);
  await alerter.idle();
});

afterAll(async () => {
  health.close();
  server?.closeAllConnections();
  closedServer?.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  await new Promise<void>((r) => closedServer.close(() => r()));
  await alerter.close();
  await telemetry.shutdown();
});

describe('read routes: response shapes', () => {
  it('GET /ops/health summarises health, alerts, remediations and jobs', async () => {
    const { status, body } = await get('/ops/health');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      status: 'pass',
      alerts: { lastHour: expect.any(Number), criticalLast24h: expect.any(Number), active: expect.any(Number) },
      remediations: { last24h: 0, succeeded: 0, failed: 0 },
      jobs: ['cleanup_broken', 'cleanup_demo'],
    });
    const alerts = body.alerts as { lastHour: number; criticalLast24h: number };
    expect(alerts.lastHour).toBeGreaterThanOrEqual(2);
    expect(alerts.criticalLast24h).toBeGreaterThanOrEqual(1);
  });

  it('GET /ops/alerts filters by severity and limit, newest first', async () => {
    const all = await get('/ops/alerts');
    const names = (all.body.alerts as { alertname: string }[]).map((a) => a.alertname);
    expect(names).toContain('JobSlaBreachWarning');
    expect(names).toContain('JobSlaBreachCritical');
    const critical = await get('/ops/alerts?severity=critical&limit=1');
    expect(critical.status).toBe(200);
    expect(critical.body.count).toBe(1);
    expect((critical.body.alerts as { severity: string; kind: string }[])[0]).toMatchObject({
      severity: 'critical',
      kind: 'notification',
    });
    const future = await get(`/ops/alerts?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`);
    expect(future.body.count).toBe(0);
  });

  it('GET /ops/jobs and /ops/jobs/:name: runs, success rate, percentiles, last success, recent runs', async () => {
    const { body } = await get('/ops/jobs');
    const jobs = body.jobs as {
      name: string;
      runs: number;
      successRate: number | null;
      lastSuccess: string | null;
      durationSeconds: { p95: number };
    }[];
    expect(jobs.map((j) => j.name)).toEqual(['cleanup_broken', 'cleanup_demo']);
    expect(jobs[1]).toMatchObject({ name: 'cleanup_demo', runs: 2, successRate: 1, budgetSeconds: 0.2 });
    expect(jobs[1]?.durationSeconds.p95).toBeGreaterThanOrEqual(0.29);
    expect(jobs[1]?.lastSuccess).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(jobs[0]).toMatchObject({ name: 'cleanup_broken', runs: 1, successRate: 0, lastSuccess: null });
    const one = await get('/ops/jobs/cleanup_demo?limit=1');
    expect(one.status).toBe(200);
    expect(one.body.recent).toHaveLength(1);
    const broken = await get('/ops/jobs/cleanup_broken');
    const run = (broken.body.recent as { outcome: string; errorMessage: string }[])[0];
    expect(run?.outcome).toBe('failed');
    expect(run?.errorMessage).toContain('[redacted]');
    expect((await get('/ops/jobs/nope')).status).toBe(404);
  });

  it('GET /ops/slo: the in-process SLO view and the job SLAs, PASS/FAIL per target', async () => {
    const { status, body } = await get('/ops/slo');
    expect(status).toBe(200);
    const slos = body.slos as { name: string; total: number; good: number; status: string }[];
    // /ops and /health requests are not counted (ignorePaths / ops routes count, but 10 + 2 are the API's).
    const availability = slos.find((s) => s.name === 'availability');
    expect(availability?.good).toBe((availability?.total ?? 0) - 2);
    expect(availability?.total).toBeGreaterThanOrEqual(12);
    expect(availability?.status).toBe('FAIL');
    expect(slos.find((s) => s.name === 'latency')?.status).toBe('PASS');
    expect(body.jobs).toEqual([
      { name: 'cleanup_broken', runs: 1, successRate: 0, objective: 0.95, status: 'FAIL' },
      { name: 'cleanup_demo', runs: 2, successRate: 1, objective: 0.95, status: 'PASS' },
    ]);
    expect(body.pass).toBe(false);
    const past = await get('/ops/slo?from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z');
    expect((past.body.slos as { status: string }[]).map((s) => s.status)).toEqual(['NO_DATA', 'NO_DATA']);
    // The job SLAs cover the requested interval only, not everything since `from`.
    expect((past.body.jobs as { runs: number; status: string }[]).map((j) => [j.runs, j.status])).toEqual([
      [0, 'NO_DATA'],
      [0, 'NO_DATA'],
    ]);
  });
});

describe('validation', () => {
  it.each([
    ['/ops/alerts?limit=abc', 'limit'],
    ['/ops/alerts?limit=0', 'limit'],
    ['/ops/alerts?limit=1001', 'limit'],
    ['/ops/alerts?limit=', 'limit'],
    ['/ops/alerts?severity=urgent', 'severity'],
    ['/ops/alerts?since=yesterday', 'since'],
    ['/ops/alerts?kind=email', 'kind'],
    ['/ops/alerts?foo=1', 'foo'],
    ['/ops/jobs?window=forever', 'window'],
    ['/ops/jobs?window=365d', 'window'],
    ['/ops/jobs/cleanup_demo?limit=-1', 'limit'],
    ['/ops/slo?from=x', 'from'],
    ['/ops/slo?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', 'from'],
    ['/ops/health?verbose=1', 'verbose'],
  ])('%s → 400 naming %s', async (path, parameter) => {
    const { status, body } = await get(path);
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: 'invalid_query', parameter });
    expect(body.message).toContain(parameter);
  });

  it('a burst of 1000 bad queries gets 400s and leaves the service healthy', async () => {
    const bad = ['limit=abc', 'severity=x', 'since=nope', 'limit=99999', 'x=1'];
    const statuses: number[] = [];
    for (let batch = 0; batch < 20; batch++) {
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => fetch(`${base}/ops/alerts?${bad[(batch + i) % bad.length]}`).then((r) => r.status)),
      );
      statuses.push(...results);
    }
    expect(statuses).toHaveLength(1000);
    expect(new Set(statuses)).toEqual(new Set([400]));
    expect((await get('/ops/health')).status).toBe(200);
    expect((await fetch(`${base}/health`)).status).toBe(200);
    expect((await fetch(`${base}/orders/1`)).status).toBe(200);
  });
});

describe('admin routes', () => {
  it('refuse without authorize (403), without credentials (401) and with wrong ones (403)', async () => {
    expect((await get('/ops/jobs/cleanup_demo/run', { method: 'POST', headers: CSRF }, closedBase)).status).toBe(403);
    expect((await get('/ops/jobs/cleanup_demo/run', { method: 'POST', headers: admin }, closedBase)).status).toBe(403);
    expect((await get('/ops/jobs/cleanup_demo/run', { method: 'POST', headers: CSRF })).status).toBe(401);
    expect(
      (await get('/ops/jobs/cleanup_demo/run', { method: 'POST', headers: { ...CSRF, authorization: 'Bearer guess' } })).status,
    ).toBe(403);
    expect((await get('/ops/remediate?alert=JobSlaBreachCritical', { method: 'POST', headers: CSRF })).status).toBe(401);
    expect(remediated).toBe(0);
  });

  it('refuse what may be cross-site even with valid credentials: no JSON type / marker header, or a foreign Origin', async () => {
    const before = (await ledger.recent('cleanup_demo', 100)).length;
    const form = await get('/ops/jobs/cleanup_demo/run', {
      method: 'POST',
      headers: { authorization: ADMIN, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'x=1',
    });
    expect(form).toMatchObject({ status: 403, body: { error: 'csrf_missing_header' } });
    const foreign = await get('/ops/remediate?alert=JobSlaBreachCritical', {
      method: 'POST',
      headers: { ...admin, origin: 'https://evil.example' },
    });
    expect(foreign).toMatchObject({ status: 403, body: { error: 'csrf_cross_origin' } });
    const json = await get('/ops/jobs/cleanup_demo/run', {
      method: 'POST',
      headers: { authorization: ADMIN, 'content-type': 'application/json', origin: base },
      body: '{}',
    });
    expect(json.status).toBe(202);
    await waitFor('the run to finish', async () => {
      const runs = await ledger.recent('cleanup_demo', 100);
      return runs.length === before + 1 && runs[0]?.outcome !== 'running' ? true : undefined;
    });
    expect(remediated).toBe(0);
  });

  it('POST /ops/jobs/:name/run starts a run (202) recorded in the ledger', async () => {
    const before = (await ledger.recent('cleanup_demo', 100)).length;
    const { status, body } = await get('/ops/jobs/cleanup_demo/run', { method: 'POST', headers: admin });
    expect(status).toBe(202);
    expect(body).toMatchObject({ accepted: true, job: 'cleanup_demo' });
    const newest = await waitFor('the manual run in the ledger', async () => {
      const runs = await ledger.recent('cleanup_demo', 100);
      return runs.length === before + 1 && runs[0]?.outcome !== 'running' ? runs[0] : undefined;
    });
    expect(newest.outcome).toBe('succeeded');
    expect((await get('/ops/jobs/nope/run', { method: 'POST', headers: admin })).status).toBe(404);
  });

  it('POST /ops/remediate runs a registered remediation; unknown → 404; bad name → 400', async () => {
    const ok = await get('/ops/remediate?alert=JobSlaBreachCritical', { method: 'POST', headers: admin });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      kind: 'remediation',
      alertname: 'JobSlaBreachCritical',
      trigger: 'manual',
      result: 'succeeded',
    });
    expect(remediated).toBe(1);
    expect((await get('/ops/remediate?alert=NoSuchAlert', { method: 'POST', headers: admin })).status).toBe(404);
    const bad = await get('/ops/remediate?alert=a%20b', { method: 'POST', headers: admin });
    expect(bad).toMatchObject({ status: 400, body: { parameter: 'alert' } });
    const summary = await get('/ops/health');
    // The unknown name is answered 404 and not recorded.
    expect(summary.body.remediations).toMatchObject({ last24h: 1, succeeded: 1, failed: 0 });
  });
});
