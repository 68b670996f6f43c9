import { invalidOption, validateOptions } from '@slakit/core';
import type { CheckOptions, HealthCheck } from '../check.js';
import { CHECK_OPTION_SCHEMAS } from '../options-schema.js';

/** Required environment variables (names reported, values never): `ENV_MISSING:<NAME>`, `ENV_INVALID:<NAME>`. */
export function env(
  names: string[],
  options: CheckOptions & {
    formats?: Record<string, 'url' | 'nonEmpty' | RegExp>;
    source?: Record<string, string | undefined>;
  } = {},
): HealthCheck {
  validateOptions(CHECK_OPTION_SCHEMAS.env, options);
  if (!Array.isArray(names) || names.some((n) => typeof n !== 'string' || n === ''))
    throw invalidOption('names', names, 'an array of variable names');
  const { formats = {}, source, ...rest } = options;
  return {
    componentType: 'system',
    measurement: 'variables',
    ...rest,
    run() {
      const vars = source ?? process.env;
      for (const name of names) {
        const v = vars[name];
        if (v === undefined || v === '') return { status: 'fail', output: `ENV_MISSING:${name}` };
        const f = formats[name];
        let valid = true;
        if (f === 'url') {
          try {
            new URL(v);
          } catch {
            valid = false;
          }
        } else if (f instanceof RegExp) valid = f.test(v);
        if (!valid) return { status: 'fail', output: `ENV_INVALID:${name}` };
      }
      return { status: 'pass', observedValue: names.length, observedUnit: 'variables' };
    },
  };
}
