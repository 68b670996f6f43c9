import type { FastFamilies, HistogramFamily, SumFamily } from '../fast-metrics.js';
import type { HistogramSeries } from '../fast-series.js';
import { valueText } from '../fast-series.js';

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

/** One histogram series: 0.0.4 writes count, sum, buckets (OpenTelemetry's order); OpenMetrics buckets, count, sum. */
function histogramSeries(h: HistogramFamily, s: HistogramSeries, format: ExpositionFormat): string {
  const { counts, bucketHead } = s;
  const { le } = h;
  let out = '';
  let cumulative = 0;
  if (format === 'text') {
    out = `${s.countHead}${s.count}\n${s.sumHead}${valueText(s.sum)}\n`;
    for (let i = 0; i < counts.length; i++) {
      cumulative += counts[i] as number;
      out += `${bucketHead}${le[i]}${cumulative}\n`;
    }
    return out;
  }
  for (let i = 0; i < counts.length; i++) {
    cumulative += counts[i] as number;
    out += `${bucketHead}${le[i]}${cumulative}${s.exemplars === undefined ? '' : exemplarText(s, i)}\n`;
  }
  return `${out}${s.countHead}${s.count}\n${s.sumHead}${valueText(s.sum)}\n`;
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
 * are left out), yielding a chunk whenever `sliceMs` of work is done so the caller can give the event loop back.
 * One series is always written whole, so its count, sum and buckets agree.
 */
export function* renderFast(
  sources: readonly FastFamilies[],
  format: ExpositionFormat,
  count: SampleCount,
  sliceMs: number,
): Generator<string, void, void> {
  let out = '';
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
      out += header(h.name, h.help, 'histogram', format);
      const samples = h.le.length + 2;
      for (let i = 0; i < h.series.length; i++) {
        out += histogramSeries(h, h.series[i] as HistogramSeries, format);
        count.samples += samples;
        if (due()) {
          yield out;
          out = '';
          sliceStart = performance.now();
        }
      }
    }
    for (const c of sums) {
      if (c.series.length === 0) continue;
      out += header(sumFamilyName(c, format), c.help, c.monotonic ? 'counter' : 'gauge', format);
      for (const s of c.series) {
        out += `${s.head}${valueText(s.value)}\n`;
        count.samples += 1;
        if (due()) {
          yield out;
          out = '';
          sliceStart = performance.now();
        }
      }
    }
  }
  if (out) yield out;
}
