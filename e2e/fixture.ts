// A fixture service built with all four packages, driven by one slakit config: Express routes instrumented by
// @slakit/express-middleware, health endpoints from @slakit/health, jobs and a queue monitor from
// @slakit/job-wrapper, telemetry and alerts from @slakit/core.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTelemetry, jobSla, queueThresholds, type SlakitConfig, sloLatencyThresholds, type Telemetry } from '@slakit/core';
import { errorRecorder, instrument, metricsRoute } from '@slakit/express-middleware';
import { createHealth, type Health } from '@slakit/health';
import { type QueueMonitor, type RunResult, watchQueue, withSla } from '@slakit/job-wrapper';
import express from 'express';

export interface Fixture {
  url: string;
  telemetry: Telemetry;
  health: Health;
  /** Runs `e2e_breach` once: 1.3 s against a 1 s budget (utilization 1.3), 2 s after its slot (a start delay). */
  runBreach: () => Promise<RunResult>;
  /** Runs `e2e_failing` once: throws on both of its attempts (retries exhausted). */
  runFailing: () => Promise<void>;
  queue: QueueMonitor;
  close: () => Promise<void>;
}

export async function startFixture(config: SlakitConfig): Promise<Fixture> {
  const telemetry = createTelemetry({
    serviceName: config.service,
    providers: 'own',
    env: {},
    logger: { level: 'error' },
    runtimeMetrics: true, // the runtime row of the dashboards and the runtime rules read them
  });
  const app = express();
  app.use(
    instrument({ telemetry, slo: { latencyThresholdsSeconds: sloLatencyThresholds(config) }, logging: { enabled: false } }),
  );
  const health = createHealth({
    telemetry,
    checks: {
      db: {
        run: () => ({ status: 'pass', observedValue: 1, observedUnit: 'ms' }),
        roles: ['readiness'],
        severity: 'critical',
        ttlMs: 1000,
      },
    },
  });
  app.use(health.express());
  app.use(metricsRoute(telemetry));
  app.get('/orders/:id', (req, res) => {
    res.json({ id: req.params.id });
  });
  app.get('/fail', (_req, res) => {
    res.status(500).json({ error: 'injected' });
  });
  app.use(errorRecorder());
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const breach = withSla(
    'e2e_breach',
    async () => {
      await new Promise((r) => setTimeout(r, 1300));
      return { processed: 10 };
    },
    { ...jobSla(config, 'e2e_breach'), telemetry, stallSeconds: 60 },
  );
  const failing = withSla(
    'e2e_failing',
    async () => {
      throw new Error('injected failure');
    },
    { ...jobSla(config, 'e2e_failing'), telemetry, retry: { attempts: 2, baseMs: 10 } },
  );
  const queue = watchQueue('e2e_queue', {
    probe: async () => ({
      depth: 600,
      averageAgeSeconds: 3600,
      oldestAgeSeconds: 7200,
      overSla: 0,
      requiringEscalation: 0,
      resolvedPerDay: 10,
      oldestIds: [],
    }),
    thresholds: queueThresholds(config, 'e2e_queue'),
    telemetry,
    intervalMs: 60_000,
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    telemetry,
    health,
    runBreach: () => breach(undefined, { scheduledAt: new Date(Date.now() - 2000) }),
    runFailing: async () => {
      await failing().catch(() => undefined);
    },
    queue,
    close: async () => {
      queue.stop();
      health.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await telemetry.shutdown();
    },
  };
}
