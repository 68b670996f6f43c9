/**
 * The words of unknown-option errors: the known keys a strict object carries in its zod message, the did-you-mean
 * and the way users write option paths.
 */

/** Marker carried by the zod message of an unknown key: the known keys follow it. */
export const KNOWN = '\u0000slakit-known:';

/** The zod `error` option of a strict object that reports its known keys with an unknown one (for the did-you-mean). */
export function knownKeysError(keys: readonly string[]): (issue: { code?: string }) => string | undefined {
  return (issue) => (issue.code === 'unrecognized_keys' ? `${KNOWN}${keys.join(',')}` : undefined);
}

/** `is not a known option (did you mean budgetSeconds?); known options: …` for an unknown key of a strict object. */
export function unknownKeyText(key: string, message: string, where?: string): string {
  const known = message.startsWith(KNOWN) ? message.slice(KNOWN.length).split(',').filter(Boolean) : [];
  const suggestion = didYouMean(key, known);
  return `is not a known option${suggestion ? ` (did you mean ${suggestion}?)` : ''}; ${
    known.length ? `known options${where ? ` of ${where}` : ''}: ${known.join(', ')}` : 'no options are accepted here'
  }`;
}

/** Levenshtein distance of two short strings (option names). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const m = a.length;
  const n = b.length;
  if (Math.abs(m - n) > 3 || m > 64 || n > 64) return Math.max(m, n);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur = [i];
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1]?.toLowerCase() === b[j - 1]?.toLowerCase() ? 0 : 1;
      cur[j] = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
    }
    prev = cur;
  }
  return prev[n] as number;
}

/** The known key closest to `key` within edit distance 2 (case-insensitive), if any. */
export function didYouMean(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    const d = candidate.toLowerCase() === key.toLowerCase() ? 0 : editDistance(key, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** Formats an option path the way users write it: `sinks[1].delivery.retries`. */
export function formatField(path: readonly PropertyKey[], prefix = ''): string {
  let out = prefix;
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}
