import { type Clock, systemClock, validateOptions } from '@slakit/core';
import { createLease, type LeaseInfo, type LeaseStore } from './lease.js';
import { memoryLeasesOptionsSchema } from './options-schema.js';

interface Entry extends Omit<LeaseInfo, 'state' | 'acquiredAt' | 'heartbeatAt' | 'expiresAt'> {
  token: number;
  acquiredAt: number;
  heartbeatAt: number;
  expiresAt: number;
  released: boolean;
}

/**
 * In-process leases. **Single process only**: two processes (or two replicas) each have their own and do not
 * exclude each other — use `redisLeases` or `postgresLeases` there. Fences increase per key for the life of the
 * store. Bounded: released and expired entries beyond `maxKeys` (default 10000) are forgotten oldest first.
 */
export function memoryLeases(options: { clock?: Clock; maxKeys?: number } = {}): LeaseStore {
  validateOptions(memoryLeasesOptionsSchema, options);
  const clock = options.clock ?? systemClock;
  const maxKeys = options.maxKeys ?? 10_000;
  const entries = new Map<string, Entry>();
  const fences = new Map<string, bigint>();
  let nextToken = 1;
  const held = (e: Entry | undefined, now: number) => e !== undefined && !e.released && e.expiresAt > now;
  return {
    kind: 'memory',
    async acquire(key, { ttlMs, owner }) {
      const now = clock.now();
      if (held(entries.get(key), now)) return null;
      const fence = (fences.get(key) ?? 0n) + 1n;
      fences.set(key, fence);
      const token = nextToken++;
      entries.delete(key);
      entries.set(key, { key, owner, fence, token, acquiredAt: now, heartbeatAt: now, expiresAt: now + ttlMs, released: false });
      if (entries.size > maxKeys) {
        for (const [k, e] of entries) {
          if (entries.size <= maxKeys) break;
          if (!held(e, now)) entries.delete(k);
        }
      }
      const mine = () => {
        const e = entries.get(key);
        return e && e.token === token ? e : undefined;
      };
      return createLease(
        key,
        fence,
        ttlMs,
        now,
        {
          async extend() {
            const e = mine();
            if (!e || e.released) return false;
            const t = clock.now();
            e.heartbeatAt = t;
            e.expiresAt = t + ttlMs;
            return true;
          },
          async release() {
            const e = mine();
            if (!e || e.released) return false;
            const t = clock.now();
            e.released = true;
            e.expiresAt = t;
            e.heartbeatAt = t;
            return true;
          },
        },
        clock,
      );
    },
    async listLeases() {
      const now = clock.now();
      return [...entries.values()].map((e) => ({
        key: e.key,
        owner: e.owner,
        fence: e.fence,
        acquiredAt: new Date(e.acquiredAt),
        heartbeatAt: new Date(e.heartbeatAt),
        expiresAt: new Date(e.expiresAt),
        state: e.released ? 'released' : e.expiresAt > now ? 'held' : 'expired',
      }));
    },
  };
}
