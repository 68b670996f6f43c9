import { urlPath } from './method.js';

/** What instrument() does with a request path: measure it, pass it on unmeasured, or serve the scrape. */
export const MEASURE = 0;
export const IGNORE = 1;
export const SERVE_METRICS = 2;
export type PathVerdict = typeof MEASURE | typeof IGNORE | typeof SERVE_METRICS;

const candidateIndex = (length: number, second: number) => (Math.min(length, 63) << 7) | (second & 127);

/**
 * The path check of instrument(): `ignore` (exact strings or RegExps) and the scrape path. `undefined` when nothing
 * depends on the path (it is then never looked at). A prefilter on (path length, second character) of the exact
 * paths rules most requests out without hashing their path (a fresh string per request) for a Set lookup.
 */
export function createPathFilter(
  ignore: readonly (string | RegExp)[],
  metricsPath: string | undefined,
): ((url: string) => PathVerdict) | undefined {
  if (ignore.length === 0 && metricsPath === undefined) return undefined;
  const ignoreExact = new Set(ignore.filter((p): p is string => typeof p === 'string'));
  const ignoreRegex = ignore.filter((p): p is RegExp => p instanceof RegExp);
  const exactCandidates = new Uint8Array(64 * 128);
  for (const p of metricsPath === undefined ? ignoreExact : [...ignoreExact, metricsPath]) {
    exactCandidates[candidateIndex(p.length, p.charCodeAt(1) || 0)] = 1;
  }
  return function pathVerdict(url) {
    const q = url.indexOf('?');
    const length = q === -1 ? url.length : q;
    if (exactCandidates[candidateIndex(length, url.charCodeAt(1) || 0)] !== 1 && ignoreRegex.length === 0) return MEASURE;
    const path = urlPath(url);
    if (path === metricsPath) return SERVE_METRICS;
    if (ignoreExact.has(path) || (ignoreRegex.length > 0 && ignoreRegex.some((r) => r.test(path)))) return IGNORE;
    return MEASURE;
  };
}
