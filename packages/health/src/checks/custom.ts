import { invalidOption, validateOptions } from '@slakit/core';
import type { CheckOptions, CheckResult, HealthCheck } from '../check.js';
import { CHECK_OPTION_SCHEMAS } from '../options-schema.js';

/** A check from a function returning a result, a boolean, or throwing. */
export function custom(
  fn: (signal: AbortSignal) => Promise<CheckResult | boolean> | CheckResult | boolean,
  options: CheckOptions & { kind?: 'dependency' | 'local' } = {},
): HealthCheck {
  validateOptions(CHECK_OPTION_SCHEMAS.custom, options);
  if (typeof fn !== 'function') throw invalidOption('fn', fn, 'a function');
  return {
    ...options,
    async run(signal) {
      const r = await fn(signal);
      return typeof r === 'boolean' ? { status: r ? 'pass' : 'fail' } : r;
    },
  };
}
