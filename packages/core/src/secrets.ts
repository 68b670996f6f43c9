// Secret scrubbing for free text (error messages, log messages, span events, alert annotations) and the key pattern
// that the logger's object redaction uses. The scrubber is one left-to-right scan in time linear in the text.

/**
 * Object keys and header names whose values are secrets (case-insensitive, anywhere in the name): `password`,
 * `PGPASSWORD`, `client_secret`, `refresh_token`, `x-api-key`, `Authorization`, `x-hub-signature-256`, `cookie`, …
 */
export const SECRET_KEY_PATTERN: RegExp =
  /pass|secret|token|api[-_]?key|auth|credential|session|signature|cookie|pwd|private[-_]?key|bearer|jwt|dsn/i;

/** What replaces a secret inside free text ({@link sanitizeMessage}). */
export const TEXT_REDACTED = '[redacted]';

const KEY_CACHE_LIMIT = 4096;
const keyCache = new Map<string, boolean>();

/**
 * True when `key` names a secret: it matches {@link SECRET_KEY_PATTERN}. Results for up to 4096 distinct keys are
 * cached (keys are usually literals of the code that logs), so the check costs one map lookup on a hot path.
 */
export function isSecretKey(key: string): boolean {
  let hit = keyCache.get(key);
  if (hit === undefined) {
    hit = SECRET_KEY_PATTERN.test(key);
    if (keyCache.size < KEY_CACHE_LIMIT) keyCache.set(key, hit);
  }
  return hit;
}

// One left-to-right pass: this regex finds every place where a secret may start (a URL's "://", a key word, a short
// query parameter, a token prefix, "basic ", a Slack webhook host, a Telegram "/bot<digits>"); each hit is then
// handled at its position and the scan resumes after what it consumed, so every character is looked at a bounded
// number of times (linear time, no backtracking over the text).
const KEY_WORDS = 'pass|secret|token|api[-_]?key|auth|credential|session|signature|cookie|pwd|private[-_]?key|bearer|jwt|dsn';
const TRIGGER = new RegExp(
  [
    '(:\\/\\/)',
    `(${KEY_WORDS})`,
    '([?&;](?:sig|key|code|pw|pwd|otp)=)',
    '(eyJ|[sr]k_(?:live|test)_|whsec_|xox[abposr]-|xapp-|gh[pousr]_|github_pat_|AKIA|ASIA|ya29\\.|AIza)',
    '(basic[ \\t]+)',
    '(hooks\\.slack\\.com\\/)',
    '(\\/bot(?=\\d))',
  ].join('|'),
  'gi',
);
// Token shapes, matched at the position of their prefix (case-sensitive).
const TOKEN_AT =
  /eyJ[\w-]*\.[\w-]*\.[\w-]*|[sr]k_(?:live|test)_[A-Za-z0-9]+|whsec_[A-Za-z0-9]+|(?:xox[abposr]|xapp)-[A-Za-z0-9-]+|gh[pousr]_[A-Za-z0-9]+|github_pat_\w+|(?:AKIA|ASIA)[A-Z0-9]{12,40}|ya29\.[\w.-]+|AIza[\w-]{20,}/y;
const SLACK_PATH_AT = /(?:services|workflows|triggers)\/[^\s?#"'<>]+/y;
const TELEGRAM_AT = /\d+:[\w-]+/y;
const BASIC_AT = /[A-Za-z0-9+/]{6,}={0,2}/y;
const BEARER_AT = /[ \t]+([A-Za-z0-9._~+/=-]+)/y;
const AUTH_SCHEME = /(?:bearer|basic|digest|token|negotiate|bot|apikey)[ \t]+/iy;

const table = (chars: string): Uint8Array => {
  const t = new Uint8Array(128);
  for (const c of chars) t[c.charCodeAt(0)] = 1;
  return t;
};
const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const KEY_CHAR = table(`${ALNUM}_.-`);
const ALNUM_CHAR = table(ALNUM);
const WORD_CHAR = table(`${ALNUM}_-`);
const SCHEME_CHAR = table(`${ALNUM}+.-`);
const VALUE_STOP = table(' \t\n\r\f\v,;&"\'<>)]}');
const AUTHORITY_STOP = table(' \t\n\r\f\v/?#');
const QUERY_STOP = table(' \t\n\r\f\v&#"\'<>');
const is = (t: Uint8Array, s: string, i: number): boolean => {
  const c = s.charCodeAt(i);
  return c < 128 && t[c] === 1;
};
const notIn = (t: Uint8Array, s: string, i: number): boolean => {
  const c = s.charCodeAt(i);
  return !(c < 128 && t[c] === 1);
};

const looksBase64Credential = (value: string): boolean =>
  /[0-9+/=]/.test(value) || /[a-z].*[A-Z]|[A-Z].*[a-z]/.test(value.slice(1));

function sticky(re: RegExp, s: string, at: number): RegExpExecArray | null {
  re.lastIndex = at;
  return re.exec(s);
}

/**
 * Removes secrets from free text, keeping the rest: URL credentials (`scheme://user:pass@host` →
 * `scheme://[redacted]@host`), values of `key=value`, `key: value`, `"key":"value"`, `key='value with spaces'`
 * pairs whose key matches {@link SECRET_KEY_PATTERN} (also inside query strings, plus `sig`, `key`, `code`, `pw`,
 * `pwd`, `otp` query parameters), cookie header values (the rest of the line), `Bearer`/`Basic` credentials and
 * known token shapes (JWTs, Stripe `sk_`/`rk_`/`whsec_`, Slack `xox*-` and webhook paths, GitHub
 * `ghp_`/`gho_`/`github_pat_`, AWS `AKIA`/`ASIA` key ids and `aws_secret_access_key`, Telegram `/bot<id>:<token>`,
 * Google `ya29.` and `AIza`). Linear in the length of the text; never throws. Unlike {@link sanitizeMessage} it
 * does not truncate.
 */
export function scrubSecrets(text: string): string {
  const s = text;
  const n = s.length;
  const re = TRIGGER;
  re.lastIndex = 0;
  let m = re.exec(s);
  if (m === null) return s;
  let out = '';
  let copied = 0; // s[0, copied) is in out
  let floor = 0; // key names are not extended left of this
  const redact = (from: number, to: number) => {
    if (to <= from) return;
    out += s.slice(copied, from) + TEXT_REDACTED;
    copied = to;
  };
  while (m !== null) {
    const p = m.index;
    let next = p + 1;
    if (m[1] !== undefined) {
      // scheme://userinfo@host — the userinfo runs to the last "@" of the authority.
      let start = p;
      while (start > floor && is(SCHEME_CHAR, s, start - 1)) start--;
      const from = p + 3;
      let end = from;
      while (end < n && notIn(AUTHORITY_STOP, s, end)) end++;
      const at = from + s.slice(from, end).lastIndexOf('@');
      if (start < p && at >= from) {
        redact(from, at);
        next = at + 1;
      } else next = from;
    } else if (m[2] !== undefined) {
      next = pair(p, p + m[2].length);
    } else if (m[3] !== undefined) {
      const from = p + m[3].length;
      let end = from;
      while (end < n && notIn(QUERY_STOP, s, end)) end++;
      redact(from, end);
      next = Math.max(end, from);
    } else if (m[4] !== undefined) {
      const boundary = p === 0 || notIn(m[4][0] === 'A' || m[4][0] === 'a' ? ALNUM_CHAR : WORD_CHAR, s, p - 1);
      const token = boundary ? sticky(TOKEN_AT, s, p) : null;
      if (token !== null) {
        redact(p, p + token[0].length);
        next = p + token[0].length;
      }
    } else if (m[5] !== undefined) {
      const from = p + m[5].length;
      const value = p === 0 || notIn(WORD_CHAR, s, p - 1) ? sticky(BASIC_AT, s, from) : null;
      if (value !== null && looksBase64Credential(value[0])) {
        redact(from, from + value[0].length);
        next = from + value[0].length;
      } else next = from;
    } else if (m[6] !== undefined) {
      const from = p + m[6].length;
      const path = sticky(SLACK_PATH_AT, s, from);
      if (path !== null) {
        const slash = s.indexOf('/', from);
        redact(slash + 1, from + path[0].length);
        next = from + path[0].length;
      } else next = from;
    } else if (m[7] !== undefined) {
      const from = p + 4;
      const token = sticky(TELEGRAM_AT, s, from);
      if (token !== null) {
        redact(from, from + token[0].length);
        next = from + token[0].length;
      }
    }
    floor = Math.max(floor, next);
    re.lastIndex = next;
    m = re.exec(s);
  }
  return copied === 0 ? s : out + s.slice(copied);

  // A key word at [p, q): extend to the whole key, then look for a separator and a value. Returns where to resume.
  function pair(p: number, q: number): number {
    let left = p;
    while (left > floor && is(KEY_CHAR, s, left - 1)) left--;
    let right = q;
    while (right < n && is(KEY_CHAR, s, right)) right++;
    let j = right;
    let closing = false;
    if (s[j] === '\\' && (s[j + 1] === '"' || s[j + 1] === "'")) {
      j += 2;
      closing = true;
    } else if (s[j] === '"' || s[j] === "'") {
      j++;
      closing = true;
    }
    while (s[j] === ' ' || s[j] === '\t') j++;
    const c = s[j];
    // "%3D": an "=" percent-encoded (a query string inside a query string, e.g. a redirect_uri).
    const encoded = c === '%' && s[j + 1] === '3' && (s[j + 2] === 'D' || s[j + 2] === 'd');
    const separated =
      encoded || (c === '=' && s[j + 1] !== '=' && s[j + 1] !== '>') || (c === ':' && s[j + 1] !== ':' && s[j + 1] !== '/');
    const key = s.slice(left, right).toLowerCase();
    if (!separated) {
      // "Bearer <token>", "aws_secret_access_key <value>": a value after blanks.
      if ((key === 'bearer' || key === 'aws_secret_access_key') && (s[right] === ' ' || s[right] === '\t')) {
        const value = sticky(BEARER_AT, s, right);
        if (value !== null) {
          const end = right + value[0].length;
          redact(end - (value[1] as string).length, end);
          return end;
        }
      }
      return right;
    }
    let from = j + (encoded ? 3 : 1);
    while (s[from] === ' ' || s[from] === '\t' || s[from] === '\n' || s[from] === '\r') from++;
    if (s.startsWith(TEXT_REDACTED, from)) return from + TEXT_REDACTED.length;
    const v = s[from];
    let end: number;
    if (s[from] === '\\' && (s[from + 1] === '"' || s[from + 1] === "'")) {
      const quote = s.slice(from, from + 2);
      from += 2;
      const close = s.indexOf(quote, from);
      end = close === -1 ? n : close;
    } else if (v === '"') {
      from++;
      end = from;
      while (end < n && s[end] !== '"') end += s[end] === '\\' ? 2 : 1;
      end = Math.min(end, n);
    } else if (v === "'") {
      from++;
      const close = s.indexOf("'", from);
      end = close === -1 ? n : close;
    } else if (!closing && key.includes('cookie')) {
      // Cookie headers hold several name=value pairs: the rest of the line.
      const nl = s.indexOf('\n', from);
      end = nl === -1 ? n : nl;
    } else {
      const scheme = sticky(AUTH_SCHEME, s, from);
      if (scheme !== null) from += scheme[0].length;
      if (s.startsWith(TEXT_REDACTED, from)) return from + TEXT_REDACTED.length;
      end = from;
      while (end < n && notIn(VALUE_STOP, s, end) && !(encoded && s.startsWith('%26', end))) end++;
    }
    redact(from, end);
    return Math.max(end, from, right);
  }
}

/**
 * `error.stack` scrubbed of secrets. V8 writes the stack as `${name}: ${message}` followed by frame lines; when the
 * stack still starts with that header, only the message is scrubbed ({@link scrubSecrets}) and the frames (written
 * by V8: function names and file paths) are kept as they are — scanning them would only cost time. Otherwise (a
 * message or stack changed after construction, a foreign stack format) the whole text is scrubbed. Never throws.
 *
 * @param scrub the scrubber of the message; default {@link scrubSecrets} (the logger passes a cached one)
 */
export function scrubErrorStack(
  error: { name?: unknown; message?: unknown; stack?: unknown },
  scrub: (text: string) => string = scrubSecrets,
): string {
  const stack = typeof error.stack === 'string' ? error.stack : '';
  const message = typeof error.message === 'string' ? error.message : '';
  const name = typeof error.name === 'string' ? error.name : 'Error';
  const header = message === '' ? name : `${name}: ${message}`;
  if (stack.startsWith(header) && (stack.length === header.length || stack[header.length] === '\n')) {
    const clean = scrub(message);
    return clean === message ? stack : `${name}: ${clean}${stack.slice(header.length)}`;
  }
  return scrubSecrets(stack);
}

function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  try {
    return typeof value === 'symbol' ? value.toString() : String(value);
  } catch {
    return '[unprintable]';
  }
}

/**
 * Removes credentials from free text before it is logged, stored or sent ({@link scrubSecrets}), then truncates to
 * `max` characters (`…` as the last three). Any value is accepted (`undefined`/`null` → `''`; one that cannot be
 * turned into a string → `'[unprintable]'`); never throws.
 */
export function sanitizeMessage(text: unknown, max = 300): string {
  const s = scrubSecrets(toText(text));
  return s.length > max ? `${s.slice(0, Math.max(0, max - 3))}...` : s;
}
