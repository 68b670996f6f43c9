import { type Context, type Exception, isSpanContextValid, context as otelContext, type Span, trace } from '@opentelemetry/api';
import type { DestinationStream, Logger, LoggerOptions as PinoOptions } from 'pino';
import { loadPino } from './deps.js';
import { invalidOption } from './errors.js';
import { isSecretKey, SECRET_KEY_PATTERN, sanitizeMessage, scrubErrorStack, scrubSecrets } from './secrets.js';
import { validateOptions } from './validation/options.js';
import { loggerOptionsSchema } from './validation/schemas.js';

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
  /** Extra keys to redact (exact names, case-insensitive), in addition to those matching {@link SECRET_KEY_PATTERN}. */
  redact?: readonly string[];
  /** Where the active span is read from; default the global OpenTelemetry context API. */
  context?: ActiveContextSource;
}

/** Containers nested deeper than this are replaced by `[Object]`/`[Array]` in log lines (pino prints 5 levels). */
export const MAX_REDACT_DEPTH = 8;
/** Objects and arrays examined per log line at most; beyond it nested containers are replaced by `[Truncated]`. */
export const MAX_REDACT_NODES = 2000;
/**
 * Entries examined per nested object or array at most (pino prints 100 by default); the rest is left out of the line
 * (an array gets a last item `"[N more items]"`, an object a key `"[Truncated]"`).
 */
export const MAX_REDACT_BREADTH = 1000;

const PLAIN = 0;
const SECRET = 1;
const TEXT = 2;
const RAW_HEADERS = 3;
// Keys whose string values are free text that may embed a credential (error messages, URLs, connection strings):
// scrubbed with scrubSecrets.
const TEXT_KEY =
  /url|ur[il]s?$|href|connection|connstr|message|msg|stack|error|reason|detail|description|summary|cause|query|command|cmd|output/i;
const keyKinds = new Map<string, number>();
const extraKinds = new WeakMap<ReadonlySet<string>, Map<string, number>>();
function keyKind(key: string, extra: ReadonlySet<string>): number {
  let cache = keyKinds;
  if (extra.size > 0) {
    cache = extraKinds.get(extra) as Map<string, number>;
    if (cache === undefined) {
      cache = new Map();
      extraKinds.set(extra, cache);
    }
  }
  let kind = cache.get(key);
  if (kind === undefined) {
    const lower = key.toLowerCase();
    kind =
      isSecretKey(key) || extra.has(key) || extra.has(lower)
        ? SECRET
        : TEXT_KEY.test(key) || lower === 'err'
          ? TEXT
          : lower === 'rawheaders' || lower === 'rawtrailers'
            ? RAW_HEADERS
            : PLAIN;
    if (cache.size >= 4096) cache.clear();
    cache.set(key, kind);
  }
  return kind;
}

interface Walk {
  extra: ReadonlySet<string>;
  ancestors: object[];
  nodes: number;
}

/** pino's error serializer (pino is loaded on first use, by the first logger). */
const stdErr = (): unknown => loadPino().stdSerializers.err;
const identity = (v: unknown): unknown => v;

const isErrorLike = (v: unknown): v is Error =>
  typeof v === 'object' && v !== null && typeof (v as { message?: unknown }).message === 'string';

/**
 * pino's error shape — `type`, `message` and `stack` with causes folded in (`outer: inner`, `…\ncaused by: …`),
 * `aggregateErrors`, then the other enumerable properties — with the texts scrubbed ({@link scrubSecrets},
 * {@link scrubErrorStack}) and the properties redacted like any object's.
 */
function serializeError(error: Error, w: Walk, depth: number): Record<string, unknown> {
  const cause = (error as { cause?: unknown }).cause;
  let message: string;
  let stack: string;
  if (!isErrorLike(cause)) {
    message = typeof error.message === 'string' ? scrubMessage(error.message) : '';
    stack = scrubErrorStack(error, scrubMessage);
  } else {
    const messages: string[] = [];
    const stacks: string[] = [];
    const seen = new Set<object>();
    let e: unknown = error;
    while (isErrorLike(e) && !seen.has(e) && seen.size < 10) {
      seen.add(e);
      messages.push(scrubMessage(e.message));
      stacks.push(scrubErrorStack(e, scrubMessage));
      const next = (e as { cause?: unknown }).cause;
      e = typeof next === 'function' ? undefined : next;
    }
    message = messages.filter((m) => m !== '').join(': ');
    stack = stacks.join('\ncaused by: ');
  }
  const ctor = (error as { constructor?: unknown }).constructor;
  const out: Record<string, unknown> = {
    type: typeof ctor === 'function' && typeof ctor.name === 'string' ? ctor.name : (error as { name?: unknown }).name,
    message,
    stack,
  };
  const errors = (error as { errors?: unknown }).errors;
  if (Array.isArray(errors)) out.aggregateErrors = walk(errors, w, depth + 1);
  const source = error as unknown as Record<string, unknown>;
  for (const key in source) {
    if (out[key] !== undefined || (key === 'cause' && isErrorLike(cause))) continue;
    const item = source[key];
    const kind = keyKind(key, w.extra);
    out[key] =
      kind === SECRET
        ? item === undefined || item === null || item === ''
          ? item
          : REDACTED
        : typeof item === 'string'
          ? kind === TEXT
            ? scrubSecrets(item)
            : item
          : walk(item, w, depth + 1);
  }
  return out;
}

function walk(value: unknown, w: Walk, depth: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (w.ancestors.includes(value)) return '[Circular]';
  if (depth >= MAX_REDACT_DEPTH) return Array.isArray(value) ? '[Array]' : '[Object]';
  if (++w.nodes > MAX_REDACT_NODES) return '[Truncated]';
  let source: object = value;
  if (value instanceof Error) {
    w.ancestors.push(value);
    try {
      return serializeError(value, w, depth);
    } finally {
      w.ancestors.pop();
    }
  }
  if (!Array.isArray(value) && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    if (value instanceof Date) return value;
    // What JSON would print (a URL's href, a Buffer's bytes): walked, strings scrubbed.
    const json = (value as { toJSON(): unknown }).toJSON();
    if (typeof json === 'string') return scrubSecrets(json);
    if (json === null || typeof json !== 'object' || json === value) return json;
    source = json;
  } else if (value instanceof Map || value instanceof Set || ArrayBuffer.isView(value)) {
    return value; // JSON prints {} for these (typed arrays: their numbers)
  }
  w.ancestors.push(value);
  try {
    return redactContainer(source, w, depth, false);
  } finally {
    w.ancestors.pop();
  }
}

/** Node's `rawHeaders` (`[name, value, name, value, …]`): values after a secret header name are redacted. */
function redactRawHeaders(list: unknown[], w: Walk, depth: number): unknown {
  const walked = walk(list, w, depth);
  if (!Array.isArray(walked)) return walked;
  let out: unknown[] | undefined;
  for (let i = 0; i + 1 < walked.length; i += 2) {
    const name = walked[i];
    if (typeof name === 'string' && isSecretKey(name) && walked[i + 1] !== REDACTED) {
      out ??= walked === list ? walked.slice() : walked;
      out[i + 1] = REDACTED;
    }
  }
  return out ?? walked;
}

function redactContainer(source: object, w: Walk, depth: number, fresh: boolean): unknown {
  if (Array.isArray(source)) {
    const length = Math.min(source.length, MAX_REDACT_BREADTH);
    let out: unknown[] | undefined = fresh ? source : undefined;
    for (let i = 0; i < length; i++) {
      const item = source[i];
      const red = walk(item, w, depth + 1);
      if (red !== item) {
        out ??= source.slice(0, length);
        out[i] = red;
      }
    }
    if (source.length > length) {
      out = (out ?? source).slice(0, length);
      out.push(`[${source.length - length} more items]`);
    }
    return out ?? source;
  }
  const record = source as Record<string, unknown>;
  let out: Record<string, unknown> | undefined = fresh ? record : undefined;
  let seen = 0;
  for (const key in record) {
    if (!Object.hasOwn(record, key)) continue;
    if (++seen > MAX_REDACT_BREADTH) {
      // The rest is not examined, so it is not logged.
      const kept: Record<string, unknown> = {};
      let k = 0;
      for (const name in out ?? record) {
        if (!Object.hasOwn(out ?? record, name)) continue;
        if (k++ >= MAX_REDACT_BREADTH) break;
        kept[name] = (out ?? record)[name];
      }
      kept['[Truncated]'] = `more than ${MAX_REDACT_BREADTH} keys`;
      return kept;
    }
    const item = record[key];
    let red: unknown;
    const kind = keyKind(key, w.extra);
    if (kind === SECRET) red = item === undefined || item === null || item === '' ? item : REDACTED;
    else if (typeof item === 'string') red = kind === TEXT ? scrubSecrets(item) : item;
    else if (kind === RAW_HEADERS && Array.isArray(item)) red = redactRawHeaders(item, w, depth + 1);
    else red = walk(item, w, depth + 1);
    if (red !== item) {
      out ??= { ...record };
      out[key] = red;
    }
  }
  return out ?? record;
}

/**
 * Replaces the values of secret keys with `[Redacted]` at any depth, in plain objects, arrays, class instances and
 * `Error`s: keys matching {@link SECRET_KEY_PATTERN} (`password`, `client_secret`, `refresh_token`, `apiKey`,
 * `x-amz-security-token`, `Authorization`, `cookie`, …) and the exact keys in `keys` (lower-case). String values of
 * free-text keys (`message`, `stack`, `error`, `reason`, `url`, …) are scrubbed with {@link scrubSecrets}. Errors
 * become pino's error shape (`type`, `message`, `stack`, own properties). Cycles become `[Circular]`, containers
 * deeper than {@link MAX_REDACT_DEPTH} `[Object]`/`[Array]`, and past {@link MAX_REDACT_NODES} containers
 * `[Truncated]`. Copies only the objects on the path to a change (the caller's objects are never mutated) and
 * returns the input itself when there is nothing to change.
 *
 * @param depth the depth `value` sits at (containers at {@link MAX_REDACT_DEPTH} are not looked into); default 0
 */
export function redactSensitive<T>(value: T, keys: ReadonlySet<string>, depth = 0): T {
  return walk(value, { extra: keys, ancestors: [], nodes: 0 }, depth) as T;
}

/**
 * The log-line object with secrets redacted ({@link redactSensitive}); the values of keys that have a pino
 * serializer are left to it (createLogger redacts the serializers' output). A small flat object of primitives costs
 * one cached key lookup per field and no allocation. Never throws: a line that cannot be examined (a throwing getter)
 * is replaced by `{ redaction_failed: true }`.
 */
function redactLine(
  object: Record<string, unknown>,
  extra: ReadonlySet<string>,
  serialized: ReadonlySet<string>,
): Record<string, unknown> {
  try {
    let out: Record<string, unknown> | undefined;
    let w: Walk | undefined;
    for (const key in object) {
      if (!Object.hasOwn(object, key)) continue;
      const item = object[key];
      let red: unknown;
      const kind = keyKind(key, extra);
      if (kind === SECRET) red = item === undefined || item === null || item === '' ? item : REDACTED;
      else if (serialized.has(key)) continue;
      else if (typeof item === 'string') red = kind === TEXT ? scrubSecrets(item) : item;
      else if (item === null || typeof item !== 'object') continue;
      else {
        w ??= { extra, ancestors: [object], nodes: 0 };
        red = walk(item, w, 1);
      }
      if (red !== item) {
        out ??= { ...object };
        out[key] = red;
      }
    }
    return out ?? object;
  } catch {
    return { redaction_failed: true };
  }
}

/**
 * pino's `onChild` hook: a child's bindings (`logger.child({ apiKey })`) skip the log formatter, so they are redacted
 * here, once per child — only when the rendered bindings mention a secret-like word at all.
 */
function childRedactor(extra: ReadonlySet<string>) {
  const onChild = (child: Logger): void => {
    try {
      const holder = child as unknown as Record<symbol, unknown>;
      const rendered = holder[loadPino().symbols.chindingsSym];
      if (typeof rendered !== 'string' || (!SECRET_KEY_PATTERN.test(rendered) && extra.size === 0)) return;
      // All bindings of the child (its parents' and pino's base pid/hostname too), as rendered.
      const bindings = JSON.parse(`{${rendered.slice(1)}}`) as Record<string, unknown>;
      const clean = redactLine(bindings, extra, new Set());
      if (clean !== bindings) {
        holder[loadPino().symbols.chindingsSym] = `,${JSON.stringify(clean).slice(1, -1)}`;
      }
    } catch {
      // bindings that cannot be examined stay as pino rendered them
    }
  };
  return onChild;
}

/** A serializer whose output is redacted too (and that never throws). */
function redactingSerializer(serializer: (value: unknown) => unknown, extra: ReadonlySet<string>) {
  return (value: unknown): unknown => {
    try {
      return walk(serializer(value), { extra, ancestors: [], nodes: 0 }, 0);
    } catch {
      return '[Unserializable]';
    }
  };
}

// Scrubbed messages of up to 256 characters, by text: most lines repeat a message ("GET /users/:id 200").
const messageCache = new Map<string, string>();
function scrubMessage(text: string): string {
  if (text.length > 256) return scrubSecrets(text);
  let clean = messageCache.get(text);
  if (clean === undefined) {
    clean = scrubSecrets(text);
    if (messageCache.size >= 1024) messageCache.clear();
    messageCache.set(text, clean);
  }
  return clean;
}

/** The message text with secrets scrubbed ({@link scrubSecrets}); non-strings are redacted like objects. */
function messageSerializer(extra: ReadonlySet<string>) {
  return (value: unknown): unknown => {
    try {
      return typeof value === 'string' ? scrubMessage(value) : walk(value, { extra, ancestors: [], nodes: 0 }, 0);
    } catch {
      return '[Unserializable]';
    }
  };
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
 * correlation (`trace_id`, `span_id`, `trace_flags` of the active span on every line) and redaction of credentials:
 * values of keys matching {@link SECRET_KEY_PATTERN} (and `redact`) at any depth become `[Redacted]`
 * ({@link redactSensitive}, also in Errors, child bindings and serializer output), and the message, error messages
 * and stacks and text fields are scrubbed ({@link scrubSecrets}). When wrapping a host logger, its serializers'
 * output is redacted too; its own `redact` paths still apply.
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
  // Exact extra keys beyond what the pattern already covers (most of the defaults match it).
  const extra = new Set([...keys].filter((k) => !isSecretKey(k)));

  if (options.logger) {
    const host = options.logger as unknown as Record<symbol, unknown>;
    const { symbols } = loadPino();
    const hostSerializers = (host[symbols.serializersSym] ?? {}) as Record<string, (v: unknown) => unknown>;
    const messageKey = (host[symbols.messageKeySym] as string | undefined) ?? 'msg';
    const errorKey = (host[symbols.errorKeySym] as string | undefined) ?? 'err';
    const serializers: Record<string, (v: unknown) => unknown> = {};
    for (const key of Object.keys(hostSerializers)) {
      const s = hostSerializers[key];
      if (typeof s === 'function') serializers[key] = redactingSerializer(s, extra);
    }
    const hostErr = hostSerializers[errorKey] ?? hostSerializers.err;
    serializers[errorKey] =
      hostErr === undefined || hostErr === stdErr() ? redactingSerializer(identity, extra) : redactingSerializer(hostErr, extra);
    serializers[messageKey] = messageSerializer(extra);
    const serialized = new Set(Object.keys(serializers).filter((k) => k !== messageKey));
    const child = options.logger.child(base, {
      serializers,
      formatters: {
        log: (object: object) => redactLine(withTraceFields(object as Record<string, unknown>, source), extra, serialized),
        bindings: (bindings: Record<string, unknown>) => redactLine(bindings, extra, new Set()),
      },
    });
    (child as unknown as { onChild: (c: Logger) => void }).onChild = childRedactor(extra);
    return child;
  }
  // Errors become pino's error shape in the walk itself (serializeError), texts scrubbed.
  const serializers = { err: redactingSerializer(identity, extra), msg: messageSerializer(extra) };
  const serialized = new Set(['err']);
  const pinoOptions: PinoOptions = {
    level: options.level ?? 'info',
    base: { pid: process.pid, ...base },
    serializers,
    // Trace fields are added in the formatter rather than a mixin: a line logged outside any span is not copied.
    formatters: {
      log: (object: Record<string, unknown>) => redactLine(withTraceFields(object, source), extra, serialized),
      bindings: (bindings: Record<string, unknown>) => redactLine(bindings, extra, new Set()),
    },
    timestamp: isoTimestamp,
    onChild: childRedactor(extra),
  };
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

/**
 * Records `error` (any thrown value) on `span` as an `exception` event with its message and stack scrubbed of
 * secrets ({@link scrubSecrets}; messages truncated to 1 KiB, stacks to 8 KiB) — `span.recordException(error)` would
 * export them verbatim. Sets nothing else on the span. Never throws.
 */
export function recordException(span: Pick<Span, 'recordException'>, error: unknown): void {
  try {
    const e =
      (typeof error === 'object' && error !== null) || typeof error === 'function'
        ? (error as Record<string, unknown>)
        : undefined;
    const name = typeof e?.name === 'string' ? e.name : e === undefined ? typeof error : 'Error';
    const message = sanitizeMessage(e !== undefined && 'message' in e ? e.message : error, 1024);
    const exception: Exception = { name, message };
    if (typeof e?.stack === 'string') {
      const stack = scrubErrorStack(e);
      exception.stack = stack.length > 8192 ? `${stack.slice(0, 8189)}...` : stack;
    }
    if (typeof e?.code === 'string' || typeof e?.code === 'number') exception.code = e.code;
    span.recordException(exception);
  } catch {
    // a broken span or a hostile error object must not break the caller
  }
}
