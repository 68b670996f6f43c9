import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type Alerter,
  type AlertSink,
  alertmanagerSink,
  createAlerter,
  createTelemetry,
  healthAlerting,
  jobSchedule,
  jobSla,
  logSink,
  pagerDutySink,
  queueThresholds,
  redisAlertStore,
  runbookUrl,
  slackSink,
  type Telemetry,
  type TelemetryOptions,
} from '@slakit/core';
import { errorHandler, errorRecorder, instrument } from '@slakit/express-middleware';
import {
  createHealth,
  eventLoopDelay,
  type Health,
  type HealthCheck,
  memory,
  postgres,
  redis,
  staleLeases,
} from '@slakit/health';
import {
  type LeaseStore,
  memoryLeases,
  memoryLedger,
  postgresLeases,
  postgresLedger,
  type RunLedger,
  type Schedule,
  type SlaJob,
  schedule,
  watchQueue,
  withSla,
} from '@slakit/job-wrapper';
import { createSloTracker, opsRouter } from '@slakit/ops';
import express from 'express';
import { Redis } from 'ioredis';
import pg from 'pg';
import config from '../slakit.config.js';

/** Options of {@link startDemo}. */
export interface DemoOptions {
  /** Default `PORT` or 3000 (0 picks a free port). */
  port?: number;
  /** Default `HOST` or 127.0.0.1. */
  host?: string;
  /** Environment (default `process.env`): `DATABASE_URL`, `REDIS_URL`, `ALERTMANAGER_URL`, `SLACK_WEBHOOK_URL`, … */
  env?: Record<string, string | undefined>;
  /** Make `cleanup_pdfs` run 125 % of its 4 s budget: a warning at 3.2 s, a breach at 4 s. Default `DEMO_FORCE_BREACH=1`. */
  forceBreach?: boolean;
  /** Install SIGTERM/SIGINT handlers that drain and exit; default false (the CLI entry sets it). */
  handleSignals?: boolean;
  telemetry?: TelemetryOptions;
}

/** A running demo service. */
export interface DemoService {
  url: string;
  telemetry: Telemetry;
  alerter: Alerter;
  ledger: RunLedger;
  health: Health;
  /** What the demo runs on: `memory` or `postgres` leases/ledger, `memory` or `redis` alert dedup. */
  backends: { store: 'memory' | 'postgres'; dedup: 'memory' | 'redis'; sinks: string[] };
  /** Drains (readiness 503), stops the schedules and closes every connection the demo opened. */
  close(): Promise<void>;
}

interface Row {
  id: number;
  createdAt: number;
}

/** An in-memory "table" the simulated cleanup jobs delete from. */
function table(rows: number, maxAgeDays: number): Row[] {
  const now = Date.now();
  return Array.from({ length: rows }, (_, i) => ({ id: i + 1, createdAt: now - Math.random() * maxAgeDays * 86_400_000 }));
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    });
  });

/**
 * Starts the demo: a small API instrumented with `instrument()`, `/metrics`, the health endpoints, the ops API, the
 * four seed-000 cleanup jobs (`withSla` + `schedule`) and a manual-resolution queue monitor — on embedded defaults
 * (in-memory leases, ledger and log alerts), or on Postgres/Redis and real sinks when their variables are set.
 */
export async function startDemo(options: DemoOptions = {}): Promise<DemoService> {
  const env = options.env ?? process.env;
  const forceBreach = options.forceBreach ?? env.DEMO_FORCE_BREACH === '1';
  const prefix = env.DEMO_TABLE_PREFIX ?? 'slakit';
  const telemetry = createTelemetry({ serviceName: config.service, serviceVersion: '0.1.0', env, ...options.telemetry });
  const logger = telemetry.logger;

  // ---- backends: embedded by default, real ones when configured ----------------------------------------------
  const pool = env.DATABASE_URL ? new pg.Pool({ connectionString: env.DATABASE_URL, max: 5 }) : undefined;
  const redisClient = env.REDIS_URL ? new Redis(env.REDIS_URL, { maxRetriesPerRequest: 1, lazyConnect: false }) : undefined;
  let leases: LeaseStore;
  let ledger: RunLedger;
  if (pool) {
    const pgLeases = postgresLeases(pool, { table: `${prefix}_leases` });
    const pgLedger = postgresLedger(pool, { table: `${prefix}_job_runs` });
    await pgLeases.ensureSchema();
    await pgLedger.ensureSchema();
    leases = pgLeases;
    ledger = pgLedger;
  } else {
    leases = memoryLeases();
    ledger = memoryLedger({ maxRuns: 5000 });
  }
  const sinks: AlertSink[] = [logSink(logger)];
  if (env.ALERTMANAGER_URL) sinks.push(alertmanagerSink(env.ALERTMANAGER_URL));
  if (env.SLACK_WEBHOOK_URL) sinks.push(slackSink(env.SLACK_WEBHOOK_URL));
  if (env.PAGERDUTY_ROUTING_KEY) sinks.push(pagerDutySink({ routingKey: env.PAGERDUTY_ROUTING_KEY }));
  const alerter = createAlerter({
    telemetry,
    env,
    sinks,
    ...(redisClient ? { store: redisAlertStore(redisClient, { prefix: `${prefix}:alert:` }) } : {}),
  });

  // ---- the cleanup jobs of seed 000, budgets scaled to seconds ------------------------------------------------
  const tables: Record<string, Row[]> = {
    cleanup_quiz_responses: table(400, 120),
    cleanup_pdfs: table(120, 60),
    cleanup_magic_links: table(300, 2),
    cleanup_blacklist: table(80, 14),
  };
  const retentionDays: Record<string, number> = {
    cleanup_quiz_responses: 90,
    cleanup_pdfs: 30,
    cleanup_magic_links: 1,
    cleanup_blacklist: 7,
  };
  const jobs: Record<string, SlaJob> = {};
  const schedules: Schedule[] = [];
  for (const name of Object.keys(config.jobs)) {
    const sla = jobSla(config, name);
    jobs[name] = withSlaJob(name, sla);
    const s = jobSchedule(config, name);
    if (s) {
      schedules.push(
        schedule(s.cron, jobs[name] as SlaJob, {
          timezone: s.timezone,
          graceSeconds: s.graceSeconds,
          runbookUrl: s.runbookUrl,
          alerter,
          telemetry,
          logger,
        }),
      );
    }
  }
  function withSlaJob(name: string, sla: ReturnType<typeof jobSla>): SlaJob {
    return withSla(
      name,
      async (ctx) => {
        const rows = tables[name] as Row[];
        const cutoff = Date.now() - (retentionDays[name] as number) * 86_400_000;
        const breach = forceBreach && name === 'cleanup_pdfs';
        const workMs = breach ? sla.budgetSeconds * 1250 : 50 + Math.random() * sla.budgetSeconds * 100;
        await sleep(workMs, ctx.signal);
        let processed = 0;
        for (let i = rows.length - 1; i >= 0; i--) {
          if ((rows[i] as Row).createdAt < cutoff) {
            rows.splice(i, 1);
            processed++;
          }
        }
        // New rows keep arriving, so every run has something to do.
        rows.push(...table(10 + Math.floor(Math.random() * 20), (retentionDays[name] as number) * 2));
        ctx.progress(processed);
        return { processed };
      },
      { ...sla, leases, ledger, alerter, telemetry, logger },
    );
  }

  // ---- a manual-resolution queue (seed 000) ------------------------------------------------------------------
  const queueItems = table(40, 2.5);
  let resolvedToday = 0;
  const queue = watchQueue('manual_resolution', {
    probe: async () => {
      const now = Date.now();
      const ages = queueItems.map((r) => (now - r.createdAt) / 1000).sort((a, b) => b - a);
      return {
        depth: ages.length,
        averageAgeSeconds: ages.length ? ages.reduce((a, b) => a + b, 0) / ages.length : 0,
        oldestAgeSeconds: ages[0] ?? 0,
        overSla: ages.filter((a) => a > 86_400).length,
        requiringEscalation: ages.filter((a) => a > 7 * 86_400).length,
        resolvedPerDay: resolvedToday,
        oldestIds: [],
      };
    },
    thresholds: queueThresholds(config, 'manual_resolution'),
    intervalMs: 15_000,
    runbookUrl: (alert) => runbookUrl(config, alert),
    alerter,
    telemetry,
    logger,
  });
  const operator = setInterval(() => {
    queueItems.shift();
    queueItems.push(...table(1, 0.01));
    resolvedToday++;
  }, 20_000);
  operator.unref();

  // ---- HTTP: API, metrics, health, ops ---------------------------------------------------------------------------
  const adminToken = env.OPS_ADMIN_TOKEN;
  const isAdmin = (req: IncomingMessage) => {
    if (!adminToken) return false;
    const given = Buffer.from(req.headers.authorization ?? '');
    const wanted = Buffer.from(`Bearer ${adminToken}`);
    return given.length === wanted.length && timingSafeEqual(given, wanted);
  };
  const slo = createSloTracker(config);
  const app = express();
  app.disable('x-powered-by');
  // Also serves GET /metrics (Prometheus text format) without a router layer of its own.
  app.use(instrument({ telemetry, slo, metricsEndpoint: true }));

  const checks: Record<string, HealthCheck> = { event_loop: eventLoopDelay(), memory: memory() };
  if (pool) checks.postgres = postgres(pool);
  if (redisClient) checks.redis = redis(redisClient);
  if (pool) checks.leases = staleLeases(leases as LeaseStore & Parameters<typeof staleLeases>[0]);
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(options.port ?? Number(env.PORT ?? 3000), options.host ?? env.HOST ?? '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  let closing: Promise<void> | undefined;
  const cleanup = async () => {
    for (const s of schedules) s.stop();
    queue.stop();
    clearInterval(operator);
    await alerter.close();
    await pool?.end();
    redisClient?.disconnect();
    await telemetry.shutdown();
  };
  const health = createHealth({
    telemetry,
    alerter,
    ...healthAlerting(config), // HealthCheckFailing waits health.failingFor, as the generated rule's `for`
    server,
    checks,
    authorize: isAdmin,
    drainDelayMs: 1000,
    onShutdown: [cleanup],
    ...(options.handleSignals ? { handleSignals: ['SIGTERM', 'SIGINT'] as NodeJS.Signals[], exitProcess: true } : {}),
  });
  app.use(health.express());
  app.use(opsRouter({ alerter, ledger, health, jobs, slo, config, authorize: isAdmin, logger }));

  app.get('/orders/:id', (req, res) => {
    res.json({ id: req.params.id, status: 'shipped' });
  });
  app.post('/orders', express.json({ limit: '16kb' }), (req, res) => {
    res
      .status(201)
      .json({ id: Math.floor(Math.random() * 1e6), items: Array.isArray(req.body?.items) ? req.body.items.length : 0 });
  });
  app.get('/orders/:id/invoice', async (req, res) => {
    await sleep(150 + Math.random() * 150); // sometimes slower than the 200 ms latency objective
    res.json({ id: req.params.id, total: 42 });
  });
  app.get('/boom', () => {
    throw new TypeError('a deliberate failure (shows error_type in the metrics)');
  });
  app.use((_req: express.Request, res: express.Response) => {
    res.status(404).json({ error: 'not_found' });
  });
  // After every route: record the error type, then answer JSON (400 for a malformed body, 500 otherwise) — never
  // Express's default page (stack trace, file paths) — and log through the redacting logger, without the raw body.
  app.use(errorRecorder());
  app.use(errorHandler({ logger }));

  // One run of every job and one queue check at start, so /ops and /metrics have data at once.
  for (const job of Object.values(jobs)) void job().catch(() => undefined);
  await queue.check();

  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? env.HOST ?? '127.0.0.1'}:${port}`,
    telemetry,
    alerter,
    ledger,
    health,
    backends: {
      store: pool ? 'postgres' : 'memory',
      dedup: redisClient ? 'redis' : 'memory',
      sinks: sinks.map((s) => s.name),
    },
    close() {
      closing ??= health.shutdown();
      return closing;
    },
  };
}
