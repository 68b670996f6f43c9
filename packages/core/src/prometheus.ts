import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import type {
  AggregationOption,
  CollectionResult,
  IMetricReader,
  InstrumentType,
  MetricData,
  MetricProducer,
  MetricReader,
  ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { loadPrometheusExporter, loadSdkMetrics } from './deps.js';
import type { ScopeMetricsProducer } from './fast-metrics.js';
import { CUMULATIVE, DATA_POINT } from './sdk-constants.js';

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

/** The Prometheus metric kind of an OpenTelemetry metric. */
export function metricKind(metric: MetricData): 'counter' | 'gauge' | 'histogram' {
  if (metric.dataPointType === DATA_POINT.HISTOGRAM || metric.dataPointType === DATA_POINT.EXPONENTIAL_HISTOGRAM) {
    return 'histogram';
  }
  if (metric.dataPointType === DATA_POINT.SUM && metric.isMonotonic) return 'counter';
  return 'gauge';
}

/** Renames every metric of a collection to its Prometheus name (the serializer appends `_total` itself). */
export function toPrometheusConventions(resourceMetrics: ResourceMetrics): ResourceMetrics {
  return {
    resource: resourceMetrics.resource,
    scopeMetrics: resourceMetrics.scopeMetrics.map((scope) => ({
      scope: scope.scope,
      metrics: scope.metrics.map((metric) => {
        const kind = metricKind(metric);
        let name = prometheusName(metric.descriptor.name, metric.descriptor.unit, kind);
        // PrometheusSerializer appends `_total` to monotonic sums; hand it the name without it.
        if (kind === 'counter') name = name.slice(0, -'_total'.length);
        // An empty unit keeps the OpenMetrics-only `# UNIT` line out of the 0.0.4 text format.
        return { ...metric, descriptor: { ...metric.descriptor, name, unit: '' } } as MetricData;
      }),
    })),
  };
}

/** Content type of the Prometheus text exposition format served by slakit. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** A cumulative pull reader of the metrics SDK (the SDK is loaded by this call). */
function pullReader(): MetricReader {
  const { MetricReader } = loadSdkMetrics();
  class PullReader extends MetricReader {
    protected override async onForceFlush(): Promise<void> {}
    protected override async onShutdown(): Promise<void> {}
  }
  return new PullReader({ aggregationTemporalitySelector: () => CUMULATIVE, otelComponentType: 'PrometheusConventionReader' });
}

/**
 * A pull MetricReader that serialises to the Prometheus text format with slakit's naming conventions.
 * It opens no port by itself; `scrape()` returns the exposition text.
 *
 * It implements the SDK's `IMetricReader` over an SDK `MetricReader` built at construction, so importing slakit does
 * not load `@opentelemetry/sdk-metrics`; pass it as any SDK MeterProvider's reader.
 */
export class PrometheusConventionReader implements IMetricReader {
  private readonly reader: MetricReader = pullReader();

  private readonly serializer: PrometheusSerializer = new (loadPrometheusExporter().PrometheusSerializer)(
    '',
    false,
    undefined,
    false,
    true,
  );

  private readonly producers: ScopeMetricsProducer[] = [];

  /** Adds a producer whose scope metrics are merged into every collection (slakit's fast instruments). */
  attachProducer(producer: ScopeMetricsProducer): void {
    this.producers.push(producer);
  }

  setMetricProducer(metricProducer: MetricProducer): void {
    this.reader.setMetricProducer(metricProducer);
  }

  selectAggregation(instrumentType: InstrumentType): AggregationOption {
    return this.reader.selectAggregation(instrumentType);
  }

  selectAggregationTemporality(instrumentType: InstrumentType): ReturnType<IMetricReader['selectAggregationTemporality']> {
    return this.reader.selectAggregationTemporality(instrumentType);
  }

  selectCardinalityLimit(instrumentType: InstrumentType): number {
    return this.reader.selectCardinalityLimit(instrumentType);
  }

  async collect(options?: Parameters<IMetricReader['collect']>[0]): Promise<CollectionResult> {
    const result = await this.reader.collect(options);
    if (this.producers.length === 0) return result;
    const extra = this.producers.flatMap((p) => p.produce());
    return {
      errors: result.errors,
      resourceMetrics: {
        resource: result.resourceMetrics.resource,
        scopeMetrics: [...result.resourceMetrics.scopeMetrics, ...extra],
      },
    };
  }

  /** Collects every instrument and returns the renamed collection plus any collection errors. */
  async collectPrometheus(): Promise<{ resourceMetrics: ResourceMetrics; errors: unknown[] }> {
    const { resourceMetrics, errors } = await this.collect();
    return { resourceMetrics: toPrometheusConventions(resourceMetrics), errors };
  }

  /** Collects and serialises every instrument to the Prometheus text format. */
  async scrape(): Promise<{ text: string; errors: unknown[] }> {
    const { resourceMetrics, errors } = await this.collectPrometheus();
    return { text: this.serializer.serialize(resourceMetrics), errors };
  }

  shutdown(options?: Parameters<IMetricReader['shutdown']>[0]): Promise<void> {
    return this.reader.shutdown(options);
  }

  forceFlush(options?: Parameters<IMetricReader['forceFlush']>[0]): Promise<void> {
    return this.reader.forceFlush(options);
  }
}

/** The node:http request handler signature shared by Express, Fastify (`reply.raw`) and bare servers. */
export type MetricsHandler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Builds the `/metrics` handler over a reader. It never throws: a collection failure answers 500 and is reported
 * through `onError`.
 */
export function createMetricsHandler(
  reader: PrometheusConventionReader | undefined,
  onError: (error: unknown) => void,
): MetricsHandler {
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
      res.end('method not allowed\n');
      return;
    }
    if (!reader) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end("slakit: metrics are exported by the host's MeterProvider; mount its exporter instead\n");
      return;
    }
    reader.scrape().then(
      ({ text, errors }) => {
        for (const error of errors) onError(error);
        if (res.writableEnded || res.destroyed) return;
        res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE, 'cache-control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      (error: unknown) => {
        onError(error);
        if (res.writableEnded || res.destroyed) return;
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('metrics collection failed\n');
      },
    );
  };
}
