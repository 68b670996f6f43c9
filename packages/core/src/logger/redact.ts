import { isSecretKey, scrubErrorStack, scrubSecrets } from '../secrets.js';

/** The value that replaces a redacted field. */
export const REDACTED = '[Redacted]';

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
type KeyKind = typeof PLAIN | typeof SECRET | typeof TEXT | typeof RAW_HEADERS;

// Keys whose string values are free text that may embed a credential (error messages, URLs, connection strings):
// scrubbed with scrubSecrets.
const TEXT_KEY =
  /url|ur[il]s?$|href|connection|connstr|message|msg|stack|error|reason|detail|description|summary|cause|query|command|cmd|output/i;

function classifyKey(key: string, extra: ReadonlySet<string>): KeyKind {
  const lower = key.toLowerCase();
  if (isSecretKey(key) || extra.has(key) || extra.has(lower)) return SECRET;
  if (TEXT_KEY.test(key) || lower === 'err') return TEXT;
  if (lower === 'rawheaders' || lower === 'rawtrailers') return RAW_HEADERS;
  return PLAIN;
}

/**
 * What redaction knows about one logger: its extra secret keys and (for a logger) caches of key kinds and scrubbed
 * messages — most lines repeat their keys and messages ("GET /users/:id 200").
 */
export interface Redaction {
  readonly extra: ReadonlySet<string>;
  kindOf(key: string): KeyKind;
  /** A message with secrets scrubbed ({@link scrubSecrets}). */
  scrubMessage(text: string): string;
}

/**
 * The redaction context of `extra` (exact lower-case keys beyond {@link SECRET_KEY_PATTERN}). With `cache`, key kinds
 * (4096 at most) and scrubbed messages of up to 256 characters (1024 at most) are remembered by this context.
 */
export function createRedaction(extra: ReadonlySet<string>, cache = true): Redaction {
  if (!cache) return { extra, kindOf: (key) => classifyKey(key, extra), scrubMessage: scrubSecrets };
  const kinds = new Map<string, KeyKind>();
  const messages = new Map<string, string>();
  return {
    extra,
    kindOf(key) {
      let kind = kinds.get(key);
      if (kind === undefined) {
        kind = classifyKey(key, extra);
        if (kinds.size >= 4096) kinds.clear();
        kinds.set(key, kind);
      }
      return kind;
    },
    scrubMessage(text) {
      if (text.length > 256) return scrubSecrets(text);
      let clean = messages.get(text);
      if (clean === undefined) {
        clean = scrubSecrets(text);
        if (messages.size >= 1024) messages.clear();
        messages.set(text, clean);
      }
      return clean;
    },
  };
}

interface Walk {
  r: Redaction;
  ancestors: object[];
  nodes: number;
}

const isErrorLike = (v: unknown): v is Error =>
  typeof v === 'object' && v !== null && typeof (v as { message?: unknown }).message === 'string';

/** A value under a key of `kind`: redacted, scrubbed, or walked. */
function redactValue(item: unknown, kind: KeyKind, w: Walk, depth: number): unknown {
  if (kind === SECRET) return item === undefined || item === null || item === '' ? item : REDACTED;
  if (typeof item === 'string') return kind === TEXT ? scrubSecrets(item) : item;
  if (kind === RAW_HEADERS && Array.isArray(item)) return redactRawHeaders(item, w, depth);
  return walk(item, w, depth);
}

/** An error's message and stack, its causes folded in (`outer: inner`, `…\ncaused by: …`), scrubbed. */
function errorTexts(error: Error, scrub: (text: string) => string): { message: string; stack: string } {
  const cause = (error as { cause?: unknown }).cause;
  if (!isErrorLike(cause)) {
    return { message: typeof error.message === 'string' ? scrub(error.message) : '', stack: scrubErrorStack(error, scrub) };
  }
  const messages: string[] = [];
  const stacks: string[] = [];
  const seen = new Set<object>();
  let e: unknown = error;
  while (isErrorLike(e) && !seen.has(e) && seen.size < 10) {
    seen.add(e);
    messages.push(scrub(e.message));
    stacks.push(scrubErrorStack(e, scrub));
    const next = (e as { cause?: unknown }).cause;
    e = typeof next === 'function' ? undefined : next;
  }
  return { message: messages.filter((m) => m !== '').join(': '), stack: stacks.join('\ncaused by: ') };
}

/**
 * pino's error shape — `type`, `message` and `stack` with causes folded in (`outer: inner`, `…\ncaused by: …`),
 * `aggregateErrors`, then the other enumerable properties — with the texts scrubbed ({@link scrubSecrets},
 * {@link scrubErrorStack}) and the properties redacted like any object's.
 */
function serializeError(error: Error, w: Walk, depth: number): Record<string, unknown> {
  const cause = (error as { cause?: unknown }).cause;
  const { message, stack } = errorTexts(error, w.r.scrubMessage);
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
    const kind = w.r.kindOf(key);
    // rawHeaders inside an Error are walked like any array (as before the split)
    out[key] = redactValue(source[key], kind === RAW_HEADERS ? PLAIN : kind, w, depth + 1);
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
    return Array.isArray(source) ? redactArray(source, w, depth) : redactRecord(source as Record<string, unknown>, w, depth);
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

function redactArray(source: unknown[], w: Walk, depth: number): unknown {
  const length = Math.min(source.length, MAX_REDACT_BREADTH);
  let out: unknown[] | undefined;
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

/** The first {@link MAX_REDACT_BREADTH} own keys of `record`, and a `[Truncated]` marker. */
function truncatedRecord(record: Record<string, unknown>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  let k = 0;
  for (const name in record) {
    if (!Object.hasOwn(record, name)) continue;
    if (k++ >= MAX_REDACT_BREADTH) break;
    kept[name] = record[name];
  }
  kept['[Truncated]'] = `more than ${MAX_REDACT_BREADTH} keys`;
  return kept;
}

function redactRecord(record: Record<string, unknown>, w: Walk, depth: number): unknown {
  let out: Record<string, unknown> | undefined;
  let seen = 0;
  for (const key in record) {
    if (!Object.hasOwn(record, key)) continue;
    // The rest is not examined, so it is not logged.
    if (++seen > MAX_REDACT_BREADTH) return truncatedRecord(out ?? record);
    const item = record[key];
    const red = redactValue(item, w.r.kindOf(key), w, depth + 1);
    if (red !== item) {
      out ??= { ...record };
      out[key] = red;
    }
  }
  return out ?? record;
}

/** Walks `value` at `depth` with a fresh node budget. */
export function redactWith<T>(value: T, r: Redaction, depth = 0): T {
  return walk(value, { r, ancestors: [], nodes: 0 }, depth) as T;
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
  return redactWith(value, createRedaction(keys, false), depth);
}

/**
 * The log-line object with secrets redacted ({@link redactSensitive}); the values of keys in `serialized` (those with
 * a pino serializer) are left to it (createLogger redacts the serializers' output). A small flat object of primitives
 * costs one cached key lookup per field and no allocation. Never throws: a line that cannot be examined (a throwing
 * getter) is replaced by `{ redaction_failed: true }`.
 */
export function redactLine(
  object: Record<string, unknown>,
  r: Redaction,
  serialized: ReadonlySet<string>,
): Record<string, unknown> {
  try {
    let out: Record<string, unknown> | undefined;
    let w: Walk | undefined;
    for (const key in object) {
      if (!Object.hasOwn(object, key)) continue;
      const item = object[key];
      let red: unknown;
      const kind = r.kindOf(key);
      if (kind === SECRET) red = item === undefined || item === null || item === '' ? item : REDACTED;
      else if (serialized.has(key)) continue;
      else if (typeof item === 'string') red = kind === TEXT ? scrubSecrets(item) : item;
      else if (item === null || typeof item !== 'object') continue;
      else {
        w ??= { r, ancestors: [object], nodes: 0 };
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
