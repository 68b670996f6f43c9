/**
 * Redaction of configuration values before they are put into a `SlakitError` (message and `value`): an option that
 * is rejected is often the one that carries a credential (a connection string, a webhook URL, a routing key), and
 * error messages end up in logs, CI output and bug reports.
 *
 * Rules (applied at any depth, bounded):
 * - a field whose name matches {@link SECRET_FIELD} (`password`, `token`, `apiKey`, `routingKey`, `auth…`, `secret`,
 *   `credential`, `session`, `signature`, `cookie`, `privateKey`) shows `[redacted]`;
 * - a field whose name matches {@link LOCATOR_FIELD} (`url`, `dsn`, `uri`, `connection…`, `endpoint`, `webhook`) shows
 *   a parseable URL with its password, query values, fragment and token-like path segments replaced by `***`
 *   (`postgres://app:***@db:5432/app`), anything else `[redacted]`;
 * - every other string is scrubbed of URL credentials, secret query values, `key=value` pairs with a secret key and
 *   well-known token shapes (JWT, `sk_live_…`, `xoxb-…`, `ghp_…`, AWS access keys, `Bearer …`).
 */

/** Field names whose values are secrets: shown as `[redacted]`. */
export const SECRET_FIELD =
  /(pass(word|wd|phrase)?|pwd|secret|token|api[-_]?key|auth|credential|session|signature|cookie|private[-_]?key|routing[-_]?key|access[-_]?key|integration[-_]?key|bearer)/i;
/** Field names whose values locate a service and may embed credentials (URLs, DSNs, connection strings). */
export const LOCATOR_FIELD = /(dsn|url|uri|connection|endpoint|webhook|href)/i;

/** What replaces a redacted value. */
export const REDACTED_VALUE = '[redacted]';
const MASK = '***';

const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;
const KEY_VALUE =
  /((?:pass(?:word|wd|phrase)?|pwd|secret|token|api[-_]?key|auth[a-z_-]*|credential|session[a-z_-]*|signature|cookie|private[-_]?key|routing[-_]?key|access[-_]?key|client[-_]?secret|dsn)[a-z0-9_-]*)(["']?\s*[=:]\s*["']?)([^\s"',;&]+)/gi;
const TOKEN_SHAPES: readonly RegExp[] = [
  /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, // JWT
  /\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{4,}/g, // Stripe
  /\bxox[abposr]-[A-Za-z0-9-]{4,}/g, // Slack tokens
  /\bgh[pousr]_[A-Za-z0-9]{10,}/g, // GitHub tokens
  /\bglpat-[A-Za-z0-9_-]{10,}/g, // GitLab tokens
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, // AWS access key ids
  /\bya29\.[A-Za-z0-9_-]{4,}/g, // Google OAuth access tokens
  /\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{4,}/gi, // Authorization values
];

/** Whether a path segment (of a URL) looks like a credential: long, or mixing letters and digits, or `bot<id>:<token>`. */
function secretSegment(segment: string): boolean {
  if (segment.length >= 16) return true;
  if (segment.includes(':')) return true;
  return segment.length >= 8 && /[0-9]/.test(segment) && /[A-Za-z]/.test(segment);
}

/**
 * A URL with its credentials removed: password, query values and fragment become `***`, and so do path segments
 * that look like tokens (Slack/Discord webhook paths, Telegram `/bot<token>/`). Unparseable text is scrubbed with
 * {@link redactText}'s rules.
 */
export function redactUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return scrub(text.replace(/(\/\/)[^/@\s]*@/g, `$1${MASK}@`));
  }
  let changed = url.password !== '' || url.search !== '' || url.hash !== '';
  const userinfo = url.username || url.password ? `${url.username}${url.password ? `:${MASK}` : ''}@` : '';
  const path = url.pathname
    .split('/')
    .map((segment) => {
      if (!secretSegment(decodeSafe(segment))) return segment;
      changed = true;
      return MASK;
    })
    .join('/');
  if (!changed && url.username === '') return scrub(text);
  const query = url.search
    ? `?${url.search
        .slice(1)
        .split('&')
        .map((pair) => `${pair.split('=')[0]}=${MASK}`)
        .join('&')}`
    : '';
  const hash = url.hash ? `#${MASK}` : '';
  const host = url.host ? `//${userinfo}${url.host}` : url.href.startsWith(`${url.protocol}//`) ? '//' : '';
  return `${url.protocol}${host}${path}${query}${hash}`;
}

function decodeSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function scrub(text: string): string {
  let out = text.replace(KEY_VALUE, `$1$2${MASK}`);
  for (const shape of TOKEN_SHAPES)
    out = out.replace(shape, (_m, scheme?: unknown) => (typeof scheme === 'string' ? `${scheme} ${MASK}` : MASK));
  return out;
}

/**
 * Free text with credentials removed: every embedded URL goes through {@link redactUrl}, `password=…`-style pairs and
 * known token shapes lose their values.
 */
export function redactText(text: string): string {
  if (text.length > 100_000) text = text.slice(0, 100_000);
  return scrub(text.replace(URL_IN_TEXT, (m) => redactUrl(m)));
}

/** The last name in a field path: `sinks[1].delivery.retries` → `retries`, `headers.Authorization` → `Authorization`. */
function lastName(field: string | undefined): string {
  if (!field) return '';
  const parts = field.split(/[.[\]]+/).filter(Boolean);
  for (let i = parts.length - 1; i >= 0; i--) if (!/^\d+$/.test(parts[i] as string)) return parts[i] as string;
  return '';
}

/** How the value of a field must be shown: in full (scrubbed), as a URL without credentials, or not at all. */
export function fieldKind(field: string | undefined): 'secret' | 'locator' | 'plain' {
  const name = lastName(field);
  if (name === '') return 'plain';
  if (SECRET_FIELD.test(name)) return 'secret';
  if (LOCATOR_FIELD.test(name)) return 'locator';
  return 'plain';
}

const LIMIT = { depth: 4, keys: 50 };

/**
 * A copy of `value` safe to keep in an error: secret fields redacted, URLs and strings scrubbed (see the module
 * comment). Returns `value` itself when nothing had to change, so identities of clients and functions are kept.
 */
export function redactValue(value: unknown, field?: string): unknown {
  return redactAt(value, fieldKind(field), 0, new Map());
}

function redactAt(value: unknown, kind: 'secret' | 'locator' | 'plain', depth: number, seen: Map<object, unknown>): unknown {
  if (value === undefined || value === null || typeof value === 'boolean') return value;
  if (kind === 'secret') return REDACTED_VALUE;
  if (typeof value === 'string') {
    if (kind === 'locator') return /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? redactUrl(value) : REDACTED_VALUE;
    const out = redactText(value);
    return out === value ? value : out;
  }
  if (typeof value !== 'object') return value; // numbers, bigints, symbols, functions
  // A shared or circular reference gets the same redacted copy (a cycle still being copied shows `[circular]`).
  if (seen.has(value)) return seen.get(value);
  if (depth >= LIMIT.depth) return '[object]';
  seen.set(value, '[circular]');
  if (value instanceof URL) return redactUrl(value.href);
  if (value instanceof Date || value instanceof RegExp) return value;
  let keys: string[];
  try {
    keys = Object.keys(value);
  } catch {
    return '[object]';
  }
  let changed = false;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? [] : {};
  for (const key of keys.slice(0, LIMIT.keys)) {
    let item: unknown;
    try {
      item = (value as Record<string, unknown>)[key];
    } catch {
      item = '[getter]';
      changed = true;
    }
    const childKind = Array.isArray(value) ? kind : fieldKind(key);
    const redacted = redactAt(item, childKind, depth + 1, seen);
    if (redacted !== item) changed = true;
    Object.defineProperty(copy, key, { value: redacted, enumerable: true, writable: true, configurable: true });
  }
  if (keys.length > LIMIT.keys) changed = true;
  const out = changed ? copy : value;
  seen.set(value, out);
  return out;
}

const MAX_TEXT = 80;

/**
 * Formats a value for an error message: strings quoted, `NaN`/`Infinity`/`-0` by name, objects as JSON-like
 * previews, long values truncated — with secrets redacted as described in this module (`field` names the option,
 * so `password: 'x'` shows `"[redacted]"` and `url: 'https://u:p@h'` shows `"https://u:***@h"`).
 */
export function describeValue(value: unknown, field?: string): string {
  const text = preview(redactValue(value, field), 0, new WeakSet());
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 3)}...` : text;
}

function preview(value: unknown, depth: number, seen: WeakSet<object>): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length > 200 ? value.slice(0, 200) : value);
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value); // NaN, Infinity, -Infinity by name
    case 'bigint':
      return `${value}n`;
    case 'undefined':
      return 'undefined';
    case 'function':
      return '[function]';
    case 'symbol':
      return value.toString();
    case 'boolean':
      return String(value);
  }
  if (value === null) return 'null';
  const obj = value as object;
  if (seen.has(obj)) return '[circular]';
  if (obj instanceof Date) return Number.isNaN(obj.getTime()) ? 'Invalid Date' : obj.toISOString();
  if (obj instanceof RegExp) return String(obj);
  if (depth >= 3) return Array.isArray(obj) ? '[...]' : '{...}';
  seen.add(obj);
  let keys: string[];
  try {
    keys = Object.keys(obj);
  } catch {
    return '[object]';
  }
  const parts: string[] = [];
  let length = 0;
  for (const key of keys) {
    let item: unknown;
    try {
      item = (obj as Record<string, unknown>)[key];
    } catch {
      item = '[getter]';
    }
    const shown = Array.isArray(obj)
      ? preview(item, depth + 1, seen)
      : `${JSON.stringify(key)}:${preview(item, depth + 1, seen)}`;
    parts.push(shown);
    length += shown.length + 1;
    if (length > MAX_TEXT) break;
  }
  seen.delete(obj); // only cycles are [circular]; a shared object is shown each time
  return Array.isArray(obj) ? `[${parts.join(',')}]` : `{${parts.join(',')}}`;
}
