import {
  context as otelContext,
  propagation as otelPropagation,
  trace as otelTrace,
  type TextMapPropagator,
} from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, Sampler, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { loadContextAsyncHooks, loadOtelCore, loadOtlpTraceExporter, loadSdkTrace } from '../deps.js';
import type { EnvConfig, TraceSamplerName } from '../env.js';
import { registerContextManager, registerPropagator, registerTracerProvider } from './globals.js';
import type { Lifecycle } from './lifecycle.js';
import { SLAKIT_SCOPE, type Telemetry, type TelemetryContext, type TelemetryOptions } from './types.js';

/** What the tracing setup decided: the tracer, the context API and propagator slakit uses, and whose they are. */
export interface Tracing {
  tracer: Telemetry['tracer'];
  context: TelemetryContext;
  propagator: TextMapPropagator;
  fromHost: boolean;
}

function buildSampler(name: TraceSamplerName, ratio: number): Sampler {
  const { AlwaysOffSampler, AlwaysOnSampler, ParentBasedSampler, TraceIdRatioBasedSampler } = loadSdkTrace();
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

/** Wraps a span exporter so failures are logged (rate-limited) instead of going to the silent diag logger. */
export function reportingExporter(inner: SpanExporter, report: (error: unknown) => void): SpanExporter {
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

function w3cPropagator(): TextMapPropagator {
  const { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } = loadOtelCore();
  return new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] });
}

/**
 * The span processor of slakit's own TracerProvider. The OTLP/HTTP exporter (72 modules) is loaded here, i.e. only
 * when an endpoint is configured and no exporter is given.
 */
function spanProcessor(options: TelemetryOptions, endpoint: string | undefined, otel: EnvConfig['otel'], lifecycle: Lifecycle) {
  const { BatchSpanProcessor, SimpleSpanProcessor } = loadSdkTrace();
  const traces = options.traces;
  const exporter = reportingExporter(
    traces?.exporter ??
      new (loadOtlpTraceExporter().OTLPTraceExporter)({
        url: endpoint,
        headers: traces?.headers ?? otel.tracesHeaders,
        timeoutMillis: traces?.exportTimeoutMs ?? 10_000,
      }),
    (error) => lifecycle.report('traces.export', error),
  );
  const processor: SpanProcessor =
    traces?.batch === false
      ? new SimpleSpanProcessor(exporter)
      : new BatchSpanProcessor(exporter, {
          maxQueueSize: traces?.maxQueueSize ?? 2048,
          maxExportBatchSize: Math.min(512, traces?.maxQueueSize ?? 2048),
          exportTimeoutMillis: traces?.exportTimeoutMs ?? 10_000,
        });
  return processor;
}

/**
 * Chooses the tracer: an explicit `tracerProvider`, the host's global one, the API's (no-op) one when tracing is
 * off, or slakit's own SDK provider (registered globally with a context manager and W3C propagator unless
 * `registerGlobal` is false, then private ones are used).
 */
export function setupTracing(
  options: TelemetryOptions,
  ctx: { otel: EnvConfig['otel']; useHost: () => boolean; registerGlobal: boolean; resource: () => Resource },
  lifecycle: Lifecycle,
): Tracing {
  const api: Omit<Tracing, 'tracer' | 'fromHost'> = { context: otelContext, propagator: otelPropagation };
  if (options.tracerProvider) return { ...api, tracer: options.tracerProvider.getTracer(SLAKIT_SCOPE), fromHost: true };
  const endpoint = options.traces?.endpoint ?? ctx.otel.tracesEndpoint;
  const wantsTracing = Boolean(options.traces?.exporter ?? endpoint);
  const useHost = ctx.useHost();
  if (useHost || !wantsTracing) return { ...api, tracer: otelTrace.getTracer(SLAKIT_SCOPE), fromHost: useHost };

  const ratio = options.traces?.sampleRatio ?? ctx.otel.tracesSamplerArg;
  const samplerName = options.traces?.sampleRatio !== undefined ? 'parentbased_traceidratio' : ctx.otel.tracesSampler;
  const provider = new (loadSdkTrace().BasicTracerProvider)({
    resource: ctx.resource(),
    sampler: buildSampler(samplerName, ratio),
    spanProcessors: [spanProcessor(options, endpoint, ctx.otel, lifecycle)],
  });
  lifecycle.flushers.push(() => provider.forceFlush());
  lifecycle.cleanups.push(() => provider.shutdown());
  const tracer = provider.getTracer(SLAKIT_SCOPE);
  const { AsyncLocalStorageContextManager } = loadContextAsyncHooks();
  if (!ctx.registerGlobal) {
    const manager = new AsyncLocalStorageContextManager().enable();
    lifecycle.unregisters.push(() => manager.disable());
    return { tracer, context: manager, propagator: w3cPropagator(), fromHost: false };
  }
  for (const unregister of [
    registerTracerProvider(provider),
    registerContextManager(() => new AsyncLocalStorageContextManager()),
    registerPropagator(w3cPropagator),
  ]) {
    if (unregister) lifecycle.unregisters.push(unregister);
  }
  return { ...api, tracer, fromHost: false };
}
