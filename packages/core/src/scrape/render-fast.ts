import type { FastFamilies, HistogramFamily, SumFamily } from '../fast-metrics.js';
import type { HistogramSeries } from '../fast-series.js';
import { valueText } from '../fast-series.js';
import { ChunkWriter } from './byte-writer.js';

/** `text`: Prometheus text format 0.0.4; `openmetrics`: OpenMetrics 1.0.0 text (with exemplars). */
export type ExpositionFormat = 'text' | 'openmetrics';

/** Counts the samples (time series) a scrape writes. */
export interface SampleCount {
  samples: number;
}

/** `# HELP` text: 0.0.4 escapes backslash and newline; OpenMetrics also the double quote. */
export function escapeHelp(help: string, format: ExpositionFormat): string {
  const s = help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
  return format === 'openmetrics' ? s.replace(/"/g, '\\"') : s;
}

/** ` # {trace_id="…",span_id="…"} value timestamp` of bucket `i`, or '' (ids not plain hex are never written). */
function exemplarText(s: HistogramSeries, i: number): string {
  const slots = s.exemplars;
  const traceId = slots?.traceId[i];
  if (slots === undefined || traceId === undefined) return '';
  const spanId = slots.spanId[i] as string;
  if (!/^[0-9a-f]{32}$/.test(traceId) || !/^[0-9a-f]{16}$/.test(spanId)) return '';
  return ` # {trace_id="${traceId}",span_id="${spanId}"} ${valueText(slots.value[i] as number)} ${((slots.time[i] as number) / 1000).toFixed(3)}`;
}

/** Bytes one series may take at most: its heads plus, per line, the `le` label (≤ 40), a number (≤ 25) and an exemplar (≤ 130). */
function seriesBytes(h: HistogramFamily, s: HistogramSeries): number {
  return (s.bucketHead.length + 220) * h.le.length + s.countHead.length + s.sumHead.length + 64;
}

/** One histogram series: 0.0.4 writes count, sum, buckets (OpenTelemetry's order); OpenMetrics buckets, count, sum. */
function histogramSeries(w: ChunkWriter, h: HistogramFamily, s: HistogramSeries, format: ExpositionFormat): void {
  const { counts, bucketHead } = s;
  const { le } = h;
  w.reserve(seriesBytes(h, s));
  const countAndSum = () => {
    w.bytes(s.countHead);
    w.number(s.count);
    w.newline();
    w.bytes(s.sumHead);
    w.number(s.sum);
    w.newline();
  };
  if (format === 'text') countAndSum();
  const exemplars = format === 'openmetrics' && s.exemplars !== undefined;
  let cumulative = 0;
  for (let i = 0; i < counts.length; i++) {
    cumulative += counts[i] as number;
    w.bytes(bucketHead);
    w.bytes(le[i] as Uint8Array);
    w.number(cumulative);
    if (exemplars) w.ascii(exemplarText(s, i));
    w.newline();
  }
  if (format === 'openmetrics') countAndSum();
}

function header(name: string, help: string, type: string, format: ExpositionFormat): string {
  return `# HELP ${name} ${escapeHelp(help, format)}\n# TYPE ${name} ${type}\n`;
}

/** The OpenMetrics family name of a sum: a counter's family drops the `_total` of its samples. */
function sumFamilyName(c: SumFamily, format: ExpositionFormat): string {
  return format === 'openmetrics' && c.monotonic ? c.name.slice(0, -'_total'.length) : c.name;
}

/**
 * Renders the aggregating instruments (histograms first, then sums, each in creation order; families without series
 * are left out) into byte chunks, yielding the chunks of each slice of about `sliceMs` of work so the caller can give
 * the event loop back between slices. One series is always written whole, so its count, sum and buckets agree.
 */
export function* renderFast(
  sources: readonly FastFamilies[],
  format: ExpositionFormat,
  count: SampleCount,
  sliceMs: number,
): Generator<Buffer[], void, void> {
  const w = new ChunkWriter();
  let sliceStart = performance.now();
  let since = 0;
  const due = () => {
    if (++since < 16) return false;
    since = 0;
    return performance.now() - sliceStart >= sliceMs;
  };
  for (const source of sources) {
    const { histograms, sums } = source.families();
    for (const h of histograms) {
      if (h.series.length === 0) continue;
      w.text(header(h.name, h.help, 'histogram', format));
      const samples = h.le.length + 2;
      for (let i = 0; i < h.series.length; i++) {
        histogramSeries(w, h, h.series[i] as HistogramSeries, format);
        count.samples += samples;
        if (due()) {
          yield w.take();
          sliceStart = performance.now();
        }
      }
    }
    for (const c of sums) {
      if (c.series.length === 0) continue;
      w.text(header(sumFamilyName(c, format), c.help, c.monotonic ? 'counter' : 'gauge', format));
      for (const s of c.series) {
        w.reserve(s.head.length + 32);
        w.bytes(s.head);
        w.number(s.value);
        w.newline();
        count.samples += 1;
        if (due()) {
          yield w.take();
          sliceStart = performance.now();
        }
      }
    }
  }
  const last = w.take();
  if (last.length > 0) yield last;
}
