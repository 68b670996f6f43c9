// docs/metrics.md lists every series the packages export, and only those: its metrics table is the catalogue's
// (checked statically against METRIC_CATALOGUE) and a scrape of a service that exercises all four packages shows
// exactly the catalogued families (checked dynamically: no instrument is created outside the catalogue).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAlerter, createTelemetry, METRIC_CATALOGUE, prometheusName } from '@slakit/core';
import { parsePrometheusText } from '@slakit/core/testing';
import { instrument } from '@slakit/express-middleware';
import { createHealth } from '@slakit/health';
import { memoryLeases, schedule, watchQueue, withSla } from '@slakit/job-wrapper';
import express from 'express';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const doc = readFileSync(join(root, 'docs/metrics.md'), 'utf8');
/** The rows of the generated metrics table (between its catalogue markers): Prometheus name → OTel instrument. */
const metricsTable = doc.slice(doc.indexOf('<!-- catalogue:metrics:start -->'), doc.indexOf('<!-- catalogue:metrics:end -->'));
const rows = [...metricsTable.matchAll(/^\|\s*`([a-z_][a-z0-9_]*)`\s*\|\s*`([a-z][a-z0-9_.]*)`/gm)];
const documented = new Set(rows.map((m) => m[1]));
const catalogued = Object.values(METRIC_CATALOGUE);
const cataloguedNames = new Set<string>(catalogued.map((m) => m.prometheus));

describe('docs/metrics.md', () => {
  it('documents every catalogued metric, and only those, under the name prometheusName() exposes', () => {
    expect(catalogued.length).toBeGreaterThanOrEqual(20);
    expect(rows.map((m) => [m[1], m[2]])).toEqual(catalogued.map((m) => [m.prometheus, m.otel]));
    for (const m of catalogued) expect(prometheusName(m.otel, m.unit, m.type), m.otel).toBe(m.prometheus);
  });

  it('documents every family a service using all four packages exposes', async () => {
    const telemetry = createTelemetry({
      serviceName: 'docs',
      providers: 'own',
      env: {},
      logger: { level: 'silent' },
      runtimeMetrics: true,
    });
    // One sink that accepts everything: alerts_notifications_total is recorded per delivery.
    const sink = { name: 'docs_sink', kind: 'chat' as const, send: async () => {} };
    const alerter = createAlerter({ telemetry, env: {}, sinks: [sink], remediations: { A: () => {} } });
    const app = express();
    app.use(instrument({ telemetry, maxRoutes: 1, logging: { enabled: false } }));
    app.get('/a', (_req, res) => {
      res.end('a');
    });
    app.get('/b', (_req, res) => {
      res.end('b');
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    await fetch(`${base}/a`);
    await fetch(`${base}/b`); // over maxRoutes: the overflow counter
    const health = createHealth({ telemetry, checks: { db: { run: () => ({ status: 'pass' }) } } });
    const leases = memoryLeases();
    let release: () => void = () => {};
    const job = withSla(
      'docs_job',
      async () => {
        await new Promise<void>((r) => {
          release = r;
        });
        return { processed: 1 };
      },
      { budgetSeconds: 10, telemetry, leases, env: {}, stallSeconds: 60 },
    );
    const running = job(undefined, { scheduledAt: new Date(Date.now() - 1000) }); // a start delay
    await new Promise((r) => setTimeout(r, 20));
    await job(); // skipped_locked: lease contention
    release();
    await running;
    const second = job(); // a second executed run: the interval between the two
    await new Promise((r) => setTimeout(r, 20));
    release();
    await second;
    const sched = schedule('0 0 * * *', job, { telemetry });
    const queue = watchQueue('docs_queue', {
      probe: async () => ({
        depth: 1,
        averageAgeSeconds: 1,
        oldestAgeSeconds: 1,
        overSla: 0,
        requiringEscalation: 0,
        resolvedPerDay: 0,
        oldestIds: [],
      }),
      telemetry,
      env: {},
    });
    await queue.check();
    alerter.fire({ labels: { alertname: 'A', severity: 'critical' } });
    alerter.fire({ labels: { alertname: 'A', severity: 'critical' } });
    await alerter.remediate('A');
    await alerter.idle();
    // Garbage for at least one collection: v8js_gc_duration_seconds is recorded per GC.
    for (let i = 0; i < 10; i++) Array.from({ length: 100_000 }, (_, j) => ({ j }));
    await new Promise((r) => setTimeout(r, 50));
    await telemetry.scrape(); // the slakit_scrape_* gauges describe the previous scrape
    const families = parsePrometheusText((await telemetry.scrape()) ?? '').map((f) => f.name);
    sched.stop();
    queue.stop();
    health.close();
    server.close();
    await alerter.close();
    await telemetry.shutdown();
    expect(families.length).toBeGreaterThanOrEqual(20);
    expect(families.filter((f) => f !== 'target_info' && !documented.has(f))).toEqual([]);
    // Every instrument the packages create is catalogued, and the run above exercises every catalogued one.
    expect(families.filter((f) => f !== 'target_info' && !cataloguedNames.has(f))).toEqual([]);
    expect([...cataloguedNames].filter((n) => !families.includes(n))).toEqual([]);
  });
});
