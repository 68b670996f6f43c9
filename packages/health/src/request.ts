/** The parts of a request target the health endpoints read. */
export interface RequestTarget {
  /** The path, still percent-encoded (routes are matched on the raw form, as Express and Koa do). */
  path: string;
  /** Everything after the first `?` (without it), still encoded; '' when there is none. */
  query: string;
}

const ABSOLUTE_FORM = /^https?:\/\/[^/?#]*/i;

/**
 * Splits `req.url` into path and query. Accepts origin-form (`/health?verbose`) and absolute-form
 * (`http://host/health`, which HTTP/1.1 servers must accept); anything else (`*`, authority-form, a non-string)
 * is not a health path and gives `undefined`. Never throws.
 */
export function parseTarget(url: unknown): RequestTarget | undefined {
  if (typeof url !== 'string') return undefined;
  let target = url;
  if (!target.startsWith('/')) {
    const scheme = ABSOLUTE_FORM.exec(target);
    if (!scheme) return undefined;
    target = target.slice(scheme[0].length);
    if (!target.startsWith('/')) target = `/${target}`;
  }
  const q = target.indexOf('?');
  return q === -1 ? { path: target, query: '' } : { path: target.slice(0, q), query: target.slice(q + 1) };
}

/**
 * Decodes one percent-encoded path segment — the only place health decodes a path. Malformed escapes (`%E0`,
 * `%zz`, a lone `%`) and invalid UTF-8 (overlong forms, encoded surrogates, code points above U+10FFFF) give
 * `undefined` (the caller answers 400) instead of the `URIError` of `decodeURIComponent`. Decodes once: a
 * double-encoded `%2564b` stays `%64b`. Never throws.
 */
export function decodeSegment(raw: string): string | undefined {
  if (!raw.includes('%')) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

const VERBOSE = /(?:^|[?&])verbose(?:[=&]|$)/;

/** Whether the query asks for the detailed view (`?verbose`, `?verbose=1`, `?a=b&verbose`). */
export function wantsVerbose(query: string): boolean {
  return query !== '' && VERBOSE.test(query);
}

/**
 * Merges `add` into an existing `Vary` header value (set earlier by e.g. a CORS middleware), case-insensitively and
 * without duplicates; `*` stays `*`.
 */
export function mergeVary(existing: unknown, add: readonly string[]): string {
  const parts: string[] = [];
  const seen = new Set<string>();
  const values = Array.isArray(existing) ? existing : existing === undefined ? [] : [existing];
  for (const item of [...values.map(String).flatMap((v) => v.split(',')), ...add]) {
    const name = item.trim();
    if (name === '' || seen.has(name.toLowerCase())) continue;
    if (name === '*') return '*';
    seen.add(name.toLowerCase());
    parts.push(name);
  }
  return parts.join(', ');
}
