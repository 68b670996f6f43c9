import { type Clock, invalidOption, type RedisClientLike, redisCommand, systemClock, validateOptions } from '@slakit/core';
import { createLease, type LeaseInfo, type LeaseStore } from './lease.js';
import { redisLeasesOptionsSchema } from './options-schema.js';

// One round trip each. Keys of one lease share a hash tag, the index is global: a single Redis primary is assumed.
const ACQUIRE = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  local fence = redis.call('INCR', KEYS[2])
  redis.call('HSET', KEYS[3], 'owner_id', ARGV[3], 'host', ARGV[4], 'pid', ARGV[5], 'fence', fence,
    'acquired_at', ARGV[6], 'heartbeat_at', ARGV[6], 'expires_at', ARGV[6] + ARGV[2], 'released', '0')
  redis.call('PEXPIRE', KEYS[3], ARGV[8])
  redis.call('ZADD', KEYS[4], ARGV[6], ARGV[7])
  return tostring(fence)
end
return false`;

const EXTEND = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  redis.call('HSET', KEYS[2], 'heartbeat_at', ARGV[3], 'expires_at', ARGV[3] + ARGV[2])
  redis.call('PEXPIRE', KEYS[2], ARGV[4])
  return 1
end
return 0`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[2], 'released', '1', 'heartbeat_at', ARGV[2], 'expires_at', ARGV[2])
  return 1
end
return 0`;

/** Options of {@link redisLeases}. */
export interface RedisLeasesOptions {
  /** Key prefix; default `slakit:lease:`. */
  prefix?: string;
  /** How long lease metadata stays listable after its last heartbeat (zombie reports), in ms; default 24 h. */
  retentionMs?: number;
  clock?: Clock;
}

/**
 * Leases on one Redis primary (ioredis or node-redis; the client is yours). Acquire is one Lua script:
 * `SET key token NX PX ttl` + `INCR` of the key's fence counter (+ owner metadata); extend is compare-and-`PEXPIRE`;
 * release is compare-and-`DEL` — never a plain `DEL`. Two round trips for a short job.
 *
 * Limits: a failover to a replica that had not yet received the `SET` can grant the lease twice — fence your
 * writes. This is deliberately not multi-node Redlock.
 * @throws SlakitError `ERR_SLAKIT_INVALID_OPTION` when `client` is not a Redis client
 */
export function redisLeases(client: RedisClientLike, options: RedisLeasesOptions = {}): LeaseStore {
  validateOptions(redisLeasesOptionsSchema, options);
  const command = redisCommand(client);
  const prefix = options.prefix ?? 'slakit:lease:';
  const retentionMs = options.retentionMs ?? 86_400_000;
  if (!Number.isInteger(retentionMs) || retentionMs <= 0)
    throw invalidOption('retentionMs', retentionMs, 'an integer number of ms > 0');
  const clock = options.clock ?? systemClock;
  const k = (key: string) => ({
    lease: `${prefix}{${key}}:lease`,
    fence: `${prefix}{${key}}:fence`,
    meta: `${prefix}{${key}}:meta`,
  });
  const index = `${prefix}index`;
  let nextToken = 0;
  return {
    kind: 'redis',
    async acquire(key, { ttlMs, owner }) {
      const keys = k(key);
      const token = `${owner.id}:${++nextToken}`;
      const requestedAt = clock.now();
      const reply = await command([
        'EVAL',
        ACQUIRE,
        4,
        keys.lease,
        keys.fence,
        keys.meta,
        index,
        token,
        ttlMs,
        owner.id,
        owner.host,
        owner.pid,
        requestedAt,
        key,
        Math.max(retentionMs, ttlMs),
      ]);
      if (reply === null || reply === undefined || reply === false) return null;
      return createLease(
        key,
        BigInt(String(reply)),
        ttlMs,
        requestedAt,
        {
          extend: async () =>
            (await command([
              'EVAL',
              EXTEND,
              2,
              keys.lease,
              keys.meta,
              token,
              ttlMs,
              clock.now(),
              Math.max(retentionMs, ttlMs),
            ])) === 1,
          release: async () => (await command(['EVAL', RELEASE, 2, keys.lease, keys.meta, token, clock.now()])) === 1,
        },
        clock,
      );
    },
    async listLeases() {
      const members = (await command(['ZRANGE', index, 0, -1])) as string[];
      const out: LeaseInfo[] = [];
      for (const key of members) {
        const keys = k(key);
        const raw = (await command(['HGETALL', keys.meta])) as string[] | Record<string, string>;
        const meta: Record<string, string> = Array.isArray(raw)
          ? Object.fromEntries(raw.flatMap((v, i, a) => (i % 2 === 0 ? [[v, a[i + 1] as string]] : [])))
          : raw;
        if (!meta.fence) {
          await command(['ZREM', index, key]);
          continue;
        }
        const pttl = Number(await command(['PTTL', keys.lease]));
        out.push({
          key,
          owner: { id: meta.owner_id ?? '', host: meta.host ?? '', pid: Number(meta.pid) },
          fence: BigInt(meta.fence),
          acquiredAt: new Date(Number(meta.acquired_at)),
          heartbeatAt: new Date(Number(meta.heartbeat_at)),
          expiresAt: new Date(Number(meta.expires_at)),
          state: meta.released === '1' ? 'released' : pttl > 0 ? 'held' : 'expired',
        });
      }
      return out;
    },
  };
}
