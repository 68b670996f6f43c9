import type { AddressInfo } from 'node:net';
import type { Context, Meter, MeterProvider, TextMapPropagator, Tracer, TracerProvider } from '@opentelemetry/api';
import type { IMetricReader } from '@opentelemetry/sdk-metrics';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Logger } from 'pino';
import type { FastMetrics } from '../fast-metrics.js';
import type { LoggerOptions } from '../logger.js';
import type { MetricsHandler } from '../prometheus.js';

/** Instrumentation scope name of every slakit instrument. */
export const SLAKIT_SCOPE = 'slakit';

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
    readers?: IMetricReader[];
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
  logger?: Logger | Omit<LoggerOptions, 'context' | 'serviceName' | 'serviceVersion' | 'environment'>;
  /** Deadline for `forceFlush()` and `shutdown()` in ms; default 5000. They never take longer. */
  shutdownTimeoutMs?: number;
  /**
   * Runtime metrics (event loop, V8 heap, GC, process CPU and memory; docs/metrics.md), recorded by OpenTelemetry's
   * runtime libraries into slakit's meter. Default `false` (none). `true` turns every group on; an object turns on
   * every group not set to `false` in it. Groups and the optional peer dependency each needs:
   * `eventLoop`, `heap`, `gc` — `@opentelemetry/instrumentation-runtime-node` (~0.36); `cpu`, `memory` —
   * `@opentelemetry/instrumentation-host-metrics` (~0.6). Stopped by `shutdown()`.
   */
  runtimeMetrics?: boolean | RuntimeMetricsOptions;
}

/** The groups of {@link TelemetryOptions.runtimeMetrics}; each defaults to `true` once the object is given. */
export interface RuntimeMetricsOptions {
  /** Event loop delay (min/max/mean/stddev/p50/p90/p99), utilization, time per state and active resources. */
  eventLoop?: boolean;
  /** V8 heap used/size/available/physical per space, and the heap limit. */
  heap?: boolean;
  /** Garbage collection durations by type. */
  gc?: boolean;
  /** Process CPU time and utilization. */
  cpu?: boolean;
  /** Process resident memory. */
  memory?: boolean;
  /** Sampling resolution of the event loop delay histogram in ms; default 10. */
  eventLoopResolutionMs?: number;
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
