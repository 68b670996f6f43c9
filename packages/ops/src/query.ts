import { durationSeconds } from '@slakit/core';
import { QueryError } from './errors.js';

/** Longest window or range a query may ask for: 90 days. */
export const MAX_WINDOW_SECONDS = 90 * 86_400;

/** A path segment, percent-decoded; a malformed encoding (`%E0%A4%A`) is a 400, never a `URIError`. */
export function pathParam(raw: string, name: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new QueryError(name, `${name} is not a valid percent-encoded path segment`, 'invalid_path');
  }
}

/** An integer query parameter in `[min, max]`, or `fallback` when absent. */
export function intParam(q: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const raw = q.get(name);
  if (raw === null) return fallback;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(n) || n < min || n > max)
    throw new QueryError(name, `${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw.slice(0, 40))}`);
  return n;
}

// YYYY-MM-DD, optionally Thh:mm[:ss[.fff]] and Z or ±hh:mm (no offset = UTC).
const ISO_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:T([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.\d{1,9})?)?(Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)?)?$/;

/** An ISO 8601 time (strict: no day roll-over, no V8 free-form parsing) or epoch milliseconds; else undefined. */
export function parseTime(raw: string): Date | undefined {
  if (/^\d{1,16}$/.test(raw)) {
    const d = new Date(Number(raw));
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  const m = ISO_TIME.exec(raw);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  const d = new Date(m[4] === undefined ? `${raw}T00:00:00Z` : m[7] === undefined ? `${raw}Z` : raw);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** A time query parameter ({@link parseTime}), or `fallback` when absent. */
export function timeParam(q: URLSearchParams, name: string, fallback: Date): Date {
  const raw = q.get(name);
  if (raw === null) return fallback;
  const d = parseTime(raw);
  if (!d)
    throw new QueryError(
      name,
      `${name} must be an ISO 8601 time (2026-01-31 or 2026-01-31T12:00:00Z) or epoch milliseconds, got ${JSON.stringify(raw.slice(0, 40))}`,
    );
  return d;
}

/** The `window` query parameter (`1h`, `24h`, `7d`, at most 90 days) in seconds; `fallback` when absent. */
export function windowParam(q: URLSearchParams, fallback: string): number {
  const raw = q.get('window') ?? fallback;
  const seconds = /^(\d+(ms|s|m|h|d|w))+$/.test(raw) ? durationSeconds(raw) : Number.NaN;
  if (!(seconds > 0) || seconds > MAX_WINDOW_SECONDS)
    throw new QueryError(
      'window',
      `window must be a duration such as 1h, 24h, 7d (at most 90d), got ${JSON.stringify(raw.slice(0, 40))}`,
    );
  return seconds;
}

/** Refuses query parameters a route does not accept, and any parameter given twice. */
export function onlyParams(q: URLSearchParams, allowed: readonly string[]): void {
  const seen = new Set<string>();
  for (const key of q.keys()) {
    if (!allowed.includes(key))
      throw new QueryError(
        key,
        `unknown query parameter ${JSON.stringify(key.slice(0, 40))}; accepted: ${allowed.join(', ') || 'none'}`,
      );
    if (seen.has(key)) throw new QueryError(key, `query parameter ${key} given more than once`);
    seen.add(key);
  }
}
