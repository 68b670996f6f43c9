import { type Attributes, type HrTime, type Meter, type SpanContext, ValueType } from '@opentelemetry/api';
import type { Histogram as HistogramValue, MetricData, ScopeMetrics } from '@opentelemetry/sdk-metrics';
import {
  captureExemplar,
  type HistogramSeries,
  newHistogramSeries,
  newSumSeries,
  recordHistogram,
  type SumSeries,
  sanitizeName,
} from './fast-series.js';
import { prometheusName } from './prometheus-names.js';
import { CUMULATIVE, DATA_POINT } from './sdk-constants.js';

/** A histogram series bound to one attribute set: `record()` is a binary search and four increments. */
export interface BoundHistogram {
  /**
   * Records `value`. With the `spanContext` of the measured operation (a request's span), a sampled span becomes the
   * OpenMetrics exemplar of the bucket the value fell into (the last one per bucket; unsampled spans cost one bit
   * test). Ignored when the instruments delegate to the host's OpenTelemetry SDK.
   */
  record(value: number, spanContext?: SpanContext): void;
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

/** A histogram of the aggregating instruments, as the scrape renders it. */
export interface HistogramFamily {
  /** Prometheus name (`http_server_request_duration_seconds`). */
  name: string;
  help: string;
  boundaries: number[];
  /** `le="0.005"} ` … `le="+Inf"} `: the end of each bucket line's label block (bytes). */
  le: Uint8Array[];
  series: HistogramSeries[];
}
/** A counter or gauge (up-down counter) of the aggregating instruments. */
export interface SumFamily {
  /** Prometheus sample name (counters end in `_total`). */
  name: string;
  help: string;
  monotonic: boolean;
  series: SumSeries[];
}
/** The aggregating instruments' families, in creation order, for the scrape serializer. */
export interface FastFamilies {
  families(): { histograms: readonly HistogramFamily[]; sums: readonly SumFamily[] };
}

/** The `# HELP` text of an instrument (what OpenTelemetry's serializer writes). */
const helpText = (options: FastInstrumentOptions) => options.description || 'description missing';

const toHrTime = (ms: number): HrTime => [Math.floor(ms / 1000), Math.round((ms % 1000) * 1e6)];

type ProducedHistogram = HistogramFamily & { otel: string; options: FastInstrumentOptions };
type ProducedSum = SumFamily & { otel: string; options: FastInstrumentOptions };

/** The scope metrics of the aggregating instruments, for readers that collect through the SDK's data model. */
function produceScope(scope: string, histograms: Iterable<ProducedHistogram>, sums: Iterable<ProducedSum>): ScopeMetrics[] {
  const now = toHrTime(Date.now());
  const metrics: MetricData[] = [];
  for (const h of histograms) {
    if (h.series.length === 0) continue;
    metrics.push({
      descriptor: {
        name: h.otel,
        description: h.options.description ?? '',
        unit: h.options.unit ?? '',
        valueType: ValueType.DOUBLE,
      },
      aggregationTemporality: CUMULATIVE,
      dataPointType: DATA_POINT.HISTOGRAM,
      dataPoints: h.series.map((s) => ({
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
  for (const c of sums) {
    if (c.series.length === 0) continue;
    metrics.push({
      descriptor: {
        name: c.otel,
        description: c.options.description ?? '',
        unit: c.options.unit ?? '',
        valueType: ValueType.DOUBLE,
      },
      aggregationTemporality: CUMULATIVE,
      dataPointType: DATA_POINT.SUM,
      isMonotonic: c.monotonic,
      dataPoints: c.series.map((s) => ({
        attributes: s.attributes,
        startTime: toHrTime(s.start),
        endTime: now,
        value: s.value,
      })),
    });
  }
  return metrics.length > 0 ? [{ scope: { name: scope }, metrics }] : [];
}

/** Aggregating fast metrics, with the producer slakit's readers collect from and the families the scrape renders. */
export function createAggregatingFastMetrics(scope = 'slakit'): FastMetrics & ScopeMetricsProducer & FastFamilies {
  type H = HistogramFamily & { otel: string; options: FastInstrumentOptions; byKey: Map<string, HistogramSeries> };
  type S = SumFamily & { otel: string; options: FastInstrumentOptions; byKey: Map<string, SumSeries> };
  const histograms = new Map<string, H>();
  const sums = new Map<string, S>();
  const key = (attributes: Attributes) =>
    JSON.stringify(Object.entries(attributes).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

  const sum =
    (monotonic: boolean) =>
    (name: string, options: FastInstrumentOptions = {}): FastSum => {
      let entry = sums.get(name);
      if (!entry) {
        const promName = sanitizeName(prometheusName(name, options.unit, monotonic ? 'counter' : 'gauge'));
        entry = { otel: name, name: promName, help: helpText(options), options, monotonic, series: [], byKey: new Map() };
        sums.set(name, entry);
      }
      const instrument = entry;
      return {
        bind(attributes) {
          const k = key(attributes);
          let s = instrument.byKey.get(k);
          if (!s) {
            s = newSumSeries(instrument.name, attributes);
            instrument.byKey.set(k, s);
            instrument.series.push(s);
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
        // An explicit +Inf boundary is the overflow bucket every histogram has (OpenTelemetry's serializer folds it too).
        const boundaries = options.boundaries.filter((b) => b !== Number.POSITIVE_INFINITY);
        entry = {
          otel: name,
          name: sanitizeName(prometheusName(name, options.unit, 'histogram')),
          help: helpText(options),
          boundaries,
          le: [...boundaries.map((b) => `le="${String(b)}"} `), 'le="+Inf"} '].map((t) => Buffer.from(t)),
          series: [],
          options,
          byKey: new Map(),
        };
        histograms.set(name, entry);
      }
      const instrument = entry;
      const b = instrument.boundaries;
      return {
        bind(attributes) {
          const k = key(attributes);
          let s = instrument.byKey.get(k);
          if (!s) {
            s = newHistogramSeries(instrument.name, attributes, b.length + 1);
            instrument.byKey.set(k, s);
            instrument.series.push(s);
          }
          const series = s;
          return {
            record(value, spanContext) {
              const bucket = recordHistogram(series, b, value);
              if (spanContext !== undefined && bucket >= 0) captureExemplar(series, bucket, value, spanContext);
            },
          };
        },
      };
    },
    counter: sum(true),
    upDownCounter: sum(false),
    families: () => ({ histograms: [...histograms.values()], sums: [...sums.values()] }),
    produce: () => produceScope(scope, histograms.values(), sums.values()),
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
      return { bind: (attributes) => ({ record: (value: number) => instrument.record(value, attributes) }) };
    },
    counter: sum((name, options) => meter.createCounter(name, options)),
    upDownCounter: sum((name, options) => meter.createUpDownCounter(name, options)),
  };
}
