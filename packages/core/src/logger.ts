import { context as otelContext } from '@opentelemetry/api';
import type { DestinationStream, Logger } from 'pino';
import { loadPino } from './deps.js';
import { invalidOption } from './errors.js';
import { hostChild, newLoggerOptions } from './logger/pino-options.js';
import { createRedaction } from './logger/redact.js';
import type { ActiveContextSource } from './logger/trace.js';
import { isSecretKey } from './secrets.js';
import { validateOptions } from './validation/options.js';
import { loggerOptionsSchema } from './validation/schemas.js';

export {
  MAX_REDACT_BREADTH,
  MAX_REDACT_DEPTH,
  MAX_REDACT_NODES,
  REDACTED,
  redactSensitive,
} from './logger/redact.js';
export { cachedIsoTimestamp, isoTimestamp } from './logger/timestamp.js';
export { type ActiveContextSource, recordException, traceFields } from './logger/trace.js';
export { isSecretKey, SECRET_KEY_PATTERN, sanitizeMessage, scrubErrorStack, scrubSecrets, TEXT_REDACTED } from './secrets.js';

/**
 * Keys redacted by default (case-insensitive). Kept for compatibility: every one of them matches
 * {@link SECRET_KEY_PATTERN}, which the logger applies to every key at any depth.
 */
export const DEFAULT_REDACT_KEYS: readonly string[] = Object.freeze([
  'authorization',
  'cookie',
  'set-cookie',
  'proxy-authorization',
  'x-api-key',
  'password',
  'token',
  'secret',
]);

const LEVELS: readonly string[] = Object.freeze(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** `service` base field. */
  serviceName?: string;
  /** `version` base field; omitted when unset. */
  serviceVersion?: string;
  /** `environment` base field; omitted when unset. */
  environment?: string;
  /** Minimum level; default `info`. Ignored when wrapping a host logger (its level is kept). */
  level?: string;
  /** The host's pino logger: wrapped as a child (its level, transport and serializers are kept). */
  logger?: Logger;
  /** Where a new logger writes; default stdout. Ignored with `logger`. */
  destination?: DestinationStream;
  /** Extra keys to redact (exact names, case-insensitive), in addition to those matching {@link SECRET_KEY_PATTERN}. */
  redact?: readonly string[];
  /** Where the active span is read from; default the global OpenTelemetry context API. */
  context?: ActiveContextSource;
}

/**
 * Creates a pino logger (or wraps the host's) with base fields `service`, `version`, `environment`, trace
 * correlation (`trace_id`, `span_id`, `trace_flags` of the active span on every line) and redaction of credentials:
 * values of keys matching {@link SECRET_KEY_PATTERN} (and `redact`) at any depth become `[Redacted]`
 * ({@link redactSensitive}, also in Errors, child bindings and serializer output), and the message, error messages
 * and stacks and text fields are scrubbed ({@link scrubSecrets}). When wrapping a host logger, its serializers'
 * output is redacted too; its own `redact` paths still apply.
 *
 * The parts: `logger/redact.ts` (the redacting walk), `logger/serializers.ts` (serializers, child bindings),
 * `logger/pino-options.ts` (a new logger's options, a host's child), `logger/trace.ts`, `logger/timestamp.ts`.
 *
 * @throws SlakitError `ERR_SLAKIT_INVALID_OPTION` for an unknown level
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  validateOptions(loggerOptionsSchema, options);
  if (options.level !== undefined && !LEVELS.includes(options.level)) {
    throw invalidOption('level', options.level, `one of ${LEVELS.join(', ')}`);
  }
  const source = options.context ?? otelContext;
  const base: Record<string, string> = {};
  if (options.serviceName) base.service = options.serviceName;
  if (options.serviceVersion) base.version = options.serviceVersion;
  if (options.environment) base.environment = options.environment;
  const keys = new Set([...DEFAULT_REDACT_KEYS, ...(options.redact ?? [])].map((k) => k.toLowerCase()));
  // Exact extra keys beyond what the pattern already covers (most of the defaults match it). Caches per logger.
  const redaction = createRedaction(new Set([...keys].filter((k) => !isSecretKey(k))));
  if (options.logger) return hostChild(options.logger, base, redaction, source);
  const pinoOptions = newLoggerOptions(options.level ?? 'info', base, redaction, source);
  const pino = loadPino();
  return options.destination ? pino(pinoOptions, options.destination) : pino(pinoOptions);
}

/**
 * Logs at most once per `intervalMs` for a given key; used for run-time failures (exporter down, sink failing)
 * so a persistent fault cannot flood the host's logs. Returns a function `(key, log) => void`.
 */
export function rateLimitedLog(intervalMs = 60_000, now: () => number = Date.now): (key: string, log: () => void) => void {
  const last = new Map<string, number>();
  return (key, log) => {
    const t = now();
    const prev = last.get(key);
    if (prev !== undefined && t - prev < intervalMs) return;
    if (last.size > 1000) last.clear();
    last.set(key, t);
    try {
      log();
    } catch {
      // a broken logger must not break the caller
    }
  };
}
