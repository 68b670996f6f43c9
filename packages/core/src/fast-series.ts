import type { Attributes, SpanContext } from '@opentelemetry/api';

/**
 * The series of slakit's aggregating instruments, and everything a scrape needs from them rendered once when the
 * series is bound: the sample-name heads (`name_count{labels} `, `name_bucket{labels,`) as bytes, so a scrape only
 * copies them and writes numbers — no strings are built per scrape.
 */

/** The trace of a sampled measurement, kept per bucket (OpenMetrics exemplars). */
export interface ExemplarSlots {
  /** Trace id of the last sampled value per bucket (undefined: none yet). */
  traceId: (string | undefined)[];
  spanId: (string | undefined)[];
  value: Float64Array;
  /** Epoch ms of the measurement. */
  time: Float64Array;
}

export interface HistogramSeries {
  attributes: Attributes;
  counts: Float64Array;
  sum: number;
  count: number;
  min: number;
  max: number;
  start: number;
  /** `name_count{labels} ` / `name_count ` (UTF-8 bytes) */
  countHead: Uint8Array;
  /** `name_sum{labels} ` */
  sumHead: Uint8Array;
  /** `name_bucket{labels,` / `name_bucket{` (the `le` label and value follow). */
  bucketHead: Uint8Array;
  exemplars: ExemplarSlots | undefined;
}

export interface SumSeries {
  attributes: Attributes;
  value: number;
  start: number;
  /** `name{labels} ` (UTF-8 bytes) */
  head: Uint8Array;
}

/** Escapes a label value as OpenTelemetry's Prometheus serializer does (non-strings JSON-encoded). */
export function escapeLabelValue(value: unknown): string {
  const s = typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
  return s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/** A label name as OpenTelemetry's Prometheus serializer writes it (`http.route` → `http_route`). */
export function sanitizeName(name: string): string {
  return name.replace(/[^a-z0-9_]/gi, '_').replace(/_{2,}/g, '_');
}

/** The label block of `attributes` without braces: `a="x",b="y"` (`''` for none), in attribute order. */
export function labelBlock(attributes: Attributes): string {
  let out = '';
  for (const [key, value] of Object.entries(attributes)) {
    out += `${out ? ',' : ''}${sanitizeName(key)}="${escapeLabelValue(value)}"`;
  }
  return out;
}

/** An empty histogram series of `attributes` (copied) for the Prometheus metric `name`, started now. */
export function newHistogramSeries(name: string, attributes: Attributes, buckets: number): HistogramSeries {
  const labels = labelBlock(attributes);
  const braces = labels ? `{${labels}} ` : ' ';
  return {
    attributes: { ...attributes },
    counts: new Float64Array(buckets),
    sum: 0,
    count: 0,
    min: Number.POSITIVE_INFINITY,
    max: Number.NEGATIVE_INFINITY,
    start: Date.now(),
    countHead: Buffer.from(`${name}_count${braces}`),
    sumHead: Buffer.from(`${name}_sum${braces}`),
    bucketHead: Buffer.from(labels ? `${name}_bucket{${labels},` : `${name}_bucket{`),
    exemplars: undefined,
  };
}

/** An empty sum series of `attributes` (copied) for the Prometheus sample name `name`. */
export function newSumSeries(name: string, attributes: Attributes): SumSeries {
  const labels = labelBlock(attributes);
  return {
    attributes: { ...attributes },
    value: 0,
    start: Date.now(),
    head: Buffer.from(labels ? `${name}{${labels}} ` : `${name} `),
  };
}

/**
 * Records `value` into `series` with bucket `boundaries`; negative, NaN and +Inf values are ignored (-1). Returns the
 * bucket index.
 */
export function recordHistogram(series: HistogramSeries, boundaries: readonly number[], value: number): number {
  if (!(value >= 0) || value === Number.POSITIVE_INFINITY) return -1;
  // first boundary ≥ value (Prometheus `le` semantics)
  let lo = 0;
  let hi = boundaries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((boundaries[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  series.counts[lo] = (series.counts[lo] as number) + 1;
  series.sum += value;
  series.count += 1;
  if (value < series.min) series.min = value;
  if (value > series.max) series.max = value;
  return lo;
}

/** Keeps `span` (when sampled) as the exemplar of bucket `bucket`: the last sampled value of a bucket wins. */
export function captureExemplar(series: HistogramSeries, bucket: number, value: number, span: SpanContext): void {
  // TraceFlags.SAMPLED is bit 0
  if ((span.traceFlags & 1) !== 1 || typeof span.traceId !== 'string') return;
  const n = series.counts.length;
  series.exemplars ??= { traceId: new Array(n), spanId: new Array(n), value: new Float64Array(n), time: new Float64Array(n) };
  const slots = series.exemplars;
  slots.traceId[bucket] = span.traceId;
  slots.spanId[bucket] = span.spanId;
  slots.value[bucket] = value;
  slots.time[bucket] = Date.now();
}

/** A sample value as the text formats write it (`+Inf`, `-Inf`, `NaN`, else JavaScript's shortest form). */
export function valueText(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return `${value}`;
}
