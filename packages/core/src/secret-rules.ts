// The rules of the secret scrubber (secrets.ts): what a secret looks like at each trigger of the scan, and how much
// of the text after the trigger is redacted. Each rule reads the text at its position only (sticky regexes and
// character tables, no backtracking over the text) and returns where the scan resumes.

/** What replaces a secret inside free text (`sanitizeMessage`, `scrubSecrets`). */
export const TEXT_REDACTED = '[redacted]';

const KEY_WORDS = 'pass|secret|token|api[-_]?key|auth|credential|session|signature|cookie|pwd|private[-_]?key|bearer|jwt|dsn';
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

/** The state of one scan of `s`: `s[0, copied)` is already in `out`; key names are not extended left of `floor`. */
export interface Scan {
  readonly s: string;
  readonly n: number;
  out: string;
  copied: number;
  floor: number;
}

/** Replaces `s[from, to)` by {@link TEXT_REDACTED} (nothing when empty). */
function redact(scan: Scan, from: number, to: number): void {
  if (to <= from) return;
  scan.out += scan.s.slice(scan.copied, from) + TEXT_REDACTED;
  scan.copied = to;
}

/** Handles a trigger hit (`hit`, the text its group matched) at `p`; returns where the scan resumes (> `p`). */
type Rule = (scan: Scan, p: number, hit: string) => number;

/** scheme://userinfo@host — the userinfo runs to the last "@" of the authority. */
function urlUserinfo(scan: Scan, p: number): number {
  const { s, n } = scan;
  let start = p;
  while (start > scan.floor && is(SCHEME_CHAR, s, start - 1)) start--;
  const from = p + 3;
  let end = from;
  while (end < n && notIn(AUTHORITY_STOP, s, end)) end++;
  const at = from + s.slice(from, end).lastIndexOf('@');
  if (start < p && at >= from) {
    redact(scan, from, at);
    return at + 1;
  }
  return from;
}

/** `?sig=…`, `&code=…`: the query parameter's value. */
function queryParam(scan: Scan, p: number, hit: string): number {
  const { s, n } = scan;
  const from = p + hit.length;
  let end = from;
  while (end < n && notIn(QUERY_STOP, s, end)) end++;
  redact(scan, from, end);
  return Math.max(end, from);
}

/** A known token shape starting at a word boundary (JWT, Stripe, Slack, GitHub, AWS, Google). */
function tokenShape(scan: Scan, p: number, hit: string): number {
  const { s } = scan;
  const boundary = p === 0 || notIn(hit[0] === 'A' || hit[0] === 'a' ? ALNUM_CHAR : WORD_CHAR, s, p - 1);
  const token = boundary ? sticky(TOKEN_AT, s, p) : null;
  if (token === null) return p + 1;
  redact(scan, p, p + token[0].length);
  return p + token[0].length;
}

/** `Basic <base64>` outside a `key=value` pair. */
function basicCredential(scan: Scan, p: number, hit: string): number {
  const { s } = scan;
  const from = p + hit.length;
  const value = p === 0 || notIn(WORD_CHAR, s, p - 1) ? sticky(BASIC_AT, s, from) : null;
  if (value === null || !looksBase64Credential(value[0])) return from;
  redact(scan, from, from + value[0].length);
  return from + value[0].length;
}

/** hooks.slack.com/services/… — the webhook path. */
function slackWebhook(scan: Scan, p: number, hit: string): number {
  const { s } = scan;
  const from = p + hit.length;
  const path = sticky(SLACK_PATH_AT, s, from);
  if (path === null) return from;
  const slash = s.indexOf('/', from);
  redact(scan, slash + 1, from + path[0].length);
  return from + path[0].length;
}

/** /bot<id>:<token> of the Telegram bot API. */
function telegramBot(scan: Scan, p: number): number {
  const from = p + 4;
  const token = sticky(TELEGRAM_AT, scan.s, from);
  if (token === null) return p + 1;
  redact(scan, from, from + token[0].length);
  return from + token[0].length;
}

/** A key word at [p, p + hit.length): extend to the whole key, then look for a separator and a value. */
function keyValue(scan: Scan, p: number, hit: string): number {
  const { s, n } = scan;
  let left = p;
  while (left > scan.floor && is(KEY_CHAR, s, left - 1)) left--;
  let right = p + hit.length;
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
  if (!separated) return blankSeparatedValue(scan, key, right);
  const end = pairValue(scan, { from: j + (encoded ? 3 : 1), key, closing, encoded });
  return Math.max(end, right);
}

/** "Bearer <token>", "aws_secret_access_key <value>": a value after blanks. Returns where to resume. */
function blankSeparatedValue(scan: Scan, key: string, right: number): number {
  const { s } = scan;
  if ((key === 'bearer' || key === 'aws_secret_access_key') && (s[right] === ' ' || s[right] === '\t')) {
    const value = sticky(BEARER_AT, s, right);
    if (value !== null) {
      const end = right + value[0].length;
      redact(scan, end - (value[1] as string).length, end);
      return end;
    }
  }
  return right;
}

/**
 * The value of a secret `key` after its separator (at `from`): quoted, a cookie header's rest of the line, or an
 * unquoted run (after an optional auth scheme). Redacts it; returns where the scan resumes.
 */
function pairValue(
  scan: Scan,
  pair: { readonly from: number; readonly key: string; readonly closing: boolean; readonly encoded: boolean },
): number {
  const { s, n } = scan;
  let from = pair.from;
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
  } else if (!pair.closing && pair.key.includes('cookie')) {
    // Cookie headers hold several name=value pairs: the rest of the line.
    const nl = s.indexOf('\n', from);
    end = nl === -1 ? n : nl;
  } else {
    const scheme = sticky(AUTH_SCHEME, s, from);
    if (scheme !== null) from += scheme[0].length;
    if (s.startsWith(TEXT_REDACTED, from)) return from + TEXT_REDACTED.length;
    end = from;
    while (end < n && notIn(VALUE_STOP, s, end) && !(pair.encoded && s.startsWith('%26', end))) end++;
  }
  redact(scan, from, end);
  return Math.max(end, from);
}

/** Each trigger (a regex source, case-insensitive) with the rule that handles its hits, in scan priority order. */
export const RULES: readonly { readonly trigger: string; readonly rule: Rule }[] = [
  { trigger: ':\\/\\/', rule: urlUserinfo },
  { trigger: KEY_WORDS, rule: keyValue },
  { trigger: '[?&;](?:sig|key|code|pw|pwd|otp)=', rule: queryParam },
  {
    trigger: 'eyJ|[sr]k_(?:live|test)_|whsec_|xox[abposr]-|xapp-|gh[pousr]_|github_pat_|AKIA|ASIA|ya29\\.|AIza',
    rule: tokenShape,
  },
  { trigger: 'basic[ \\t]+', rule: basicCredential },
  { trigger: 'hooks\\.slack\\.com\\/', rule: slackWebhook },
  { trigger: '\\/bot(?=\\d)', rule: telegramBot },
];
