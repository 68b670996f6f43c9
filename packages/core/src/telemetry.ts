import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import {
  type Context,
  type ContextManager,
  type Meter,
  type MeterProvider,
  context as otelContext,
  metrics as otelMetrics,
  propagation as otelPropagation,
  trace as otelTrace,
  ProxyTracerProvider,
  type TextMapPropagator,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, type Resource, resourceFromAttributes } from '@opentelemetry/resources';
import { type MetricReader, MeterProvider as SdkMeterProvider } from '@opentelemetry/sdk-metrics';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  type ReadableSpan,
  type Sampler,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import type { Logger } from 'pino';
import { withDeadline } from './clock.js';
import { loadEnvConfig, type TraceSamplerName } from './env.js';
import { invalidOption } from './errors.js';
import { createAggregatingFastMetrics, createDelegatingFastMetrics, type FastMetrics } from './fast-metrics.js';
import { createLogger, rateLimitedLog } from './logger.js';
import { createMetricsHandler, type MetricsHandler, PrometheusConventionReader } from './prometheus.js';
import { validateOptions as validateSchema } from './validation/options.js';
import { telemetryOptionsSchema } from './validation/schemas.js';

/** Instrumentation scope name of every slakit instrument. */
export const SLAKIT_SCOPE = 'slakit';

const ATTR_DEPLOYMENT_ENVIRONMENT_NAME = 'deployment.environment.name';

/** How `createTelemetry` chooses between the host's global OpenTelemetry providers and its own SDK. */
export type ProvidersMode = 'auto' | 'host' | 'own';

/** Options of {@link createTelemetry}. Every field is optional; defaults come from the `OTEL_*` variables. */
export interface TelemetryOptions {
  /** `service.name`; default `OTEL_SERVICE_NAME`, then `service.name` in `OTEL_RESOURCE_ATTRIBUTES`, then `unknown_service:node`. */
  serviceName?: string;
  /** `service.version`; default `service.version` in `OTEL_RESOURCE_ATTRIBUTES`. */
  serviceVersion?: string;
  /** `deployment.environment.name`; default from `OTEL_RESOURCE_ATTRIBUTES`, then `NODE_ENV`. */
  environment?: string;
  /** Extra resource attributes, merged over `OTEL_RESOURCE_ATTRIBUTES`. */
  resourceAttributes?: Record<string, string>;
  /** Environment to read `OTEL_*` variables from; default `process.env` (read at call time, never at import). */
  env?: Record<string, string | undefined>;
  /**
   * `auto` (default): for each signal, use the host's global provider when one is registered and register nothing;
   * otherwise start slakit's own SDK and register it globally. `host`: always use the globals (no SDK).
   * `own`: always start slakit's own SDK and never touch the globals.
   */
  providers?: ProvidersMode;
  /** Register slakit's own providers, context manager and propagator as globals (default true, except in `own` mode). */
  registerGlobal?: boolean;
  /** An explicit MeterProvider to use (no SDK is started for metrics, nothing registered). */
  meterProvider?: MeterProvider;
  /** An explicit TracerProvider to use (no SDK is started for traces, nothing registered). */
  tracerProvider?: TracerProvider;
  metrics?: {
    /** Port of a standalone `/metrics` server; default `OTEL_EXPORTER_PROMETHEUS_PORT`, unset = no server. */
    port?: number;
    /** Host of the standalone server; default `OTEL_EXPORTER_PROMETHEUS_HOST`, then `0.0.0.0`. */
    host?: string;
    /** Extra metric readers (e.g. a periodic OTLP reader) added to slakit's own MeterProvider. */
    readers?: MetricReader[];
  };
  traces?: {
    /** OTLP/HTTP traces URL (full, e.g. `http://collector:4318/v1/traces`); default from `OTEL_EXPORTER_OTLP_*`. No endpoint and no exporter = no tracing SDK. */
    endpoint?: string;
    /** Headers for the OTLP exporter; default `OTEL_EXPORTER_OTLP_(TRACES_)HEADERS`. */
    headers?: Record<string, string>;
    /** Root sampling ratio 0..1 under a parent-based sampler; default `OTEL_TRACES_SAMPLER_ARG`, then 1. */
    sampleRatio?: number;
    /** A span exporter to use instead of OTLP (tests, other backends). */
    exporter?: SpanExporter;
    /** Batch spans (default true); false exports each span as it ends (tests). */
    batch?: boolean;
    /** Spans buffered at most before new ones are dropped; default 2048. */
    maxQueueSize?: number;
    /** Deadline of one export request in ms; default 10000. */
    exportTimeoutMs?: number;
  };
  /** The host's pino logger (wrapped as a child) or options for a new one. */
  logger?: Logger | Omit<import('./logger.js').LoggerOptions, 'context' | 'serviceName' | 'serviceVersion' | 'environment'>;
  /** Deadline for `forceFlush()` and `shutdown()` in ms; default 5000. They never take longer. */
  shutdownTimeoutMs?: number;
}

/** The context API slakit components use: the global one, or a private one when globals are not registered. */
export interface TelemetryContext {
  active(): Context;
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F>;
}

/** What {@link createTelemetry} returns. */
export interface Telemetry {
  /** Meter for slakit's instruments (scope `slakit`). */
  readonly meter: Meter;
  /** Pre-bound instruments for hot paths; aggregated in place when slakit owns the MeterProvider. */
  readonly fast: FastMetrics;
  /** Tracer for slakit's spans (a no-op tracer when tracing is off). */
  readonly tracer: Tracer;
  /** Logger with service fields, trace correlation and redaction. */
  readonly logger: Logger;
  /** Context API to activate spans with (global unless slakit runs private providers). */
  readonly context: TelemetryContext;
  /** Propagator for `traceparent`/`baggage` (global unless slakit runs private providers). */
  readonly propagator: TextMapPropagator;
  /** Resolved service identity. */
  readonly service: { name: string; version: string | undefined; environment: string | undefined };
  /** Which signals use the host's global providers (nothing of slakit registered for them). */
  readonly usingHost: { metrics: boolean; traces: boolean };
  /** Serves the Prometheus text format; node:http signature, mounts in Express, Fastify (`reply.raw`) or a bare server. */
  readonly metricsHandler: MetricsHandler;
  /** Address of the standalone metrics server once it listens; undefined otherwise. */
  metricsAddress(): AddressInfo | undefined;
  /** The Prometheus exposition text `metricsHandler` would serve (undefined with host providers). Never rejects. */
  scrape(): Promise<string | undefined>;
  /** Exports buffered spans; resolves within `shutdownTimeoutMs`, never rejects. */
  forceFlush(): Promise<void>;
  /** Flushes, stops the SDK, closes the metrics server and unregisters what slakit registered; within `shutdownTimeoutMs`, never rejects. Idempotent. */
  shutdown(): Promise<void>;
}

const API_GLOBAL = Symbol.for('opentelemetry.js.api.1');

function globalRegistered(kind: 'metrics' | 'trace' | 'context' | 'propagation'): boolean {
  const registry = (globalThis as Record<symbol, Record<string, unknown> | undefined>)[API_GLOBAL];
  return registry?.[kind] !== undefined;
}

function buildSampler(name: TraceSamplerName, ratio: number): Sampler {
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio);
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    default:
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
  }
}

function isPinoLogger(value: unknown): value is Logger {
  return typeof value === 'object' && value !== null && typeof (value as Logger).child === 'function' && 'level' in value;
}

/** Wraps a span exporter so failures are logged (rate-limited) instead of going to the silent diag logger. */
function reportingExporter(inner: SpanExporter, report: (error: unknown) => void): SpanExporter {
  return {
    export(spans: ReadableSpan[], done) {
      try {
        inner.export(spans, (result) => {
          if (result.code !== 0) report(result.error ?? new Error('span export failed'));
          done(result);
        });
      } catch (error) {
        report(error);
        done({ code: 1, error: error as Error });
      }
    },
    shutdown: () => inner.shutdown(),
    forceFlush: () => inner.forceFlush?.() ?? Promise.resolve(),
  };
}

function validateOptions(options: TelemetryOptions): void {
  const { metrics, traces } = options;
  if (options.providers !== undefined && !['auto', 'host', 'own'].includes(options.providers)) {
    throw invalidOption('providers', options.providers, 'one of auto, host, own');
  }
  if (metrics?.port !== undefined && (!Number.isInteger(metrics.port) || metrics.port < 0 || metrics.port > 65535)) {
    throw invalidOption('metrics.port', metrics.port, 'an integer port from 0 to 65535');
  }
  if (traces?.sampleRatio !== undefined && !(traces.sampleRatio >= 0 && traces.sampleRatio <= 1)) {
    throw invalidOption('traces.sampleRatio', traces.sampleRatio, 'a number from 0 to 1');
  }
  if (traces?.endpoint !== undefined) {
    let ok = false;
    try {
      ok = ['http:', 'https:'].includes(new URL(traces.endpoint).protocol);
    } catch {}
    if (!ok) throw invalidOption('traces.endpoint', traces.endpoint, 'an http(s) URL');
  }
  for (const key of ['maxQueueSize', 'exportTimeoutMs'] as const) {
    const v = traces?.[key];
    if (v !== undefined && (!Number.isInteger(v) || v <= 0)) throw invalidOption(`traces.${key}`, v, 'an integer > 0');
  }
  const t = options.shutdownTimeoutMs;
  if (t !== undefined && (!Number.isFinite(t) || t <= 0)) throw invalidOption('shutdownTimeoutMs', t, 'a number of ms > 0');
}

/**
 * Sets up metrics, tracing and logging for a service. Nothing is started before this call, and `shutdown()` undoes
 * everything it started (SDK, metrics server, global registrations).
 *
 * Metrics are exposed in the Prometheus text format with Prometheus naming (`_seconds`, `_total`, `_ratio`) through
 * `metricsHandler` — no port is opened unless `metrics.port` (or `OTEL_EXPORTER_PROMETHEUS_PORT`) is set.
 * Traces go to an OTLP/HTTP endpoint through a batch processor when one is configured; otherwise none are recorded.
 * Exporter failures are logged (at most once a minute) and never reach the host.
 *
 * @throws SlakitError `ERR_SLAKIT_INVALID_OPTION` / `ERR_SLAKIT_INVALID_ENV` for bad options or variables
 */
export function createTelemetry(options: TelemetryOptions = {}): Telemetry {
  validateSchema(telemetryOptionsSchema, options);
  validateOptions(options);
  const env = loadEnvConfig(options.env ?? process.env);
  const mode = options.providers ?? 'auto';
  const registerGlobal = options.registerGlobal ?? mode !== 'own';
  const attrs = env.otel.resourceAttributes;
  const service = {
    name: options.serviceName ?? env.otel.serviceName ?? 'unknown_service:node',
    version: options.serviceVersion ?? attrs['service.version'],
    environment:
      options.environment ??
      attrs[ATTR_DEPLOYMENT_ENVIRONMENT_NAME] ??
      attrs['deployment.environment'] ??
      (options.env ?? process.env).NODE_ENV,
  };
  const resourceAttrs: Record<string, string> = { ...attrs, ...options.resourceAttributes, [ATTR_SERVICE_NAME]: service.name };
  if (service.version) resourceAttrs[ATTR_SERVICE_VERSION] = service.version;
  if (service.environment) resourceAttrs[ATTR_DEPLOYMENT_ENVIRONMENT_NAME] = service.environment;
  const resource: Resource = defaultResource().merge(resourceFromAttributes(resourceAttrs));

  // Global registrations are undone synchronously first, so a hung exporter can never leave them behind.
  const unregisters: Array<() => void> = [];
  const cleanups: Array<() => Promise<void> | void> = [];
  const flushers: Array<() => Promise<void>> = [];
  const useHost = (kind: 'metrics' | 'trace') =>
    mode === 'host' || (mode === 'auto' && (env.otel.sdkDisabled || globalRegistered(kind)));

  // --- context & propagation ------------------------------------------------------------------------------------
  let ctx: TelemetryContext = otelContext;
  let propagator: TextMapPropagator = otelPropagation;

  // --- traces ---------------------------------------------------------------------------------------------------
  let tracer: Tracer;
  let tracesFromHost = false;
  let ownTracerProvider: BasicTracerProvider | undefined;
  const endpoint = options.traces?.endpoint ?? env.otel.tracesEndpoint;
  const wantsTracing = Boolean(options.traces?.exporter ?? endpoint);
  // The logger is created after the providers; failures before then are buffered through this indirection.
  let report: (key: string, error: unknown) => void = () => {};

  if (options.tracerProvider) {
    tracer = options.tracerProvider.getTracer(SLAKIT_SCOPE);
    tracesFromHost = true;
  } else if (useHost('trace') || !wantsTracing) {
    tracer = otelTrace.getTracer(SLAKIT_SCOPE);
    tracesFromHost = useHost('trace');
  } else {
    const exporter = reportingExporter(
      options.traces?.exporter ??
        new OTLPTraceExporter({
          url: endpoint,
          headers: options.traces?.headers ?? env.otel.tracesHeaders,
          timeoutMillis: options.traces?.exportTimeoutMs ?? 10_000,
        }),
      (error) => report('traces.export', error),
    );
    const processor: SpanProcessor =
      options.traces?.batch === false
        ? new SimpleSpanProcessor(exporter)
        : new BatchSpanProcessor(exporter, {
            maxQueueSize: options.traces?.maxQueueSize ?? 2048,
            maxExportBatchSize: Math.min(512, options.traces?.maxQueueSize ?? 2048),
            exportTimeoutMillis: options.traces?.exportTimeoutMs ?? 10_000,
          });
    const ratio = options.traces?.sampleRatio ?? env.otel.tracesSamplerArg;
    const samplerName = options.traces?.sampleRatio !== undefined ? 'parentbased_traceidratio' : env.otel.tracesSampler;
    ownTracerProvider = new BasicTracerProvider({
      resource,
      sampler: buildSampler(samplerName, ratio),
      spanProcessors: [processor],
    });
    const provider = ownTracerProvider;
    tracer = provider.getTracer(SLAKIT_SCOPE);
    flushers.push(() => provider.forceFlush());
    cleanups.push(() => provider.shutdown());
    if (registerGlobal) {
      otelTrace.setGlobalTracerProvider(provider);
      unregisters.push(() => {
        const global = otelTrace.getTracerProvider();
        if (global instanceof ProxyTracerProvider && global.getDelegate() === provider) otelTrace.disable();
      });
      if (!globalRegistered('context')) {
        const manager: ContextManager = new AsyncLocalStorageContextManager().enable();
        otelContext.setGlobalContextManager(manager);
        unregisters.push(() => otelContext.disable());
      }
      if (!globalRegistered('propagation')) {
        otelPropagation.setGlobalPropagator(
          new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
        );
        unregisters.push(() => otelPropagation.disable());
      }
    } else {
      const manager = new AsyncLocalStorageContextManager().enable();
      unregisters.push(() => manager.disable());
      ctx = manager;
      propagator = new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] });
    }
  }

  // --- metrics --------------------------------------------------------------------------------------------------
  let meter: Meter;
  let fast: FastMetrics | undefined;
  let reader: PrometheusConventionReader | undefined;
  let metricsFromHost = false;
  if (options.meterProvider) {
    meter = options.meterProvider.getMeter(SLAKIT_SCOPE);
    metricsFromHost = true;
  } else if (useHost('metrics')) {
    meter = otelMetrics.getMeter(SLAKIT_SCOPE);
    metricsFromHost = true;
  } else {
    reader = new PrometheusConventionReader();
    const extraReaders = options.metrics?.readers ?? [];
    // Fast instruments aggregate in place only when every reader can collect them; otherwise they delegate.
    if (extraReaders.every((r) => r instanceof PrometheusConventionReader)) {
      const aggregating = createAggregatingFastMetrics(SLAKIT_SCOPE);
      for (const r of [reader, ...extraReaders] as PrometheusConventionReader[]) r.attachProducer(aggregating);
      fast = aggregating;
    }
    const provider = new SdkMeterProvider({ resource, readers: [reader, ...extraReaders] });
    meter = provider.getMeter(SLAKIT_SCOPE);
    flushers.push(() => provider.forceFlush());
    cleanups.push(() => provider.shutdown());
    if (registerGlobal) {
      otelMetrics.setGlobalMeterProvider(provider);
      unregisters.push(() => {
        if (otelMetrics.getMeterProvider() === provider) otelMetrics.disable();
      });
    }
  }

  // --- logger ---------------------------------------------------------------------------------------------------
  const loggerOption = options.logger;
  const logger = createLogger({
    ...(isPinoLogger(loggerOption) ? { logger: loggerOption } : (loggerOption ?? {})),
    serviceName: service.name,
    serviceVersion: service.version,
    environment: service.environment,
    context: ctx,
  });
  const limited = rateLimitedLog();
  report = (key, error) =>
    limited(key, () =>
      logger.warn(
        { error: { type: (error as Error)?.name, code: (error as { code?: unknown })?.code }, component: key },
        `slakit telemetry: ${key} failed`,
      ),
    );
  const metricsHandler = createMetricsHandler(reader, (error) => report('metrics.collect', error));

  // --- standalone metrics server ---------------------------------------------------------------------------------
  let server: Server | undefined;
  const port = options.metrics?.port ?? env.otel.prometheusPort;
  if (port !== undefined && reader) {
    const s = createServer((req, res) => {
      if ((req.url ?? '/').split('?')[0] === '/metrics') metricsHandler(req, res);
      else {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('not found\n');
      }
    });
    s.on('error', (error) => report('metrics.server', error));
    s.listen(port, options.metrics?.host ?? env.otel.prometheusHost);
    s.unref();
    server = s;
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          s.close(() => resolve());
          s.closeAllConnections();
        }),
    );
  }

  const timeoutMs = options.shutdownTimeoutMs ?? 5000;
  let shutdownPromise: Promise<void> | undefined;

  return {
    meter,
    fast: fast ?? createDelegatingFastMetrics(meter),
    tracer,
    logger,
    context: ctx,
    propagator,
    service,
    usingHost: { metrics: metricsFromHost, traces: tracesFromHost },
    metricsHandler,
    scrape: async () => {
      if (!reader) return undefined;
      try {
        return (await reader.scrape()).text;
      } catch (error) {
        report('metrics.collect', error);
        return undefined;
      }
    },
    metricsAddress: () => {
      const address = server?.address();
      return address && typeof address === 'object' ? address : undefined;
    },
    async forceFlush() {
      await withDeadline(
        Promise.all(flushers.map((f) => f())).then(() => undefined),
        timeoutMs,
        (error) => report('flush', error),
        () => report('flush', new Error('flush deadline exceeded')),
      );
    },
    shutdown() {
      if (shutdownPromise) return shutdownPromise;
      for (const unregister of unregisters) {
        try {
          unregister();
        } catch (error) {
          report('shutdown', error);
        }
      }
      shutdownPromise = withDeadline(
        Promise.all(
          cleanups.map(async (cleanup) => {
            try {
              await cleanup();
            } catch (error) {
              report('shutdown', error);
            }
          }),
        ),
        timeoutMs,
        (error) => report('shutdown', error),
        () => report('shutdown', new Error('shutdown deadline exceeded')),
      ).then(() => undefined);
      return shutdownPromise;
    },
  };
}
