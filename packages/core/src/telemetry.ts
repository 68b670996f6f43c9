import type { Resource } from '@opentelemetry/resources';
import type { Logger } from 'pino';
import { loadEnvSections } from './env.js';
import { createDelegatingFastMetrics } from './fast-metrics.js';
import { createLogger } from './logger.js';
import { createMetricsHandler } from './prometheus.js';
import { globalRegistered } from './telemetry/globals.js';
import { attachLogger, createLifecycle, flushAll, shutdownAll } from './telemetry/lifecycle.js';
import { setupMetrics, startMetricsServer } from './telemetry/metrics.js';
import { validateTelemetryOptions } from './telemetry/options.js';
import { buildResource, resolveService } from './telemetry/resource.js';
import { prepareRuntimeMetrics } from './telemetry/runtime-metrics.js';
import { setupTracing } from './telemetry/tracing.js';
import type { Telemetry, TelemetryOptions } from './telemetry/types.js';

export {
  type ProvidersMode,
  type RuntimeMetricsOptions,
  SLAKIT_SCOPE,
  type Telemetry,
  type TelemetryContext,
  type TelemetryOptions,
} from './telemetry/types.js';

function isPinoLogger(value: unknown): value is Logger {
  return typeof value === 'object' && value !== null && typeof (value as Logger).child === 'function' && 'level' in value;
}

/**
 * Sets up metrics, tracing and logging for a service. Nothing is started before this call, and `shutdown()` undoes
 * everything it started (SDK, metrics server, global registrations).
 *
 * Metrics are exposed in the Prometheus text format with Prometheus naming (`_seconds`, `_total`, `_ratio`) through
 * `metricsHandler` — no port is opened unless `metrics.port` (or `OTEL_EXPORTER_PROMETHEUS_PORT`) is set.
 * Traces go to an OTLP/HTTP endpoint through a batch processor when one is configured; otherwise none are recorded.
 * Exporter failures are logged (at most once a minute) and never reach the host. Reads only the `OTEL_*` variables
 * (and `NODE_ENV`); the SDK packages are loaded by this call, only for the signals slakit runs itself.
 *
 * @throws SlakitError `ERR_SLAKIT_INVALID_OPTION` / `ERR_SLAKIT_INVALID_ENV` for bad options or `OTEL_*` variables
 */
export function createTelemetry(options: TelemetryOptions = {}): Telemetry {
  validateTelemetryOptions(options);
  const startRuntimeMetrics = prepareRuntimeMetrics(options.runtimeMetrics);
  const { otel } = loadEnvSections(options.env ?? process.env, ['otel']);
  const mode = options.providers ?? 'auto';
  const registerGlobal = options.registerGlobal ?? mode !== 'own';
  const service = resolveService(options, otel);
  let resource: Resource | undefined;
  const shared = {
    registerGlobal,
    resource: () => {
      resource ??= buildResource(service, options, otel);
      return resource;
    },
  };
  const useHost = (kind: 'metrics' | 'trace') => () =>
    mode === 'host' || (mode === 'auto' && (otel.sdkDisabled || globalRegistered(kind)));

  const lifecycle = createLifecycle();
  const tracing = setupTracing(options, { ...shared, otel, useHost: useHost('trace') }, lifecycle);
  const metrics = setupMetrics(options, { ...shared, useHost: useHost('metrics') }, lifecycle);

  const loggerOption = options.logger;
  const logger = createLogger({
    ...(isPinoLogger(loggerOption) ? { logger: loggerOption } : (loggerOption ?? {})),
    serviceName: service.name,
    serviceVersion: service.version,
    environment: service.environment,
    context: tracing.context,
  });
  attachLogger(lifecycle, logger);
  startRuntimeMetrics?.(metrics.meter, lifecycle);
  const metricsHandler = createMetricsHandler(metrics.reader, (error) => lifecycle.report('metrics.collect', error));
  const port = options.metrics?.port ?? otel.prometheusPort;
  const metricsAddress =
    port !== undefined && metrics.reader
      ? startMetricsServer(metricsHandler, { port, host: options.metrics?.host ?? otel.prometheusHost }, lifecycle)
      : () => undefined;

  const timeoutMs = options.shutdownTimeoutMs ?? 5000;
  let shutdownPromise: Promise<void> | undefined;
  const { reader } = metrics;
  return {
    meter: metrics.meter,
    fast: metrics.fast ?? createDelegatingFastMetrics(metrics.meter),
    tracer: tracing.tracer,
    logger,
    context: tracing.context,
    propagator: tracing.propagator,
    service,
    usingHost: { metrics: metrics.fromHost, traces: tracing.fromHost },
    metricsHandler,
    scrape: async () => {
      if (!reader) return undefined;
      try {
        return (await reader.scrape()).text;
      } catch (error) {
        lifecycle.report('metrics.collect', error);
        return undefined;
      }
    },
    metricsAddress,
    forceFlush: () => flushAll(lifecycle, timeoutMs),
    shutdown() {
      shutdownPromise ??= shutdownAll(lifecycle, timeoutMs);
      return shutdownPromise;
    },
  };
}
