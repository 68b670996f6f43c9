// Secret scrubbing for free text (error messages, log messages, span events, alert annotations) and the key pattern
// that the logger's object redaction uses. Every pattern here runs in time linear in the text: each regex either
// starts on a fixed literal or on a word boundary (a lookbehind), and no quantified run can be re-scanned from
// inside itself.

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

// A cheap first look: when a text matches none of these, no rule below can change it.
const MAYBE_SECRET =
  /@|pass|secret|token|api[-_]?key|auth|credential|session|signature|cookie|pwd|private[-_]?key|jwt|[?&;](?:sig|key|code|pw|otp)|eyJ|[sr]k_|whsec_|xox|xapp-|gh[pousr]_|github_pat_|AKIA|ASIA|ya29\.|AIza|bearer|basic|hooks\.slack|\/bot\d/i;

// scheme://userinfo@ — the userinfo runs to the last "@" before the path, query, fragment or whitespace.
const URL_USERINFO = /(?<![a-z0-9+.-])([a-z][a-z0-9+.-]{0,31}:\/\/)[^\s/?#@]*(?:@[^\s/?#@]*)*@/gi;

// A key containing a secret word, then an optional closing quote (also an escaped one, \"), then = or :.
const KEY_CHARS = 'A-Za-z0-9_.\\-';
const SECRET_PAIR = new RegExp(
  `(?<![${KEY_CHARS}])(?=[${KEY_CHARS}]*?(?:${SECRET_KEY_PATTERN.source}))(?=([${KEY_CHARS}]+))\\1(\\\\?["'])?[ \\t]*(?:=(?![=>])|:(?![:/]))[ \\t]*`,
  'gi',
);

// Query parameters whose names are too short for the key pattern: ?sig= (Azure SAS), &key=, &code= (OAuth), …
const QUERY_SECRET = /(?<=[?&;])((?:sig|key|code|jwt|pw|pwd|otp)=)[^&#\s"'<>]+/gi;

// Well-known token shapes, recognised without a key.
const TOKEN_SHAPES = new RegExp(
  [
    /(?<![\w-])eyJ[\w-]*\.[\w-]*\.[\w-]*/.source, // JWT (header.payload.signature)
    /(?<![\w-])(?:sk|rk)_(?:live|test)_[A-Za-z0-9]+/.source, // Stripe secret and restricted keys
    /(?<![\w-])whsec_[A-Za-z0-9]+/.source, // Stripe webhook secrets
    /(?<![\w-])(?:xox[abposr]|xapp)-[A-Za-z0-9-]+/.source, // Slack tokens
    /(?<![\w-])(?:gh[pousr]_[A-Za-z0-9]+|github_pat_\w+)/.source, // GitHub tokens
    /(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{12,40}/.source, // AWS access key ids
    /(?<![\w-])ya29\.[\w.-]+/.source, // Google OAuth access tokens
    /(?<![\w-])AIza[\w-]{20,}/.source, // Google API keys
  ].join('|'),
  'g',
);
// Prefix kept, the rest replaced.
const PREFIXED_SECRETS =
  /(hooks\.slack\.com\/(?:services|workflows|triggers)\/)[^\s?#"'<>]+|(\/bot)\d+:[\w-]+|(?<![\w-])(aws_secret_access_key["']?\s*[=:]?\s*["']?)[A-Za-z0-9/+=]+|(?<![\w-])((?:bearer)\s+)[A-Za-z0-9._~+/=-]+|(?<![\w-])(basic\s+)([A-Za-z0-9+/]{6,}={0,2})/gi;

// Where an unquoted value ends.
const VALUE_END = /[\s,;&"'<>)\]}]/;
const AUTH_SCHEME = /^(?:bearer|basic|digest|token|negotiate|bot|apikey)[ \t]+/i;

function redactPairs(text: string): string {
  SECRET_PAIR.lastIndex = 0;
  let out = '';
  let copied = 0;
  let m: RegExpExecArray | null = SECRET_PAIR.exec(text);
  while (m !== null) {
    const key = m[1] as string;
    const closing = m[2];
    let i = m.index + m[0].length;
    const valueStart = i;
    let end: number;
    if (text.startsWith(TEXT_REDACTED, i)) {
      end = i + TEXT_REDACTED.length;
      i = end;
    } else {
      const c = text[i];
      const escaped = c === '\\' && (text[i + 1] === '"' || text[i + 1] === "'");
      const quote = escaped ? text.slice(i, i + 2) : c === '"' || c === "'" ? c : undefined;
      let from = i;
      if (quote !== undefined) {
        from = i + quote.length;
        if (quote === '"') {
          // JSON string: up to the next unescaped quote.
          end = from;
          while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
          end = Math.min(end, text.length);
        } else {
          const close = text.indexOf(quote, from);
          end = close === -1 ? text.length : close;
        }
        i = end;
      } else if (closing === undefined && /cookie/i.test(key)) {
        // Cookie headers hold several name=value pairs: the rest of the line.
        const nl = text.indexOf('\n', from);
        end = nl === -1 ? text.length : nl;
        i = end;
      } else {
        const scheme = AUTH_SCHEME.exec(text.slice(from, from + 16));
        if (scheme) from += scheme[0].length;
        end = from;
        while (end < text.length && !VALUE_END.test(text[end] as string)) end++;
        i = end;
      }
      if (end > from) {
        out += text.slice(copied, from) + TEXT_REDACTED;
        copied = end;
      }
    }
    SECRET_PAIR.lastIndex = Math.max(i, valueStart + 1, m.index + 1);
    m = SECRET_PAIR.exec(text);
  }
  return copied === 0 ? text : out + text.slice(copied);
}

const looksBase64Credential = (value: string): boolean =>
  /[0-9+/=]/.test(value) || /[a-z].*[A-Z]|[A-Z].*[a-z]/.test(value.slice(1));

/**
 * Removes secrets from free text, keeping the rest: URL credentials (`scheme://user:pass@host` →
 * `scheme://[redacted]@host`), values of `key=value`, `key: value`, `"key":"value"`, `key='value with spaces'`
 * pairs whose key matches {@link SECRET_KEY_PATTERN} (also inside query strings, plus `sig`, `key`, `code`, `jwt`,
 * `pw`, `pwd`, `otp` query parameters), cookie header values, `Bearer`/`Basic` credentials and known token shapes
 * (JWTs, Stripe `sk_`/`rk_`/`whsec_`, Slack `xox*-` and webhook paths, GitHub `ghp_`/`gho_`/`github_pat_`, AWS
 * `AKIA`/`ASIA` key ids and `aws_secret_access_key`, Telegram `/bot<id>:<token>`, Google `ya29.` and `AIza`).
 * Linear in the length of the text; never throws. Unlike {@link sanitizeMessage} it does not truncate.
 */
export function scrubSecrets(text: string): string {
  if (!MAYBE_SECRET.test(text)) return text;
  let s = text;
  if (s.includes('://')) s = s.replace(URL_USERINFO, `$1${TEXT_REDACTED}@`);
  s = redactPairs(s);
  s = s.replace(QUERY_SECRET, `$1${TEXT_REDACTED}`);
  s = s.replace(TOKEN_SHAPES, TEXT_REDACTED);
  s = s.replace(PREFIXED_SECRETS, (all, slack, bot, aws, bearer, basic, basicValue) => {
    if (slack !== undefined) return `${slack}${TEXT_REDACTED}`;
    if (bot !== undefined) return `${bot}${TEXT_REDACTED}`;
    if (aws !== undefined) return `${aws}${TEXT_REDACTED}`;
    if (bearer !== undefined) return `${bearer}${TEXT_REDACTED}`;
    if (basic !== undefined && looksBase64Credential(basicValue)) return `${basic}${TEXT_REDACTED}`;
    return all;
  });
  return s;
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
