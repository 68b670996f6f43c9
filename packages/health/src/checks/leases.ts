import { invalidOption, validateOptions } from '@slakit/core';
import type { CheckOptions, CheckResult, HealthCheck } from '../check.js';
import { CHECK_OPTION_SCHEMAS } from '../options-schema.js';

/** Anything with `listLeases()` (a job-wrapper LeaseStore): no import of job-wrapper needed. */
export interface LeaseLister {
  listLeases(): Promise<{ key: string; state: string; heartbeatAt: Date; owner: { host: string; pid: number } }[]>;
}

/**
 * Stale ("zombie") leases (seed check 8): leases that expired without being released, or are held with a heartbeat
 * older than `maxAgeSeconds` (default 300). Warns with `STALE_LEASES:<n>` (degraded by default).
 */
export function staleLeases(
  store: LeaseLister,
  options: CheckOptions & { maxAgeSeconds?: number; now?: () => number } = {},
): HealthCheck {
  validateOptions(CHECK_OPTION_SCHEMAS.staleLeases, options);
  if (!store || typeof store.listLeases !== 'function') throw invalidOption('store', store, 'an object with listLeases()');
  const { maxAgeSeconds = 300, now = Date.now, ...rest } = options;
  return {
    componentType: 'component',
    measurement: 'staleLeases',
    severity: 'degraded',
    ...rest,
    async run(): Promise<CheckResult> {
      const leases = await store.listLeases();
      const t = now();
      const stale = leases.filter(
        (l) => l.state === 'expired' || (l.state === 'held' && t - l.heartbeatAt.getTime() > maxAgeSeconds * 1000),
      );
      return stale.length === 0
        ? { status: 'pass', observedValue: 0, observedUnit: 'leases' }
        : { status: 'fail', observedValue: stale.length, observedUnit: 'leases', output: `STALE_LEASES:${stale.length}` };
    },
  };
}
