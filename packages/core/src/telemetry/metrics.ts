import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { metrics as otelMetrics } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { Logger } from 'pino';
import { METRIC_CATALOGUE as M } from '../catalogue/metrics.js';
import { loadHttp, loadSdkMetrics } from '../deps.js';
import { createAggregatingFastMetrics, type FastMetrics } from '../fast-metrics.js';
import { PrometheusConventionReader } from '../prometheus.js';
import type { MetricsHandler } from '../scrape/handler.js';
import { registerMeterProvider } from './globals.js';
import type { Lifecycle } from './lifecycle.js';
import { SLAKIT_SCOPE, type Telemetry, type TelemetryOptions } from './types.js';

/** What the metrics setup decided: the meter, fast instruments when they aggregate in place, and slakit's reader. */
export interface Metrics {
  meter: Telemetry['meter'];
  fast: FastMetrics | undefined;
  reader: PrometheusConventionReader | undefined;
  fromHost: boolean;
}

/**
 * Chooses the meter: an explicit `meterProvider`, the host's global one, or slakit's own SDK MeterProvider with its
 * Prometheus reader (registered globally when `registerGlobal`). `@opentelemetry/sdk-metrics` is loaded only then.
 */
export function setupMetrics(
  options: TelemetryOptions,
  ctx: { useHost: () => boolean; registerGlobal: boolean; resource: () => Resource },
  lifecycle: Lifecycle,
): Metrics {
  if (options.meterProvider) {
    return { meter: options.meterProvider.getMeter(SLAKIT_SCOPE), fast: undefined, reader: undefined, fromHost: true };
  }
  if (ctx.useHost()) return { meter: otelMetrics.getMeter(SLAKIT_SCOPE), fast: undefined, reader: undefined, fromHost: true };
  const reader = new PrometheusConventionReader();
  const extraReaders = options.metrics?.readers ?? [];
  let fast: FastMetrics | undefined;
  // Fast instruments aggregate in place only when every reader can collect them; otherwise they delegate.
  if (extraReaders.every((r) => r instanceof PrometheusConventionReader)) {
    const aggregating = createAggregatingFastMetrics(SLAKIT_SCOPE);
    for (const r of [reader, ...extraReaders] as PrometheusConventionReader[]) r.attachProducer(aggregating);
    fast = aggregating;
  }
  const provider = new (loadSdkMetrics().MeterProvider)({ resource: ctx.resource(), readers: [reader, ...extraReaders] });
  lifecycle.flushers.push(() => provider.forceFlush());
  lifecycle.cleanups.push(() => provider.shutdown());
  if (ctx.registerGlobal) {
    const unregister = registerMeterProvider(provider);
    if (unregister) lifecycle.unregisters.push(unregister);
  }
  return { meter: provider.getMeter(SLAKIT_SCOPE), fast, reader, fromHost: false };
}

/** Starts the standalone `/metrics` server on `port` (unref'd; errors reported); closed by the lifecycle's cleanups. */
export function startMetricsServer(
  handler: MetricsHandler,
  listen: { port: number; host: string },
  lifecycle: Lifecycle,
): () => AddressInfo | undefined {
  const server: Server = loadHttp().createServer((req, res) => {
    if ((req.url ?? '/').split('?')[0] === '/metrics') handler(req, res);
    else {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('not found\n');
    }
  });
  server.on('error', (error) => lifecycle.report('metrics.server', error));
  server.listen(listen.port, listen.host);
  server.unref();
  lifecycle.cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return () => {
    const address = server.address();
    return address && typeof address === 'object' ? address : undefined;
  };
}

/** Logs one warning the first time a scrape writes more than `budget` samples (the platform's cardinality budget). */
export function watchSeriesBudget(reader: PrometheusConventionReader, budget: number, logger: Logger): void {
  let warned = false;
  reader.onScrape((stats) => {
    if (warned || stats.series <= budget) return;
    warned = true;
    logger.warn(
      { series: stats.series, seriesBudget: budget },
      `slakit metrics: a scrape wrote ${stats.series} series, over the budget of ${budget} (metrics.seriesBudget); see ${M.scrapeSeries.prometheus} and the /metrics output for the label that grows`,
    );
  });
}
