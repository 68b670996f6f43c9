import { EventEmitter } from 'node:events';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import {
  type Alerter,
  type Clock,
  createLogger,
  invalidOption,
  systemClock,
  type Telemetry,
  validateOptions,
  withDeadline,
} from '@slakit/core';
import type { Logger } from 'pino';
import { type CheckStatus, type HealthCheck, type NamedHealthCheck, type Role, resolveChecks } from './check.js';
import { healthOptionsSchema } from './options-schema.js';
import { decodeSegment, mergeVary, parseTarget, wantsVerbose } from './request.js';
import { type CheckState, createRunner } from './runner.js';

/** Lifecycle of the service as seen by the probes. */
export type HealthState = 'starting' | 'ready' | 'draining' | 'closing' | 'stopped';

/** Options of {@link createHealth}. */
export interface HealthOptions {
  /** Named checks, e.g. `{ db: postgres(pool), cache: redis(client), loop: eventLoopDelay() }`, or an array of `{ name, ...check }`. */
  checks: Record<string, HealthCheck> | NamedHealthCheck[];
  /** IETF `version`, `releaseId`, `serviceId`, `description`; `serviceId` defaults to the telemetry's service name. */
  version?: string;
  releaseId?: string;
  serviceId?: string;
  description?: string;
  /** An endpoint never waits longer than this for results (also on the very first request); default 800 ms. */
  endpointDeadlineMs?: number;
  /** Detailed output (`?verbose`, `/health/<check>`) only when this returns true; default: never. */
  authorize?: (req: IncomingMessage) => boolean | Promise<boolean>;
  /**
   * Request headers `authorize()` reads. Every response whose content can depend on authorisation names them in
   * `Vary`, so a shared cache never serves one caller's answer to another; default `['Authorization', 'Cookie']`
   * (the names given are added to these).
   */
  authorizeHeaders?: string[];
  /** Records `health_check_duration_seconds` and `health_check_status`. */
  telemetry?: Telemetry;
  /** Raises `HealthCheckFailing` (critical) while a critical check fails; resolves it on recovery. */
  alerter?: Alerter;
  logger?: Logger;
  /** The server to close on shutdown. */
  server?: Server;
  /** Signals that start the shutdown; default none (opt in with `['SIGTERM', 'SIGINT']`). Listeners are removed on close. */
  handleSignals?: NodeJS.Signals[];
  /** How long readiness answers 503 before the server closes, so load balancers stop routing; default 5000 ms. */
  drainDelayMs?: number;
  /** How long in-flight requests may finish after the server closes; default 10000 ms. */
  gracefulTimeoutMs?: number;
  /** Hooks run after the server closed (close pools, flush telemetry), each with `hookTimeoutMs`; default none. */
  onShutdown?: Array<() => Promise<unknown> | unknown>;
  /** Deadline of each shutdown hook; default 5000 ms. */
  hookTimeoutMs?: number;
  /** Call `process.exit(0)` when stopped (only for signal-driven shutdowns); default false. */
  exitProcess?: boolean;
  /** Path prefix of the endpoints; default '' (`/health`, `/readiness`, …). */
  basePath?: string;
  clock?: Clock;
}

/** The IETF draft-inadarei-api-health-check-06 body (`application/health+json`). */
export interface HealthBody {
  status: CheckStatus;
  version?: string;
  releaseId?: string;
  serviceId?: string;
  description?: string;
  output?: string;
  checks?: Record<string, HealthCheckEntry[]>;
}
/** One entry of `checks` in the IETF body. */
export interface HealthCheckEntry {
  componentId?: string;
  componentType?: string;
  observedValue?: number | string | boolean;
  observedUnit?: string;
  status: CheckStatus;
  time?: string;
  output?: string;
}

/** The shape of a Fastify plugin (no dependency on fastify). */
export type FastifyPluginLike = ((
  instance: {
    addHook(
      name: 'onRequest',
      hook: (request: { raw: IncomingMessage }, reply: { raw: ServerResponse; hijack(): void }, done: () => void) => void,
    ): unknown;
  },
  options: unknown,
  done: () => void,
) => void) & { [key: symbol]: unknown };

/** What {@link createHealth} returns. */
export interface Health {
  /** node:http handler: answers the health paths and returns true, or returns false for other paths. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  /** Express 4/5 middleware (`app.use(health.express())`). */
  express(): (req: IncomingMessage, res: ServerResponse, next: () => void) => void;
  /** Fastify 5 plugin (`app.register(health.fastify())`): answers the health paths in an `onRequest` hook. */
  fastify(): FastifyPluginLike;
  /** Koa middleware (`app.use(health.koa())`). */
  koa(): (ctx: { req: IncomingMessage; res: ServerResponse; respond?: boolean }, next: () => Promise<unknown>) => Promise<void>;
  /** The body and HTTP status a path would answer (for custom adapters). */
  evaluate(view: 'health' | Role, options?: { detailed?: boolean; check?: string }): { status: number; body: HealthBody };
  /** Marks startup complete (readiness can pass). */
  markReady(): void;
  /** Current lifecycle state. */
  readonly state: HealthState;
  /** Starts the graceful shutdown (idempotent); resolves when stopped. */
  shutdown(): Promise<void>;
  /** Stops background checks and removes signal listeners, without the shutdown sequence. */
  close(): void;
  on(event: 'state', listener: (state: HealthState) => void): Health;
  off(event: 'state', listener: (state: HealthState) => void): Health;
}

const RANK: Record<CheckStatus, number> = { pass: 0, warn: 1, fail: 2 };
const CONTENT_TYPE = 'application/health+json; charset=utf-8';
const HEALTH_ALERT = 'HealthCheckFailing';

function positive(field: string, value: unknown): void {
  if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)) {
    throw invalidOption(field, value, 'a number of ms > 0');
  }
}

/**
 * Health endpoints that answer from the latest background results: `/health` (status and check names; details with
 * `?verbose` when authorised), `/readiness`, `/liveness`, `/startup`, `/health/readiness`, `/health/liveness` and
 * `/health/<check>`, in `application/health+json`. pass/warn → 200, fail → 503. Also drives graceful shutdown:
 * starting → ready → draining (readiness 503, liveness 200, `Connection: close`) → closing → stopped.
 *
 * @throws SlakitError for bad options and bad checks (see `docs/errors.md`)
 */
export function createHealth(options: HealthOptions): Health {
  validateOptions(healthOptionsSchema, options);
  const checks = resolveChecks(options?.checks);
  positive('endpointDeadlineMs', options.endpointDeadlineMs);
  positive('drainDelayMs', options.drainDelayMs);
  positive('gracefulTimeoutMs', options.gracefulTimeoutMs);
  positive('hookTimeoutMs', options.hookTimeoutMs);
  if (options.authorize !== undefined && typeof options.authorize !== 'function')
    throw invalidOption('authorize', options.authorize, 'a function (req) => boolean');
  if (
    options.authorizeHeaders !== undefined &&
    (!Array.isArray(options.authorizeHeaders) ||
      options.authorizeHeaders.some((h) => typeof h !== 'string' || !/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/.test(h)))
  )
    throw invalidOption('authorizeHeaders', options.authorizeHeaders, 'an array of header names like X-Api-Key');
  for (const key of ['version', 'releaseId', 'serviceId', 'description'] as const) {
    if (options[key] !== undefined && typeof options[key] !== 'string') throw invalidOption(key, options[key], 'a string');
  }
  for (const [i, s] of (options.handleSignals ?? []).entries()) {
    if (typeof s !== 'string' || !/^SIG[A-Z0-9]+$/.test(s))
      throw invalidOption(`handleSignals[${i}]`, s, 'a signal name like SIGTERM');
  }
  const clock = options.clock ?? systemClock;
  const logger = (options.logger ?? options.telemetry?.logger ?? createLogger()).child({ component: 'health' });
  const deadline = options.endpointDeadlineMs ?? 800;
  const base = (options.basePath ?? '').replace(/\/+$/, '');
  const events = new EventEmitter();
  const startedAt = clock.now();
  let state: HealthState = 'starting';
  let manualReady = false;

  const meter = options.telemetry?.meter;
  const durationHistogram = meter?.createHistogram('health.check.duration', {
    unit: 's',
    description: 'Duration of one health check run.',
    advice: { explicitBucketBoundaries: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] },
  });
  const statusGauge = meter?.createGauge('health.check.status', {
    description: 'Health check status: 1 pass, 0.5 warn, 0 fail.',
  });

  const setState = (next: HealthState) => {
    if (state === next) return;
    state = next;
    logger.info({ state: next }, `health: ${next}`);
    events.emit('state', next);
  };

  const runner = createRunner(checks, {
    clock,
    onResult: (s, previous) => {
      const status = s.result?.status ?? 'fail';
      durationHistogram?.record((s.latencyMs ?? 0) / 1000, { check: s.check.name });
      statusGauge?.record(status === 'pass' ? 1 : status === 'warn' ? 0.5 : 0, { check: s.check.name });
      if (previous?.status !== status) {
        const level = status === 'fail' ? 'warn' : 'info';
        logger[level]({ check: s.check.name, status, output: s.result?.output }, `health check ${s.check.name}: ${status}`);
      }
      if (s.check.severity === 'critical' && options.alerter) {
        if (status === 'fail') {
          options.alerter.fire({
            labels: { alertname: HEALTH_ALERT, severity: 'critical', check: s.check.name },
            annotations: {
              summary: `Health check ${s.check.name} is failing (${s.result?.output ?? 'fail'})`,
              recommended_action:
                'Check the dependency behind this check; readiness is failing, so traffic is held off this instance.',
            },
            values: { output: s.result?.output ?? 'fail' },
          });
        } else if (previous?.status === 'fail') {
          options.alerter.resolve({ alertname: HEALTH_ALERT, check: s.check.name });
        }
      }
      if (state === 'starting' && startupPassed()) setState('ready');
    },
  });

  const startupChecks = checks.filter((c) => c.roles.includes('startup'));
  const startupPassed = () =>
    manualReady ||
    startupChecks.every((c) => {
      const r = runner.states.get(c.name)?.result;
      return r !== undefined && r.status !== 'fail';
    });

  const entry = (s: CheckState, detailed: boolean): HealthCheckEntry => {
    const r = s.result;
    const e: HealthCheckEntry = { componentType: s.check.componentType, status: r?.status ?? 'fail' };
    if (detailed) {
      e.componentId = s.check.name;
      if (r?.observedValue !== undefined) e.observedValue = r.observedValue;
      if (r?.observedUnit !== undefined) e.observedUnit = r.observedUnit;
      e.output = r ? (r.output ?? '') : 'PENDING';
      if (s.time !== undefined) e.time = new Date(s.time).toISOString();
    }
    return e;
  };

  const evaluate: Health['evaluate'] = (view, opts = {}) => {
    const detailed = opts.detailed === true;
    const involved = [...runner.states.values()].filter((s) =>
      opts.check ? s.check.name === opts.check : view === 'health' || s.check.roles.includes(view),
    );
    let status: CheckStatus = 'pass';
    for (const s of involved) {
      const r = s.result;
      // No result yet: not ready (readiness/startup), but never a reason to restart (liveness).
      const st: CheckStatus = r ? r.status : view === 'liveness' ? 'pass' : 'fail';
      const effective: CheckStatus = st === 'fail' && s.check.severity === 'degraded' ? 'warn' : st;
      if (RANK[effective] > RANK[status]) status = effective;
    }
    let output: string | undefined;
    if ((view === 'readiness' || view === 'health') && state !== 'ready') {
      if (state !== 'starting' || !startupPassed()) {
        status = 'fail';
        output = state === 'starting' ? 'STARTING' : state.toUpperCase();
      }
    }
    if (view === 'startup' && state === 'starting' && !startupPassed()) {
      status = 'fail';
      output = 'STARTING';
    }
    const body: HealthBody = { status };
    if (output) body.output = output;
    if (view === 'health' || opts.check) {
      if (options.version) body.version = options.version;
      if (options.releaseId) body.releaseId = options.releaseId;
      const serviceId = options.serviceId ?? options.telemetry?.service.name;
      if (serviceId) body.serviceId = serviceId;
      if (options.description) body.description = options.description;
      body.checks = {};
      for (const s of involved) {
        const own = entry(s, detailed);
        body.checks[`${s.check.name}:${s.check.measurement}`] = [own];
        if (!detailed || s.latencyMs === undefined) continue;
        const latency = Math.round(s.latencyMs * 1000) / 1000;
        if (s.check.measurement === 'responseTime') {
          // The check's own entry already is its `responseTime` entry: it keeps its status and output (`TIMEOUT`),
          // and the run's latency is its value only when the check reported none.
          if (own.observedValue === undefined) {
            own.observedValue = latency;
            own.observedUnit = 'ms';
          }
          continue;
        }
        const e: HealthCheckEntry = {
          componentId: s.check.name,
          componentType: s.check.componentType,
          observedValue: latency,
          observedUnit: 'ms',
          status: s.result?.status ?? 'fail',
        };
        if (s.time !== undefined) e.time = new Date(s.time).toISOString();
        body.checks[`${s.check.name}:responseTime`] = [e];
      }
      if (detailed || !opts.check) {
        body.checks.uptime = [
          {
            componentType: 'system',
            observedValue: Math.round((clock.now() - startedAt) / 1000),
            observedUnit: 's',
            status: 'pass',
            time: new Date(clock.now()).toISOString(),
          },
        ];
      }
    }
    return { status: status === 'fail' ? 503 : 200, body };
  };

  const routes = new Map<string, 'health' | Role>([
    [`${base}/health`, 'health'],
    [`${base}/readiness`, 'readiness'],
    [`${base}/liveness`, 'liveness'],
    [`${base}/startup`, 'startup'],
    [`${base}/health/readiness`, 'readiness'],
    [`${base}/health/liveness`, 'liveness'],
    [`${base}/health/startup`, 'startup'],
  ]);
  const minTtlSeconds = Math.max(0, Math.floor(Math.min(...checks.map((c) => c.ttlMs), 60_000) / 1000));

  const varyHeaders = mergeVary(undefined, ['Authorization', 'Cookie', ...(options.authorizeHeaders ?? [])]);

  /**
   * Writes one response; never throws (a response that can no longer be written is dropped and logged).
   * `authDependent`: the content on this URL depends on `authorize()` — `Vary` on its headers; `detailed`: an
   * authorised answer — `private, no-store`, never stored by any cache.
   */
  const write = (
    res: ServerResponse,
    status: number,
    body: HealthBody,
    cache: { detailed?: boolean; authDependent?: boolean; store?: boolean } = {},
    extra: Record<string, string> = {},
  ) => {
    try {
      if (res.headersSent || res.writableEnded || res.destroyed) return;
      const headers: Record<string, string> = {
        'content-type': CONTENT_TYPE,
        'cache-control': cache.detailed
          ? 'private, no-store'
          : cache.store && state === 'ready'
            ? `max-age=${minTtlSeconds}`
            : 'no-store',
        ...extra,
      };
      if (cache.detailed || cache.authDependent) headers.vary = mergeVary(res.getHeader('vary'), [varyHeaders]);
      if (state === 'draining' || state === 'closing') headers.connection = 'close';
      const text = JSON.stringify(body);
      res.writeHead(status, headers);
      res.end(text);
    } catch (error) {
      logger.error({ error: (error as Error)?.name }, 'health: could not write the response');
      try {
        res.destroy();
      } catch {
        // nothing more to do
      }
    }
  };
  const fail = (res: ServerResponse, status: number, output: string, extra?: Record<string, string>) =>
    write(res, status, { status: 'fail', output }, {}, extra);

  const checkPrefix = `${base}/health/`;
  const handle: Health['handle'] = (req, res) => {
    const target = parseTarget(req.url ?? '/');
    if (!target) return false;
    let view = routes.get(target.path);
    let check: string | undefined;
    if (!view && target.path.startsWith(checkPrefix)) {
      const name = decodeSegment(target.path.slice(checkPrefix.length));
      if (name === undefined) {
        fail(res, 400, 'INVALID_PATH');
        return true;
      }
      if (!runner.states.has(name)) {
        fail(res, 404, 'UNKNOWN_CHECK');
        return true;
      }
      view = 'health';
      check = name;
    }
    if (!view) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      fail(res, 405, 'METHOD_NOT_ALLOWED', { allow: 'GET, HEAD' });
      return true;
    }
    const verbose = wantsVerbose(target.query);
    const authDependent = options.authorize !== undefined && (verbose || check !== undefined);
    const finalView = view;
    const answer = (detailed: boolean) => {
      const involvedPending = [...runner.states.values()].some((s) => s.result === undefined);
      const send = () => {
        const { status, body } = evaluate(finalView, { detailed, check });
        write(res, status, body, { detailed, authDependent, store: true });
      };
      if (!involvedPending) send();
      else runner.firstResults(deadline).then(send, send);
    };
    if (authDependent) {
      withDeadline(
        Promise.resolve().then(() => options.authorize?.(req)),
        deadline,
      ).then(
        (ok) => answer(ok === true),
        () => answer(false),
      );
    } else answer(false);
    return true;
  };

  // --- shutdown ----------------------------------------------------------------------------------------------
  let shutdownPromise: Promise<void> | undefined;
  const signalHandlers = new Map<NodeJS.Signals, () => void>();
  const removeSignals = () => {
    for (const [signal, handler] of signalHandlers) process.removeListener(signal, handler);
    signalHandlers.clear();
  };
  const shutdown = (fromSignal = false): Promise<void> => {
    if (shutdownPromise) return shutdownPromise;
    shutdownPromise = (async () => {
      removeSignals();
      setState('draining');
      await new Promise<void>((r) => clock.setTimeout(r, options.drainDelayMs ?? 5000));
      setState('closing');
      const server = options.server;
      if (server) {
        await new Promise<void>((resolve) => {
          const force = systemClock.setTimeout(() => {
            server.closeAllConnections();
            resolve();
          }, options.gracefulTimeoutMs ?? 10_000);
          server.close(() => {
            systemClock.clearTimeout(force);
            resolve();
          });
          server.closeIdleConnections();
        });
      }
      for (const hook of options.onShutdown ?? []) {
        await withDeadline(Promise.resolve().then(hook), options.hookTimeoutMs ?? 5000, (error) =>
          logger.error({ error: (error as Error)?.name }, 'health: shutdown hook failed'),
        );
      }
      runner.stop();
      setState('stopped');
      if (fromSignal && options.exitProcess) process.exit(0);
    })();
    return shutdownPromise;
  };
  for (const signal of options.handleSignals ?? []) {
    const handler = () => {
      logger.info({ signal }, 'health: shutdown requested by signal');
      shutdown(true);
    };
    signalHandlers.set(signal, handler);
    process.once(signal, handler);
  }

  runner.start();
  if (startupPassed() && startupChecks.length === 0 && checks.length === 0) setState('ready');

  const health: Health = {
    handle,
    express: () => (req, res, next) => {
      if (!handle(req, res)) next();
    },
    fastify() {
      const register: Parameters<typeof Object.assign>[0] = (
        instance: Parameters<FastifyPluginLike>[0],
        _options: unknown,
        done: () => void,
      ) => {
        instance.addHook('onRequest', (request, reply, next) => {
          if (handle(request.raw, reply.raw)) reply.hijack();
          else next();
        });
        done();
      };
      // Like fastify-plugin: apply to the whole app, not an encapsulated child context.
      return Object.assign(register, { [Symbol.for('skip-override')]: true }) as FastifyPluginLike;
    },
    koa: () => async (ctx, next) => {
      if (handle(ctx.req, ctx.res)) {
        ctx.respond = false;
        return;
      }
      await next();
    },
    evaluate,
    markReady() {
      manualReady = true;
      if (state === 'starting') setState('ready');
    },
    get state() {
      return state;
    },
    shutdown: () => shutdown(false),
    close() {
      runner.stop();
      removeSignals();
    },
    on(event, listener) {
      events.on(event, listener);
      return health;
    },
    off(event, listener) {
      events.off(event, listener);
      return health;
    },
  };
  return health;
}
