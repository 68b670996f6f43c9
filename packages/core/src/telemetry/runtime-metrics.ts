// Runtime metrics (seed 001: CPU, memory, event loop, GC), recorded by OpenTelemetry's own libraries into slakit's
// meter: `@opentelemetry/instrumentation-runtime-node` (event loop, heap, GC) and
// `@opentelemetry/instrumentation-host-metrics` (process CPU and memory), both optional peer dependencies loaded only
// when a group that needs them is on. The libraries are handed a meter that keeps only the instruments of the groups
// switched on (runtime-node has no per-collector switch) and gives process CPU utilization and memory usage the
// semconv units the library leaves out, so that they are exposed with Prometheus suffixes.
import { createNoopMeter, type Meter, type MeterProvider, type MetricOptions, ValueType } from '@opentelemetry/api';
import { RUNTIME_METRIC_GROUPS, RUNTIME_METRICS, type RuntimeMetricGroup } from '../catalogue/metrics-runtime.js';
import { loadHostMetrics, loadRuntimeNode, loadV8 } from '../deps.js';
import { invalidOption } from '../errors.js';
import type { Lifecycle } from './lifecycle.js';
import type { RuntimeMetricsOptions } from './types.js';

const GROUPS = Object.keys(RUNTIME_METRIC_GROUPS) as RuntimeMetricGroup[];
const DEFS = Object.values(RUNTIME_METRICS);

/** The groups switched on by a `runtimeMetrics` option (`true`: all; an object: all but those set to `false`). */
export function runtimeGroups(option: boolean | RuntimeMetricsOptions | undefined): Set<RuntimeMetricGroup> {
  if (!option) return new Set();
  if (option === true) return new Set(GROUPS);
  return new Set(GROUPS.filter((g) => option[g] !== false));
}

type Create = (name: string, options?: MetricOptions) => unknown;

/** A meter that creates only the instruments of `groups` (others are no-ops), with the catalogue's units. */
export function groupMeter(meter: Meter, groups: ReadonlySet<RuntimeMetricGroup>): Meter {
  const noop = createNoopMeter();
  const byName = new Map<string, (typeof DEFS)[number]>(DEFS.map((d) => [d.otel, d]));
  const wrap =
    (key: keyof Meter): Create =>
    (name, options) => {
      const def = byName.get(name);
      if (!def || !groups.has(def.group)) return (noop[key] as Create).call(noop, name, options);
      return (meter[key] as Create).call(meter, name, { ...options, unit: def.unit });
    };
  return {
    createGauge: wrap('createGauge'),
    createHistogram: wrap('createHistogram'),
    createCounter: wrap('createCounter'),
    createUpDownCounter: wrap('createUpDownCounter'),
    createObservableGauge: wrap('createObservableGauge'),
    createObservableCounter: wrap('createObservableCounter'),
    createObservableUpDownCounter: wrap('createObservableUpDownCounter'),
    addBatchObservableCallback: (cb, observables) => meter.addBatchObservableCallback(cb, observables),
    removeBatchObservableCallback: (cb, observables) => meter.removeBatchObservableCallback(cb, observables),
  } as Meter;
}

function requireLibrary<T>(group: RuntimeMetricGroup, explicit: boolean, load: () => T): T {
  try {
    return load();
  } catch (error) {
    const library = RUNTIME_METRIC_GROUPS[group];
    throw invalidOption(
      explicit ? `runtimeMetrics.${group}` : 'runtimeMetrics',
      explicit ? true : 'true',
      `false, or with ${library} installed (${(error as { code?: string }).code ?? 'not loadable'})`,
    );
  }
}

/**
 * Loads the libraries of the groups `option` switches on — synchronously, before anything is started, so a missing
 * one is reported by the factory call — and returns the function that starts them on a meter (undefined: no group
 * on). The lifecycle's cleanups (`shutdown()`) stop them.
 * @throws SlakitError `ERR_SLAKIT_INVALID_OPTION` when a group is on and its library is not installed
 */
export function prepareRuntimeMetrics(
  option: boolean | RuntimeMetricsOptions | undefined,
): ((meter: Meter, lifecycle: Lifecycle) => void) | undefined {
  const groups = runtimeGroups(option);
  if (groups.size === 0) return undefined;
  const explicit = (g: RuntimeMetricGroup) => typeof option === 'object' && option[g] === true;
  const nodeGroups = (['eventLoop', 'heap', 'gc'] as const).filter((g) => groups.has(g));
  const hostGroups = (['cpu', 'memory'] as const).filter((g) => groups.has(g));
  const runtimeNode = nodeGroups[0] && requireLibrary(nodeGroups[0], explicit(nodeGroups[0]), loadRuntimeNode);
  const hostMetrics = hostGroups[0] && requireLibrary(hostGroups[0], explicit(hostGroups[0]), loadHostMetrics);
  const resolution = (typeof option === 'object' ? option.eventLoopResolutionMs : undefined) ?? 10;
  return (meter, lifecycle) => {
    try {
      start(meter, lifecycle);
    } catch (error) {
      lifecycle.report('runtimeMetrics.start', error); // never the host's problem
    }
  };
  function start(meter: Meter, lifecycle: Lifecycle): void {
    const filtered = groupMeter(meter, groups);
    const provider: MeterProvider = { getMeter: () => filtered };
    if (runtimeNode) {
      // Enabled from the constructor (its collectors read `config.enabled`); it creates its instruments only once a
      // meter provider is set, never on the global one.
      const instrumentation = new runtimeNode.RuntimeNodeInstrumentation({ monitoringPrecision: resolution });
      instrumentation.setMeterProvider(provider);
      lifecycle.cleanups.push(() => instrumentation.disable());
    }
    if (groups.has('heap')) heapLimit(filtered);
    if (hostMetrics) {
      // Disabled until its meter provider is set: enabled from the constructor it would register on the global one.
      const instrumentation = new hostMetrics.HostMetricsInstrumentation({
        enabled: false,
        metricGroups: hostGroups.map((g) => (g === 'cpu' ? 'process.cpu' : 'process.memory')),
      });
      instrumentation.setMeterProvider(provider);
      instrumentation.enable();
      lifecycle.cleanups.push(() => instrumentation.disable());
    }
  }
}

/** The V8 heap limit, which runtime-node does not record (the `HeapUsageHigh` rule divides by it). */
function heapLimit(meter: Meter): void {
  const def = RUNTIME_METRICS.runtimeHeapSizeLimit;
  const v8 = loadV8();
  meter
    .createObservableGauge(def.otel, { description: def.help, unit: def.unit, valueType: ValueType.INT })
    .addCallback((result) => result.observe(v8.getHeapStatistics().heap_size_limit));
}
