import { type Context, isSpanContextValid, context as otelContext, trace } from '@opentelemetry/api';
import pino, { type DestinationStream, type Logger, type LoggerOptions as PinoOptions } from 'pino';
import { invalidOption } from './errors.js';
import { validateOptions } from './validation/options.js';
import { loggerOptionsSchema } from './validation/schemas.js';

/** Keys redacted by default (case-insensitive) at the top level and up to two levels deep, e.g. `req.headers.cookie`. */
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

/** The value that replaces a redacted field. */
export const REDACTED = '[Redacted]';

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Something that knows the active OpenTelemetry context (the global `context` API by default). */
export interface ActiveContextSource {
  active(): Context;
}

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
  /** Extra keys to redact, in addition to {@link DEFAULT_REDACT_KEYS}. */
  redact?: readonly string[];
  /** Where the active span is read from; default the global OpenTelemetry context API. */
  context?: ActiveContextSource;
}

const MAX_REDACT_DEPTH = 3;

/**
 * Replaces the values of sensitive keys (case-insensitive) with `[Redacted]`, at the top level and up to two levels
 * below (`req.headers.cookie`). Copies only the objects on the path to a redacted key; returns the input untouched
 * when there is nothing to redact. Faster than path-based redaction with wildcards on every log line.
 */
export function redactSensitive<T>(value: T, keys: ReadonlySet<string>, depth = 0): T {
  if (value === null || typeof value !== 'object' || depth >= MAX_REDACT_DEPTH || value instanceof Error) return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      const red = redactSensitive(item, keys, depth + 1);
      if (red !== item) {
        out ??= value.slice();
        out[i] = red;
      }
    }
    return (out ?? value) as T;
  }
  let out: Record<string, unknown> | undefined;
  const source = value as Record<string, unknown>;
  for (const key in source) {
    if (!Object.hasOwn(source, key)) continue;
    const item = source[key];
    let red: unknown;
    if (keys.has(key) || keys.has(key.toLowerCase())) red = item === undefined ? item : REDACTED;
    else red = redactSensitive(item, keys, depth + 1);
    if (red !== item) {
      out ??= { ...source };
      out[key] = red;
    }
  }
  return (out ?? value) as T;
}

/**
 * Returns `trace_id`, `span_id` and `trace_flags` of the span active in `source`, or an empty object.
 * Never throws.
 */
export function traceFields(source: ActiveContextSource = otelContext): Record<string, string> {
  try {
    const span = trace.getSpan(source.active());
    if (!span) return {};
    const sc = span.spanContext();
    if (!isSpanContextValid(sc)) return {};
    return { trace_id: sc.traceId, span_id: sc.spanId, trace_flags: sc.traceFlags.toString(16).padStart(2, '0') };
  } catch {
    return {};
  }
}

let isoSecond = Number.NaN;
let isoPrefix = '';

/**
 * A pino `timestamp` function: the `"time"` field as ISO-8601 UTC, the same text as `pino.stdTimeFunctions.isoTime`
 * (`,"time":"2026-12-01T13:05:42.071Z"`) for less work — `Date#toISOString()` runs once per second for the
 * `YYYY-MM-DDTHH:MM:SS.` prefix and each line appends its milliseconds (bench/micro). `createLogger()` uses it; pass
 * it to your own pino: `pino({ timestamp: isoTimestamp })`.
 *
 * @param now epoch milliseconds (an integer); default `Date.now()`
 */
export function isoTimestamp(now: number = Date.now()): string {
  const second = Math.floor(now / 1000);
  if (second !== isoSecond) {
    const text = new Date(second * 1000).toISOString(); // …SS.000Z
    isoPrefix = `,"time":"${text.slice(0, text.length - 4)}`;
    isoSecond = second;
  }
  const ms = now - second * 1000;
  return `${isoPrefix}${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}Z"`;
}

/** `object` with the active span's trace fields in front (the object's own fields win); `object` itself when none. */
function withTraceFields(object: Record<string, unknown>, source: ActiveContextSource): Record<string, unknown> {
  const fields = traceFields(source);
  return fields.trace_id === undefined ? object : { ...fields, ...object };
}

/**
 * Creates a pino logger (or wraps the host's) with base fields `service`, `version`, `environment`, trace
 * correlation (`trace_id`, `span_id`, `trace_flags` of the active span on every line) and default redaction of
 * credentials ({@link DEFAULT_REDACT_KEYS}, replaced by `[Redacted]`).
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

  if (options.logger) {
    return options.logger.child(base, {
      formatters: { log: (object: object) => redactSensitive(withTraceFields(object as Record<string, unknown>, source), keys) },
    });
  }
  const pinoOptions: PinoOptions = {
    level: options.level ?? 'info',
    base: { pid: process.pid, ...base },
    // Trace fields are added in the formatter rather than a mixin: a line logged outside any span is not copied.
    formatters: { log: (object: Record<string, unknown>) => redactSensitive(withTraceFields(object, source), keys) },
    timestamp: isoTimestamp,
  };
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

/**
 * Removes credentials from free text before it is logged or stored: `scheme://user:password@host` becomes
 * `scheme://[redacted]@host`, and `password=…`/`token=…`-style pairs lose their values. Truncates to `max` chars.
 */
export function sanitizeMessage(text: unknown, max = 300): string {
  const s = String(text ?? '')
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi, '$1[redacted]@')
    .replace(
      /\b(password|passwd|pwd|token|secret|api[_-]?key|authorization)(\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s,;&]+)/gi,
      '$1$2[redacted]',
    );
  return s.length > max ? `${s.slice(0, max - 3)}...` : s;
}
