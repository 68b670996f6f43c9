// Secret scrubbing for free text (error messages, log messages, span events, alert annotations) and the key pattern
// that the logger's object redaction uses. The scrubber is one left-to-right scan in time linear in the text.

import { RULES, type Scan } from './secret-rules.js';

/**
 * Object keys and header names whose values are secrets (case-insensitive, anywhere in the name): `password`,
 * `PGPASSWORD`, `client_secret`, `refresh_token`, `x-api-key`, `Authorization`, `x-hub-signature-256`, `cookie`, …
 */
export const SECRET_KEY_PATTERN: RegExp =
  /pass|secret|token|api[-_]?key|auth|credential|session|signature|cookie|pwd|private[-_]?key|bearer|jwt|dsn/i;

export { TEXT_REDACTED } from './secret-rules.js';

/**
 * True when `key` names a secret: it matches {@link SECRET_KEY_PATTERN}. No cache here (no module state): loggers
 * cache key kinds per logger (`createRedaction`), where keys repeat.
 */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY_PATTERN.test(key);
}

// One left-to-right pass: a regex finds every place where a secret may start (a URL's "://", a key word, a short
// query parameter, a token prefix, "basic ", a Slack webhook host, a Telegram "/bot<digits>"); each hit is then
// handled at its position by the rule of its trigger (RULES, secret-rules.ts) and the scan resumes after what it
// consumed, so every character is looked at a bounded number of times (linear time, no backtracking over the text).
// Group i + 1 of TRIGGER is RULES[i] (the triggers have no capturing groups of their own).
const TRIGGER = new RegExp(RULES.map((r) => `(${r.trigger})`).join('|'), 'gi');

/** Runs the rule of the trigger group that matched; returns where the scan resumes. */
function applyRule(scan: Scan, m: RegExpExecArray): number {
  for (let g = 1; g < m.length; g++) {
    const hit = m[g];
    if (hit !== undefined) return (RULES[g - 1] as (typeof RULES)[number]).rule(scan, m.index, hit);
  }
  return m.index + 1;
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
  TRIGGER.lastIndex = 0;
  let m = TRIGGER.exec(text);
  if (m === null) return text;
  const scan: Scan = { s: text, n: text.length, out: '', copied: 0, floor: 0 };
  while (m !== null) {
    const next = applyRule(scan, m);
    scan.floor = Math.max(scan.floor, next);
    TRIGGER.lastIndex = next;
    m = TRIGGER.exec(text);
  }
  return scan.copied === 0 ? text : scan.out + text.slice(scan.copied);
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
