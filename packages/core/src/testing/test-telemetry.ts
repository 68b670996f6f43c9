import { Writable } from 'node:stream';
import { DataPointType, type Histogram } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { metricKind, PrometheusConventionReader, prometheusLabelName, prometheusName } from '../prometheus.js';
import { createTelemetry, type Telemetry, type TelemetryOptions } from '../telemetry.js';
import { createFakeClock, type FakeClock } from './fake-clock.js';

/** One series of a collected metric, under its exposed Prometheus name and label names. */
export interface MetricSeries {
  /** Exposed Prometheus name, e.g. `job_runs_total`. */
  name: string;
  kind: 'counter' | 'gauge' | 'histogram';
  labels: Record<string, string>;
  /** Counter/gauge value; for histograms the count. */
  value: number;
  /** Histogram data, for histograms only. */
  histogram?: HistogramValue;
}

/** A histogram series: count, sum and cumulative bucket counts by upper bound. */
export interface HistogramValue {
  count: number;
  sum: number;
  /** Cumulative counts, ascending `le`, ending with `Infinity`. */
  buckets: { le: number; count: number }[];
}

/** A captured log line (parsed JSON). */
export type LogLine = Record<string, unknown> & { level: number; msg?: string };

/** Options of {@link createTestTelemetry}. */
export interface TestTelemetryOptions {
  /** Service name; default `test-service`. */
  serviceName?: string;
  /** Log level; default `trace` (everything captured). */
  level?: string;
  /** Start of the fake clock in epoch ms. */
  startMs?: number;
  /** Forwarded to `createTelemetry` (e.g. `traces.sampleRatio`). */
  traces?: Pick<NonNullable<TelemetryOptions['traces']>, 'sampleRatio'>;
}

/** What {@link createTestTelemetry} returns. */
export interface TestTelemetry {
  /** A real `Telemetry` wired to in-memory readers/exporters; pass it to any slakit factory. */
  telemetry: Telemetry;
  metrics: {
    /** Every series currently collected. */
    collect(): Promise<MetricSeries[]>;
    /** The Prometheus exposition text, exactly as `/metrics` serves it. */
    scrape(): Promise<string>;
    /** Sum of the values of the series named `name` whose labels include `labels`; undefined when none matches. */
    value(name: string, labels?: Record<string, string>): Promise<number | undefined>;
    /** The single histogram series matching `name` and `labels`; undefined when none; throws when several match. */
    histogram(name: string, labels?: Record<string, string>): Promise<HistogramValue | undefined>;
  };
  spans: {
    /** The in-memory exporter (spans are exported as they end). */
    exporter: InMemorySpanExporter;
    /** Spans ended so far. */
    finished(): ReadableSpan[];
    reset(): void;
  };
  logs: {
    /** Captured lines, parsed. */
    lines: LogLine[];
    /** Lines whose `msg` includes `text`. */
    find(text: string): LogLine[];
    /** Raw output, for asserting that something never appears. */
    raw(): string;
    clear(): void;
  };
  /** A fake clock to pass to slakit factories as `clock`. */
  clock: FakeClock;
  /** Shuts the telemetry down. */
  close(): Promise<void>;
}

const matches = (labels: Record<string, string>, wanted: Record<string, string>) =>
  Object.entries(wanted).every(([k, v]) => labels[k] === v);

/**
 * Creates a telemetry instance for tests: in-memory metric reader, in-memory span exporter (spans exported as they
 * end), captured log lines and a fake clock. No global provider, context manager or propagator is touched.
 */
export function createTestTelemetry(options: TestTelemetryOptions = {}): TestTelemetry {
  const reader = new PrometheusConventionReader();
  const exporter = new InMemorySpanExporter();
  const lines: LogLine[] = [];
  let raw = '';
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      const text = chunk.toString('utf8');
      raw += text;
      for (const line of text.split('\n')) {
        if (line.trim()) lines.push(JSON.parse(line) as LogLine);
      }
      done();
    },
  });
  const telemetry = createTelemetry({
    serviceName: options.serviceName ?? 'test-service',
    env: {},
    providers: 'own',
    registerGlobal: false,
    metrics: { readers: [reader] },
    traces: { exporter, batch: false, ...options.traces },
    logger: { level: options.level ?? 'trace', destination },
  });

  const collect = async (): Promise<MetricSeries[]> => {
    const { resourceMetrics } = await reader.collect();
    const out: MetricSeries[] = [];
    for (const scope of resourceMetrics.scopeMetrics) {
      for (const metric of scope.metrics) {
        const kind = metricKind(metric);
        const name = prometheusName(metric.descriptor.name, metric.descriptor.unit, kind);
        for (const point of metric.dataPoints) {
          const labels: Record<string, string> = {};
          for (const [k, v] of Object.entries(point.attributes)) labels[prometheusLabelName(k)] = String(v);
          if (metric.dataPointType === DataPointType.HISTOGRAM) {
            const h = point.value as Histogram;
            let cumulative = 0;
            const buckets = h.buckets.boundaries.map((le, i) => {
              cumulative += h.buckets.counts[i] ?? 0;
              return { le, count: cumulative };
            });
            buckets.push({ le: Number.POSITIVE_INFINITY, count: h.count });
            out.push({ name, kind, labels, value: h.count, histogram: { count: h.count, sum: h.sum ?? 0, buckets } });
          } else {
            out.push({ name, kind, labels, value: point.value as number });
          }
        }
      }
    }
    return out;
  };

  return {
    telemetry,
    metrics: {
      collect,
      scrape: async () => {
        // Serialise through the same path as metricsHandler: the reader registered first serves /metrics.
        const { text } = await reader.scrape();
        return text;
      },
      async value(name, labels = {}) {
        const found = (await collect()).filter((s) => s.name === name && matches(s.labels, labels));
        return found.length === 0 ? undefined : found.reduce((sum, s) => sum + s.value, 0);
      },
      async histogram(name, labels = {}) {
        const found = (await collect()).filter((s) => s.name === name && s.kind === 'histogram' && matches(s.labels, labels));
        if (found.length > 1) throw new Error(`${found.length} histogram series match ${name} ${JSON.stringify(labels)}`);
        return found[0]?.histogram;
      },
    },
    spans: {
      exporter,
      finished: () => exporter.getFinishedSpans(),
      reset: () => exporter.reset(),
    },
    logs: {
      lines,
      find: (text) => lines.filter((l) => typeof l.msg === 'string' && l.msg.includes(text)),
      raw: () => raw,
      clear: () => {
        lines.length = 0;
        raw = '';
      },
    },
    clock: createFakeClock(options.startMs),
    close: () => telemetry.shutdown(),
  };
}
