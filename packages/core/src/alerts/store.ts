import { invalidOption } from '../errors.js';
import { type RedisClientLike, redisCommand } from '../redis.js';
import { validateOptions } from '../validation/options.js';
import { SINK_OPTION_SCHEMAS } from '../validation/schemas.js';

/**
 * Shared dedup state: several alerters (replicas of one service) claim the right to send a notification; only the
 * first claim of a key inside its window wins.
 */
export interface AlertStore {
  /** True when this caller claimed `key` for `ttlMs`; false when another claim holds it. May reject (the alerter then sends anyway and logs). */
  claim(key: string, ttlMs: number): Promise<boolean>;
}

/** In-process store: shares dedup between alerters of one process. Bounded to `maxKeys` (default 10000). */
export function memoryAlertStore(options: { maxKeys?: number; now?: () => number } = {}): AlertStore {
  validateOptions(SINK_OPTION_SCHEMAS.memoryAlertStore, options);
  const now = options.now ?? Date.now;
  const maxKeys = options.maxKeys ?? 10_000;
  const expiries = new Map<string, number>();
  return {
    async claim(key, ttlMs) {
      const t = now();
      const until = expiries.get(key);
      if (until !== undefined && until > t) return false;
      if (expiries.size >= maxKeys) {
        for (const [k, v] of expiries) if (v <= t) expiries.delete(k);
        if (expiries.size >= maxKeys) expiries.delete(expiries.keys().next().value as string);
      }
      expiries.set(key, t + ttlMs);
      return true;
    },
  };
}

/** Options of {@link redisAlertStore}. */
export interface RedisAlertStoreOptions {
  /** Key prefix; default `slakit:alert:`. */
  prefix?: string;
}

/**
 * Redis-backed store (ioredis or node-redis): one `SET key owner PX ttl NX` per claim, so N replicas of a service
 * notify once per window. The client is the host's; slakit never connects or closes it.
 * @throws SlakitError `ERR_SLAKIT_INVALID_OPTION` when `client` is not a Redis client
 */
export function redisAlertStore(client: RedisClientLike, options: RedisAlertStoreOptions = {}): AlertStore {
  validateOptions(SINK_OPTION_SCHEMAS.redisAlertStore, options);
  const command = redisCommand(client);
  const prefix = options.prefix ?? 'slakit:alert:';
  if (typeof prefix !== 'string') throw invalidOption('prefix', prefix, 'a string');
  const owner = globalThis.crypto.randomUUID(); // the global Web Crypto: node:crypto loads on first use, not at import
  return {
    async claim(key, ttlMs) {
      const reply = await command(['SET', `${prefix}${key}`, owner, 'PX', Math.max(1, Math.round(ttlMs)), 'NX']);
      return reply === 'OK';
    },
  };
}
