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
import type { FastFamilies, ScopeMetricsProducer } from './fast-metrics.js';
import { prometheusName } from './prometheus-names.js';
import type { ExpositionFormat } from './scrape/render-fast.js';
import { type ScrapeParts, type ScrapeStats, scrapeChunks } from './scrape/scrape.js';
import { CUMULATIVE, DATA_POINT } from './sdk-constants.js';

export { prometheusLabelName, prometheusName } from './prometheus-names.js';

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

  /** Producers the scrape renders itself (slakit's aggregating instruments, pre-rendered series). */
  private readonly renderers: (ScopeMetricsProducer & FastFamilies)[] = [];

  private last: ScrapeStats | undefined;

  private readonly listeners: ((stats: ScrapeStats) => void)[] = [];

  /**
   * Adds a producer whose scope metrics are merged into every collection (slakit's fast instruments). A producer
   * with `families()` (the aggregating instruments) is rendered by the scrape directly, not through the SDK serializer.
   */
  attachProducer(producer: ScopeMetricsProducer | (ScopeMetricsProducer & FastFamilies)): void {
    this.producers.push(producer);
    if ('families' in producer && typeof producer.families === 'function') this.renderers.push(producer);
  }

  /** Calls `listener` after every completed scrape with what it measured. */
  onScrape(listener: (stats: ScrapeStats) => void): void {
    this.listeners.push(listener);
  }

  /** What the last completed scrape measured (undefined before the first). */
  lastScrape(): ScrapeStats | undefined {
    return this.last;
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

  /**
   * Streams a scrape in `format` (0.0.4 text or OpenMetrics with exemplars): the SDK's instruments through
   * OpenTelemetry's serializer, slakit's aggregating instruments from their pre-rendered series in time slices with a
   * turn of the event loop between them. Collection errors go to `onError`.
   */
  chunks(format: ExpositionFormat, onError: (error: unknown) => void): AsyncGenerator<Buffer, void, void> {
    const renderers = new Set<ScopeMetricsProducer>(this.renderers);
    const parts: ScrapeParts = {
      collectSdk: async () => {
        const result = await this.reader.collect();
        const extra = this.producers.filter((p) => !renderers.has(p)).flatMap((p) => p.produce());
        const resourceMetrics = {
          resource: result.resourceMetrics.resource,
          scopeMetrics: [...result.resourceMetrics.scopeMetrics, ...extra],
        };
        return { resourceMetrics: toPrometheusConventions(resourceMetrics), errors: result.errors };
      },
      serializeText: (resourceMetrics) => this.serializer.serialize(resourceMetrics),
      renderers: this.renderers,
    };
    return scrapeChunks(parts, format, {
      last: () => this.last,
      onError,
      done: (stats) => {
        this.last = stats;
        for (const listener of this.listeners) listener(stats);
      },
    });
  }

  /** Collects and serialises every instrument to the Prometheus text format (0.0.4). */
  async scrape(): Promise<{ text: string; errors: unknown[] }> {
    const errors: unknown[] = [];
    const chunks: Buffer[] = [];
    for await (const chunk of this.chunks('text', (error) => errors.push(error))) chunks.push(chunk);
    return { text: Buffer.concat(chunks).toString('utf8'), errors };
  }

  shutdown(options?: Parameters<IMetricReader['shutdown']>[0]): Promise<void> {
    return this.reader.shutdown(options);
  }

  forceFlush(options?: Parameters<IMetricReader['forceFlush']>[0]): Promise<void> {
    return this.reader.forceFlush(options);
  }
}
