import { describeError, withDeadline } from '@slakit/core';
import type { JobSettings } from './job-settings.js';
import type { Lease } from './lease.js';

/**
 * Takes the job's lease within `leaseTimeoutMs`: the lease, null when another holder has it, or `'unavailable'` when
 * the store failed or did not answer (logged at error; a late grant is released at once).
 */
export async function acquireLease(settings: JobSettings): Promise<Lease | null | 'unavailable'> {
  const { leases, logger, leaseTimeoutMs } = settings;
  const pending = leases.acquire(settings.leaseKey, { ttlMs: settings.ttlMs, owner: settings.owner });
  let timedOut = false;
  const lease = await withDeadline(
    pending,
    leaseTimeoutMs,
    (error) => {
      const { name, code, message } = describeError(error);
      logger.error(
        { store: leases.kind, error: { type: name, code, message } },
        `lease store ${leases.kind} failed; the job did not run`,
      );
    },
    () => {
      timedOut = true;
      logger.error(
        { store: leases.kind },
        `lease store ${leases.kind} did not answer in ${leaseTimeoutMs} ms; the job did not run`,
      );
    },
  );
  if (timedOut) {
    // A late grant must not hold the lease for a run that will never happen.
    pending.then(
      (late) => late?.release(),
      () => {},
    );
    return 'unavailable';
  }
  return lease === undefined ? 'unavailable' : lease;
}
