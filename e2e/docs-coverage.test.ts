// docs/metrics.md lists every series the packages export: checked statically (every instrument created in the
// sources) and dynamically (every family in a scrape of a service that exercises all four packages).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAlerter, createTelemetry, prometheusName } from '@slakit/core';
import { parsePrometheusText } from '@slakit/core/testing';
import { instrument } from '@slakit/express-middleware';
import { createHealth } from '@slakit/health';
import { memoryLeases, schedule, watchQueue, withSla } from '@slakit/job-wrapper';
import express from 'express';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const doc = readFileSync(join(root, 'docs/metrics.md'), 'utf8');
const documented = new Set([...doc.matchAll(/^\|\s*`([a-z_]+)`\s*\|/gm)].map((m) => m[1]));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

describe('docs/metrics.md', () => {
  it('documents every instrument created in the package sources', () => {
    const created: string[] = [];
    for (const pkg of ['core', 'health', 'job-wrapper', 'express-middleware', 'ops']) {
      for (const file of sources(join(root, 'packages', pkg, 'src'))) {
        const text = readFileSync(file, 'utf8');
        const calls =
          /\.(createHistogram|createCounter|createUpDownCounter|createGauge|createObservableGauge|histogram|counter|upDownCounter)\(\s*'([a-z][a-z0-9_.]*)',\s*(\{[^}]*\})?/g;
        for (const m of text.matchAll(calls)) {
          const kind = m[1] as string;
          const unit = /unit:\s*'([^']*)'/.exec(m[3] ?? '')?.[1] ?? '';
          const type =
            /Counter$|^counter$/.test(kind) && !/UpDown|upDown/.test(kind)
              ? 'counter'
              : kind.includes('istogram')
                ? 'histogram'
                : 'gauge';
          created.push(prometheusName(m[2] as string, unit, type));
        }
      }
    }
    expect(created.length).toBeGreaterThanOrEqual(20);
    expect(created.filter((n) => !documented.has(n))).toEqual([]);
  });

  it('documents every family a service using all four packages exposes', async () => {
    const telemetry = createTelemetry({ serviceName: 'docs', providers: 'own', env: {}, logger: { level: 'silent' } });
    const alerter = createAlerter({ telemetry, env: {}, sinks: [], remediations: { A: () => {} } });
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
      { budgetSeconds: 10, telemetry, leases, env: {} },
    );
    const running = job();
    await new Promise((r) => setTimeout(r, 20));
    await job(); // skipped_locked: lease contention
    release();
    await running;
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
    await new Promise((r) => setTimeout(r, 50));
    const families = parsePrometheusText((await telemetry.scrape()) ?? '').map((f) => f.name);
    sched.stop();
    queue.stop();
    health.close();
    server.close();
    await alerter.close();
    await telemetry.shutdown();
    expect(families.length).toBeGreaterThanOrEqual(20);
    expect(families.filter((f) => f !== 'target_info' && !documented.has(f))).toEqual([]);
  });
});
