import { createLogger, systemClock } from '@slakit/core';
import { expressMiddleware, fastifyPlugin, koaMiddleware } from './adapters.js';
import { createHandler } from './handler.js';
import { createLifecycle, startupPassed } from './lifecycle.js';
import { createInstruments, createReporter, DEFAULT_FAILING_FOR_MS } from './observe.js';
import { HEALTH_DEFAULTS, type HealthOptions, validateHealthOptions } from './options.js';
import { createRunner } from './runner.js';
import { createShutdown } from './shutdown.js';
import type { Health } from './types.js';
import { evaluateView, type ViewContext } from './views.js';

export type { HealthOptions } from './options.js';
export type { FastifyPluginLike, Health, HealthBody, HealthCheckEntry, HealthState } from './types.js';

/**
 * Health endpoints that answer from the latest background results: `/health` (status and check names; details with
 * `?verbose` when authorised), `/readiness`, `/liveness`, `/startup`, `/health/readiness`, `/health/liveness` and
 * `/health/<check>`, in `application/health+json`. pass/warn → 200, fail → 503. Also drives graceful shutdown:
 * starting → ready → draining (readiness 503, liveness 200, `Connection: close`) → closing → stopped.
 *
 * Wiring only: checks run in `runner.ts`, results are reported by `observe.ts` (metrics, `HealthCheckFailing` after
 * `failingForMs`), bodies come from `views.ts`,
 * HTTP from `handler.ts` and `adapters.ts`, the lifecycle is `lifecycle.ts` and `shutdown.ts`.
 *
 * @throws SlakitError for bad options and bad checks (see `docs/errors.md`)
 */
export function createHealth(options: HealthOptions): Health {
  const checks = validateHealthOptions(options);
  const clock = options.clock ?? systemClock;
  const logger = (options.logger ?? options.telemetry?.logger ?? createLogger()).child({ component: 'health' });
  const deadlineMs = options.endpointDeadlineMs ?? HEALTH_DEFAULTS.endpointDeadlineMs;
  const lifecycle = createLifecycle(logger);
  const reporter = createReporter({
    instruments: createInstruments(options.telemetry?.meter),
    logger,
    alerter: options.alerter,
    clock,
    failingForMs: options.failingForMs ?? DEFAULT_FAILING_FOR_MS,
  });
  const startupDone = () => startupPassed(runner.states.values(), lifecycle.manualReady);
  const runner = createRunner(checks, {
    clock,
    onResult: (state, previous) => {
      reporter.report(state, previous);
      if (lifecycle.state === 'starting' && startupDone()) lifecycle.set('ready');
    },
  });

  const view: ViewContext = {
    states: runner.states,
    lifecycle,
    startupPassed: startupDone,
    options,
    clock,
    startedAt: clock.now(),
  };
  const evaluate: Health['evaluate'] = (name, opts) => evaluateView(view, name, opts);
  const handle = createHandler({ options, runner, lifecycle, evaluate, logger, deadlineMs });
  const stopChecks = () => {
    runner.stop();
    reporter.stop();
  };
  const { shutdown, removeSignals } = createShutdown({ options, lifecycle, stopChecks, clock, logger });

  runner.start();
  if (checks.length === 0) lifecycle.set('ready');

  const health: Health = {
    handle,
    express: () => expressMiddleware(handle),
    fastify: () => fastifyPlugin(handle),
    koa: () => koaMiddleware(handle),
    evaluate,
    markReady: lifecycle.markReady,
    get state() {
      return lifecycle.state;
    },
    shutdown: () => shutdown(false),
    close() {
      stopChecks();
      removeSignals();
    },
    on(event, listener) {
      if (event === 'state') lifecycle.on(listener);
      return health;
    },
    off(event, listener) {
      if (event === 'state') lifecycle.off(listener);
      return health;
    },
  };
  return health;
}
