// Pure naming rules (no SDK import): shared by the OpenTelemetry path (prometheus.ts) and the fast instruments.

const UNIT_SUFFIXES: Record<string, string> = {
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  ns: 'nanoseconds',
  min: 'minutes',
  h: 'hours',
  d: 'days',
  By: 'bytes',
  KiBy: 'kibibytes',
  MiBy: 'mebibytes',
  '%': 'percent',
};

/**
 * Translates an OpenTelemetry instrument name and unit into the Prometheus name slakit exposes, following the
 * Prometheus conventions (and the OpenTelemetry compatibility spec) regardless of the exporter version:
 * dots become underscores, unit `s` appends `_seconds`, unit `1` on a gauge appends `_ratio`, monotonic counters
 * end in `_total`. `job.run.duration` (s, histogram) → `job_run_duration_seconds`.
 *
 * @param name OpenTelemetry instrument name
 * @param unit instrument unit (UCUM), e.g. `s`, `By`, `1`
 * @param kind `counter` (monotonic sum), `gauge` (gauge or non-monotonic sum) or `histogram`
 */
export function prometheusName(name: string, unit: string | undefined, kind: 'counter' | 'gauge' | 'histogram'): string {
  let base = name.replace(/[^a-zA-Z0-9_:]/g, '_').replace(/_+/g, '_');
  if (/^[0-9]/.test(base)) base = `_${base}`;
  const cleanUnit = (unit ?? '').replace(/\{[^}]*\}/g, '').trim();
  let suffix = UNIT_SUFFIXES[cleanUnit];
  if (cleanUnit === '1' && kind === 'gauge') suffix = 'ratio';
  if (suffix && !base.endsWith(`_${suffix}`)) base = `${base}_${suffix}`;
  if (kind === 'counter' && !base.endsWith('_total')) base = `${base}_total`;
  return base;
}

/** Prometheus label name of an attribute key (`http.route` → `http_route`). */
export function prometheusLabelName(key: string): string {
  const name = key.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[0-9]/.test(name) ? `_${name}` : name;
}
