import { invalidOption } from './errors.js';

/**
 * The OpenTelemetry semantic-conventions boundaries (seconds) for `http.server.request.duration`.
 */
export const HTTP_DURATION_BUCKETS: readonly number[] = Object.freeze([
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
]);

/**
 * Histogram boundaries for HTTP durations: the semconv boundaries ∪ every SLO latency threshold, sorted ascending
 * and deduplicated, so a "p95 < 200 ms" objective is measured exactly at its threshold (adds 0.2).
 *
 * @param sloThresholdsSeconds latency thresholds in seconds (each finite and > 0); default none
 * @throws SlakitError `ERR_SLAKIT_INVALID_OPTION` for a threshold that is not a finite number > 0
 */
export function httpDurationBuckets(sloThresholdsSeconds: readonly number[] = []): number[] {
  return mergeBuckets(HTTP_DURATION_BUCKETS, sloThresholdsSeconds, 'sloThresholdsSeconds');
}

/**
 * Merges extra boundaries into a base list: sorted ascending, deduplicated (values closer than 1e-9 are one).
 * @throws SlakitError `ERR_SLAKIT_INVALID_OPTION` for an extra value that is not a finite number > 0
 */
export function mergeBuckets(base: readonly number[], extra: readonly number[], field = 'buckets'): number[] {
  if (!Array.isArray(extra)) throw invalidOption(field, extra, 'an array of finite numbers of seconds > 0');
  extra.forEach((value, i) => {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw invalidOption(`${field}[${i}]`, value, 'a finite number of seconds > 0');
    }
  });
  const sorted = [...base, ...extra].sort((a, b) => a - b);
  const out: number[] = [];
  for (const value of sorted) {
    const last = out[out.length - 1];
    if (last === undefined || Math.abs(value - last) > 1e-9) out.push(value);
  }
  return out;
}
