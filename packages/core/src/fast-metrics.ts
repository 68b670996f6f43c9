import { type Attributes, type HrTime, type Meter, ValueType } from '@opentelemetry/api';
import type { Histogram as HistogramValue, MetricData, ScopeMetrics } from '@opentelemetry/sdk-metrics';
import { CUMULATIVE, DATA_POINT } from './sdk-constants.js';

/** A histogram series bound to one attribute set: `record()` is a binary search and four increments. */
export interface BoundHistogram {
  record(value: number): void;
}
/** A sum series bound to one attribute set. */
export interface BoundSum {
  add(value: number): void;
}
/** A histogram whose series are bound once per attribute set (cache the bound series). */
export interface FastHistogram {
  bind(attributes: Attributes): BoundHistogram;
}
/** A sum (counter or up-down counter) whose series are bound once per attribute set. */
export interface FastSum {
  bind(attributes: Attributes): BoundSum;
}
/** Options of a fast instrument. */
export interface FastInstrumentOptions {
  description?: string;
  unit?: string;
}

/**
 * Pre-bound instruments for hot paths (one call per HTTP request). When slakit owns the MeterProvider they
 * aggregate in place and are collected by slakit's Prometheus reader — no per-call attribute hashing. Otherwise
 * (host providers, foreign readers) they delegate to ordinary OpenTelemetry instruments.
 * Instruments with the same name are shared.
 */
export interface FastMetrics {
  histogram(name: string, options: FastInstrumentOptions & { boundaries: readonly number[] }): FastHistogram;
  counter(name: string, options?: FastInstrumentOptions): FastSum;
  upDownCounter(name: string, options?: FastInstrumentOptions): FastSum;
}

/** A source of extra scope metrics, merged by slakit's readers at collection. */
export interface ScopeMetricsProducer {
  produce(): ScopeMetrics[];
}

const toHrTime = (ms: number): HrTime => [Math.floor(ms / 1000), Math.round((ms % 1000) * 1e6)];

interface HistogramSeries {
  attributes: Attributes;
  counts: Float64Array;
  sum: number;
  count: number;
  min: number;
  max: number;
  start: number;
}
interface SumSeries {
  attributes: Attributes;
  value: number;
  start: number;
}

/** An empty histogram series of `attributes` (copied) with `buckets` bucket counts, started now. */
function newHistogramSeries(attributes: Attributes, buckets: number): HistogramSeries {
  return {
    attributes: { ...attributes },
    counts: new Float64Array(buckets),
    sum: 0,
    count: 0,
    min: Number.POSITIVE_INFINITY,
    max: Number.NEGATIVE_INFINITY,
    start: Date.now(),
  };
}

/** Records `value` into `series` with bucket `boundaries`; negative, NaN and +Inf values are ignored. */
function recordHistogram(series: HistogramSeries, boundaries: readonly number[], value: number): void {
  if (!(value >= 0) || value === Number.POSITIVE_INFINITY) return;
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
}

/** Aggregating fast metrics, with the producer slakit's readers collect from. */
export function createAggregatingFastMetrics(scope = 'slakit'): FastMetrics & ScopeMetricsProducer {
  const histograms = new Map<
    string,
    { name: string; options: FastInstrumentOptions; boundaries: number[]; series: Map<string, HistogramSeries> }
  >();
  const sums = new Map<
    string,
    { name: string; options: FastInstrumentOptions; monotonic: boolean; series: Map<string, SumSeries> }
  >();
  const key = (attributes: Attributes) =>
    JSON.stringify(Object.entries(attributes).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

  const sum =
    (monotonic: boolean) =>
    (name: string, options: FastInstrumentOptions = {}): FastSum => {
      let entry = sums.get(name);
      if (!entry) {
        entry = { name, options, monotonic, series: new Map() };
        sums.set(name, entry);
      }
      const instrument = entry;
      return {
        bind(attributes) {
          const k = key(attributes);
          let s = instrument.series.get(k);
          if (!s) {
            s = { attributes: { ...attributes }, value: 0, start: Date.now() };
            instrument.series.set(k, s);
          }
          const series = s;
          return {
            add(value) {
              if (instrument.monotonic && !(value >= 0)) return;
              series.value += value;
            },
          };
        },
      };
    };

  return {
    histogram(name, options) {
      let entry = histograms.get(name);
      if (!entry) {
        entry = { name, options, boundaries: [...options.boundaries], series: new Map() };
        histograms.set(name, entry);
      }
      const instrument = entry;
      const b = instrument.boundaries;
      return {
        bind(attributes) {
          const k = key(attributes);
          let s = instrument.series.get(k);
          if (!s) {
            s = newHistogramSeries(attributes, b.length + 1);
            instrument.series.set(k, s);
          }
          const series = s;
          return {
            record(value) {
              recordHistogram(series, b, value);
            },
          };
        },
      };
    },
    counter: sum(true),
    upDownCounter: sum(false),
    produce() {
      const now = toHrTime(Date.now());
      const metrics: MetricData[] = [];
      for (const h of histograms.values()) {
        if (h.series.size === 0) continue;
        metrics.push({
          descriptor: {
            name: h.name,
            description: h.options.description ?? '',
            unit: h.options.unit ?? '',
            valueType: ValueType.DOUBLE,
          },
          aggregationTemporality: CUMULATIVE,
          dataPointType: DATA_POINT.HISTOGRAM,
          dataPoints: [...h.series.values()].map((s) => ({
            attributes: s.attributes,
            startTime: toHrTime(s.start),
            endTime: now,
            value: {
              buckets: { boundaries: h.boundaries, counts: Array.from(s.counts) },
              sum: s.sum,
              count: s.count,
              min: s.count > 0 ? s.min : undefined,
              max: s.count > 0 ? s.max : undefined,
            } as HistogramValue,
          })),
        });
      }
      for (const c of sums.values()) {
        if (c.series.size === 0) continue;
        metrics.push({
          descriptor: {
            name: c.name,
            description: c.options.description ?? '',
            unit: c.options.unit ?? '',
            valueType: ValueType.DOUBLE,
          },
          aggregationTemporality: CUMULATIVE,
          dataPointType: DATA_POINT.SUM,
          isMonotonic: c.monotonic,
          dataPoints: [...c.series.values()].map((s) => ({
            attributes: s.attributes,
            startTime: toHrTime(s.start),
            endTime: now,
            value: s.value,
          })),
        });
      }
      return metrics.length > 0 ? [{ scope: { name: scope }, metrics }] : [];
    },
  };
}

/** Fast metrics that delegate to ordinary instruments of `meter` (host providers or foreign readers). */
export function createDelegatingFastMetrics(meter: Meter): FastMetrics {
  const histograms = new Map<string, ReturnType<Meter['createHistogram']>>();
  const sums = new Map<string, { add(value: number, attributes: Attributes): void }>();
  const sum =
    (create: (name: string, options: FastInstrumentOptions) => { add(value: number, attributes: Attributes): void }) =>
    (name: string, options: FastInstrumentOptions = {}): FastSum => {
      let instrument = sums.get(name);
      if (!instrument) {
        instrument = create(name, options);
        sums.set(name, instrument);
      }
      const bound = instrument;
      return { bind: (attributes) => ({ add: (value) => bound.add(value, attributes) }) };
    };
  return {
    histogram(name, options) {
      let h = histograms.get(name);
      if (!h) {
        h = meter.createHistogram(name, {
          description: options.description,
          unit: options.unit,
          advice: { explicitBucketBoundaries: [...options.boundaries] },
        });
        histograms.set(name, h);
      }
      const instrument = h;
      return { bind: (attributes) => ({ record: (value) => instrument.record(value, attributes) }) };
    },
    counter: sum((name, options) => meter.createCounter(name, options)),
    upDownCounter: sum((name, options) => meter.createUpDownCounter(name, options)),
  };
}
