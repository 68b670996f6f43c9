import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { invalidOption, validateOptions } from '@slakit/core';
import type { CheckOptions, HealthCheck } from '../check.js';
import { CHECK_OPTION_SCHEMAS } from '../options-schema.js';

/** Event-loop delay (p99 since the last run, ms): warn above `warnMs` (100), fail above `failMs` (1000). A liveness check. */
export function eventLoopDelay(options: CheckOptions & { warnMs?: number; failMs?: number } = {}): HealthCheck {
  validateOptions(CHECK_OPTION_SCHEMAS.eventLoopDelay, options);
  const { warnMs = 100, failMs = 1000, ...rest } = options;
  let histogram: IntervalHistogram | undefined;
  return {
    componentType: 'system',
    measurement: 'eventLoopDelay',
    roles: ['liveness'],
    ...rest,
    run() {
      if (!histogram) {
        histogram = monitorEventLoopDelay({ resolution: 20 });
        histogram.enable();
        return { status: 'pass', observedValue: 0, observedUnit: 'ms' };
      }
      const p99 = Math.round((histogram.percentile(99) / 1e6) * 100) / 100;
      histogram.reset();
      const status = p99 > failMs ? 'fail' : p99 > warnMs ? 'warn' : 'pass';
      return status === 'pass'
        ? { status, observedValue: p99, observedUnit: 'ms' }
        : { status, observedValue: p99, observedUnit: 'ms', output: 'EVENT_LOOP_DELAY_HIGH' };
    },
  };
}

/** Heap used / heap limit: warn above `heapRatioWarn` (0.85), fail above `heapRatioFail` (0.95). A liveness check. */
export function memory(options: CheckOptions & { heapRatioWarn?: number; heapRatioFail?: number } = {}): HealthCheck {
  validateOptions(CHECK_OPTION_SCHEMAS.memory, options);
  const { heapRatioWarn = 0.85, heapRatioFail = 0.95, ...rest } = options;
  if (!(heapRatioWarn < heapRatioFail))
    throw invalidOption(
      'heapRatioWarn',
      heapRatioWarn,
      `a ratio lower than heapRatioFail (${heapRatioFail})`,
      'ERR_SLAKIT_THRESHOLD_ORDER',
    );
  return {
    componentType: 'system',
    measurement: 'heapUsage',
    roles: ['liveness'],
    ...rest,
    run() {
      const h = getHeapStatistics();
      const ratio = Math.round((h.used_heap_size / h.heap_size_limit) * 10000) / 10000;
      const status = ratio > heapRatioFail ? 'fail' : ratio > heapRatioWarn ? 'warn' : 'pass';
      return status === 'pass'
        ? { status, observedValue: ratio, observedUnit: 'ratio' }
        : { status, observedValue: ratio, observedUnit: 'ratio', output: 'HEAP_HIGH' };
    },
  };
}
