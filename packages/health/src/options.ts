import type { IncomingMessage, Server } from 'node:http';
import { type Alerter, type Clock, invalidOption, type Telemetry, validateOptions } from '@slakit/core';
import type { Logger } from 'pino';
import { type HealthCheck, type NamedHealthCheck, type ResolvedCheck, resolveChecks } from './check.js';
import { healthOptionsSchema } from './options-schema.js';

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
  /**
   * Raises `HealthCheckFailing` (critical) once a critical check has failed for `failingForMs`; resolves it when the
   * check passes (or warns) again.
   */
  alerter?: Alerter;
  /**
   * How long a critical check's results must stay `fail`, without a `pass` or `warn` between them, before
   * `HealthCheckFailing` fires; 0 fires on the first failure. Default 300000 (5 min): the `for` of the generated
   * rule — pass `healthAlerting(config).failingForMs` (the config's `health.failingFor`) so both agree.
   */
  failingForMs?: number;
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

/** The defaults of {@link HealthOptions}, in ms. */
export const HEALTH_DEFAULTS = Object.freeze({
  endpointDeadlineMs: 800,
  drainDelayMs: 5000,
  gracefulTimeoutMs: 10_000,
  hookTimeoutMs: 5000,
});

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/;

function positive(field: string, value: unknown): void {
  if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)) {
    throw invalidOption(field, value, 'a number of ms > 0');
  }
}

/**
 * Validates the options of `createHealth` (the schema first, then the checks, then each field) and returns the
 * checks with their defaults applied.
 * @throws SlakitError for bad options and bad checks (see `docs/errors.md`)
 */
export function validateHealthOptions(options: HealthOptions): ResolvedCheck[] {
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
      options.authorizeHeaders.some((h) => typeof h !== 'string' || !HEADER_NAME.test(h)))
  )
    throw invalidOption('authorizeHeaders', options.authorizeHeaders, 'an array of header names like X-Api-Key');
  for (const key of ['version', 'releaseId', 'serviceId', 'description'] as const) {
    if (options[key] !== undefined && typeof options[key] !== 'string') throw invalidOption(key, options[key], 'a string');
  }
  for (const [i, s] of (options.handleSignals ?? []).entries()) {
    if (typeof s !== 'string' || !/^SIG[A-Z0-9]+$/.test(s))
      throw invalidOption(`handleSignals[${i}]`, s, 'a signal name like SIGTERM');
  }
  return checks;
}
