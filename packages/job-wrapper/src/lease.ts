import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Clock } from '@slakit/core';

/** Who holds a lease: recorded with every lease so stale ("zombie") leases can be traced to a host and process. */
export interface LeaseOwner {
  /** Unique id of the holder (one per process and wrapper by default). */
  id: string;
  host: string;
  pid: number;
}

/** A held lease. */
export interface Lease {
  readonly key: string;
  /** Monotonically increasing per key across all holders: guard writes with it (see the fencing recipe). */
  readonly fence: bigint;
  /** Local validity deadline (epoch ms): computed from the time *before* the request, minus a drift margin. */
  readonly expiresAt: number;
  /** Aborted when the lease is lost (a renewal was refused, or the validity deadline passed without one). */
  readonly signal: AbortSignal;
  /** Renews the lease for another TTL; false (and `signal` aborted) when it was lost. Never rejects. */
  extend(): Promise<boolean>;
  /** Releases the lease if still held (compare-and-delete); false when it was no longer ours. Never rejects. */
  release(): Promise<boolean>;
}

/** A lease as listed by `listLeases()`, for zombie detection. */
export interface LeaseInfo {
  key: string;
  owner: LeaseOwner;
  fence: bigint;
  acquiredAt: Date;
  heartbeatAt: Date;
  expiresAt: Date;
  /** `held`: valid now; `expired`: its holder stopped renewing without releasing (a zombie, or a crashed holder); `released`. */
  state: 'held' | 'expired' | 'released';
}

/** Options of `acquire()`. */
export interface AcquireOptions {
  ttlMs: number;
  owner: LeaseOwner;
}

/** One interface, several stores: memory (single process), Redis (single primary), Postgres (lease table), Postgres advisory locks. */
export interface LeaseStore {
  /** Store name, e.g. `redis`; used in logs and benchmarks. */
  readonly kind: string;
  /** Takes the lease, or resolves null when another holder has it. Rejects only when the store is unreachable. */
  acquire(key: string, options: AcquireOptions): Promise<Lease | null>;
  /** Every lease the store knows, held or not (expired leases stay visible where the store keeps them). */
  listLeases(): Promise<LeaseInfo[]>;
}

/** The default owner of this process: host name, pid and a random id. */
export function defaultOwner(): LeaseOwner {
  return { id: randomUUID(), host: hostname(), pid: process.pid };
}

/** Clock drift margin for a TTL, as in Redlock: 1 % of the TTL plus 2 ms. */
export function driftMs(ttlMs: number): number {
  return Math.round(ttlMs * 0.01) + 2;
}

/** Primitive operations of a store for one held lease. */
export interface LeaseOps {
  /** Renews; resolves false when the lease is no longer ours; rejects when the store cannot answer. */
  extend(): Promise<boolean>;
  /** Releases; resolves false when it was no longer ours. */
  release(): Promise<boolean>;
}

/**
 * Builds a {@link Lease} over a store's primitives: keeps the validity deadline (time before the request + TTL −
 * drift), aborts `signal` when a renewal is refused or the deadline passes, and never rejects.
 */
export function createLease(
  key: string,
  fence: bigint,
  ttlMs: number,
  requestedAt: number,
  ops: LeaseOps,
  clock: Pick<Clock, 'now' | 'setTimeout' | 'clearTimeout'>,
  /** Lets a store report a loss it learns of by itself (e.g. its connection ended). */
  watch?: (lose: (reason: string) => void) => void,
): Lease {
  const controller = new AbortController();
  let expiresAt = requestedAt + ttlMs - driftMs(ttlMs);
  let released = false;
  let timer: ReturnType<Clock['setTimeout']> | undefined;
  const lose = (reason: string) => {
    clock.clearTimeout(timer);
    if (!controller.signal.aborted)
      controller.abort(Object.assign(new Error(`lease ${key} lost: ${reason}`), { name: 'LeaseLostError', code: reason }));
  };
  const arm = () => {
    clock.clearTimeout(timer);
    timer = clock.setTimeout(() => lose('EXPIRED'), Math.max(0, expiresAt - clock.now()));
  };
  arm();
  watch?.(lose);
  return {
    key,
    fence,
    get expiresAt() {
      return expiresAt;
    },
    signal: controller.signal,
    async extend() {
      if (controller.signal.aborted || released) return false;
      const before = clock.now();
      try {
        const ok = await ops.extend();
        if (!ok) {
          lose('REFUSED');
          return false;
        }
        if (controller.signal.aborted) return false;
        expiresAt = before + ttlMs - driftMs(ttlMs);
        arm();
        return true;
      } catch {
        // The store did not answer: keep the old deadline; the timer aborts if it passes without a renewal.
        return false;
      }
    },
    async release() {
      if (released) return false;
      released = true;
      clock.clearTimeout(timer);
      const wasValid = !controller.signal.aborted;
      try {
        const ok = await ops.release();
        return ok && wasValid;
      } catch {
        return false;
      }
    },
  };
}
