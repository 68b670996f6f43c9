import {
  type ContextManager,
  createContextKey,
  createNoopMeter,
  type MeterProvider,
  context as otelContext,
  metrics as otelMetrics,
  propagation as otelPropagation,
  trace as otelTrace,
  ProxyTracerProvider,
  ROOT_CONTEXT,
  type TextMapPropagator,
  type TracerProvider,
} from '@opentelemetry/api';

/**
 * The OpenTelemetry globals, seen and changed only through `@opentelemetry/api` (never its private registry
 * symbol): whether the host registered a provider, context manager or propagator, and registrations slakit undoes.
 */

/** A signal or API whose global can be registered. */
export type GlobalKind = 'metrics' | 'trace' | 'context' | 'propagation';

const PROBE_KEY = createContextKey('slakit.telemetry.probe');

/** True when a global of `kind` is registered (by the host, or by slakit earlier). */
export function globalRegistered(kind: GlobalKind): boolean {
  switch (kind) {
    case 'metrics':
      // With nothing registered the API hands out its no-op provider, whose meters are the no-op meter.
      return otelMetrics.getMeterProvider().getMeter('slakit') !== createNoopMeter();
    case 'trace': {
      // With nothing registered the API hands out its own proxy, still delegating to the no-op provider.
      const provider = otelTrace.getTracerProvider();
      return !(provider instanceof ProxyTracerProvider) || provider.getDelegate() !== new ProxyTracerProvider().getDelegate();
    }
    case 'context': {
      // The no-op context manager never activates a context.
      const probe = ROOT_CONTEXT.setValue(PROBE_KEY, true);
      return otelContext.with(probe, () => otelContext.active() === probe);
    }
    case 'propagation':
      // The no-op propagator has no fields.
      return otelPropagation.fields().length > 0;
  }
}

/** Registers `provider` as the global TracerProvider; returns what undoes it (only while it is still the global). */
export function registerTracerProvider(provider: TracerProvider): (() => void) | undefined {
  if (!otelTrace.setGlobalTracerProvider(provider)) return undefined;
  return () => {
    const global = otelTrace.getTracerProvider();
    if (global instanceof ProxyTracerProvider && global.getDelegate() === provider) otelTrace.disable();
  };
}

/** Registers `provider` as the global MeterProvider; returns what undoes it (only while it is still the global). */
export function registerMeterProvider(provider: MeterProvider): (() => void) | undefined {
  if (!otelMetrics.setGlobalMeterProvider(provider)) return undefined;
  return () => {
    if (otelMetrics.getMeterProvider() === provider) otelMetrics.disable();
  };
}

/** Registers a context manager unless one is registered; returns what undoes it. */
export function registerContextManager(create: () => ContextManager): (() => void) | undefined {
  if (globalRegistered('context')) return undefined;
  const manager = create().enable();
  if (!otelContext.setGlobalContextManager(manager)) {
    manager.disable();
    return undefined;
  }
  return () => otelContext.disable();
}

/** Registers a propagator unless one is registered; returns what undoes it. */
export function registerPropagator(create: () => TextMapPropagator): (() => void) | undefined {
  if (globalRegistered('propagation')) return undefined;
  if (!otelPropagation.setGlobalPropagator(create())) return undefined;
  return () => otelPropagation.disable();
}
