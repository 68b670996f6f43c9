import { sanitizeMessage } from './logger.js';

/** A thrown value described safely: always strings, bounded, sanitised, without NUL or lone surrogates. */
export interface ErrorDescription {
  /** Class name of an Error (`TypeError`), else the kind of value thrown (`undefined`, `null`, `string`, `object`, …). At most 100 characters. */
  name: string;
  /**
   * The value's own `code` (`ECONNREFUSED`, `TIMEOUT`) when it is a short string or number; else the name of an
   * Error (`TypeError`); else `NON_ERROR_THROWN` for a value that is not an Error, or `UNREADABLE_ERROR` when
   * reading the value threw. At most 64 characters of `[A-Za-z0-9_.:-]`.
   */
  code: string;
  /** The message, credentials removed (`sanitizeMessage`), at most `maxMessageLength` characters. */
  message: string;
}

/** Options of {@link describeError}. */
export interface DescribeErrorOptions {
  /** Longest `message` kept, in UTF-16 units; default 500 (the run ledger's column). */
  maxMessageLength?: number;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point (Postgres rejects NUL)
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const CODE_CHARS = /[^A-Za-z0-9_.:-]/g;

/**
 * Makes `text` safe for any sink: NUL and other control characters (but tab, newline and carriage return) and lone
 * UTF-16 surrogates become U+FFFD — Postgres rejects NUL in text (error 22021) and JSON encoders choke on lone
 * surrogates — and it is cut to `max` units without splitting a surrogate pair.
 */
export function safeText(text: string, max: number): string {
  let s = text.length > max * 4 + 16 ? text.slice(0, max * 4 + 16) : text;
  s = s.replace(CONTROL, '\ufffd').replace(LONE_SURROGATE, '\ufffd');
  if (s.length > max) {
    let end = max;
    const last = s.charCodeAt(end - 1);
    if (last >= 0xd800 && last <= 0xdbff) end -= 1; // do not split a pair
    s = s.slice(0, end);
  }
  return s;
}

/** Reads `obj[key]` without ever throwing (getters and Proxy traps may throw). */
function read(obj: object, key: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: (obj as Record<string, unknown>)[key] };
  } catch {
    return { ok: false };
  }
}

function isErrorLike(value: object): boolean {
  try {
    return value instanceof Error || Object.prototype.toString.call(value) === '[object Error]';
  } catch {
    return false;
  }
}

function primitiveText(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
    case 'symbol':
      return String(value);
    default:
      return undefined;
  }
}

/**
 * Describes any thrown value — `undefined`, `null`, a string, a number, `Object.create(null)`, an object whose
 * `message`/`toString` getters throw, a Proxy that throws on every trap, a 1 MB message — as `{ name, code, message }`
 * strings that are safe to log, store (Postgres text columns, metrics, JSON) and show. Never throws, and never calls
 * the value's `toString`/`valueOf`.
 */
export function describeError(value: unknown, options: DescribeErrorOptions = {}): ErrorDescription {
  const max = options.maxMessageLength ?? 500;
  const message = (text: string) => {
    try {
      return safeText(sanitizeMessage(safeText(text, max * 2), max), max);
    } catch {
      return '[unreadable message]';
    }
  };
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'function') {
      return { name: 'function', code: 'NON_ERROR_THROWN', message: 'a function was thrown' };
    }
    const text = primitiveText(value);
    return {
      name: value === null ? 'null' : typeof value,
      code: 'NON_ERROR_THROWN',
      message: text === undefined ? `${value === null ? 'null' : 'undefined'} was thrown` : message(text),
    };
  }
  try {
    const errorLike = isErrorLike(value);
    const rawName = read(value, 'name');
    const rawCode = read(value, 'code');
    const rawMessage = read(value, 'message');
    const readable = rawName.ok && rawCode.ok && rawMessage.ok;
    const name =
      rawName.ok && typeof rawName.value === 'string' && rawName.value !== ''
        ? safeText(rawName.value, 100)
        : errorLike
          ? 'Error'
          : 'object';
    const codeValue = rawCode.ok ? rawCode.value : undefined;
    const ownCode =
      typeof codeValue === 'string' || typeof codeValue === 'number' || typeof codeValue === 'bigint'
        ? String(codeValue).replace(CODE_CHARS, '_').slice(0, 64)
        : '';
    const fallbackCode = !readable ? 'UNREADABLE_ERROR' : errorLike || name !== 'object' ? name : 'NON_ERROR_THROWN';
    const code = ownCode !== '' ? ownCode : fallbackCode.replace(CODE_CHARS, '_').slice(0, 64) || 'NON_ERROR_THROWN';
    const text = rawMessage.ok ? primitiveText(rawMessage.value) : undefined;
    return {
      name,
      code,
      message:
        text !== undefined
          ? message(text)
          : !rawMessage.ok
            ? '[unreadable message]'
            : errorLike
              ? ''
              : 'a non-Error object was thrown',
    };
  } catch {
    return { name: 'object', code: 'UNREADABLE_ERROR', message: '[unreadable error]' };
  }
}

/**
 * Runs `fn` (a call into host code: an alerter's fire/resolve, a callback) and contains what it throws: logged at
 * warn as `<what> failed` with the error's type, code and scrubbed message, never rethrown — for timers and promise
 * callbacks, where a throw would become an uncaught exception or an unhandled rejection and stop the host.
 */
export function contained(logger: WarnLogger | undefined, what: string, fn: () => void): void {
  try {
    fn();
  } catch (error) {
    logFailure(logger, what, error);
  }
}

/** A logger with `warn` (pino's shape). */
type WarnLogger = { warn(obj: object, msg: string): void };

/** Logs a contained failure at warn as `<what> failed`, with the error's type, code and scrubbed message. */
export function logFailure(logger: WarnLogger | undefined, what: string, error: unknown): void {
  const { name, code, message } = describeError(error);
  logger?.warn({ error: { type: name, code, message } }, `${what} failed`);
}
