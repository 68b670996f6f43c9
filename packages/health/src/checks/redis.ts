import { type RedisClientLike, redisCommand, validateOptions } from '@slakit/core';
import type { CheckOptions, HealthCheck } from '../check.js';
import { CHECK_OPTION_SCHEMAS } from '../options-schema.js';

/**
 * Redis (ioredis or node-redis): `PING`; with `lockRoundTrip`, also takes and releases a probe lock
 * (`SET key token NX PX` + compare-and-delete) — "can acquire/release locks". Observed value: round-trip ms.
 */
export function redis(
  client: RedisClientLike,
  options: CheckOptions & { lockRoundTrip?: boolean; probeKey?: string } = {},
): HealthCheck {
  validateOptions(CHECK_OPTION_SCHEMAS.redis, options);
  const command = redisCommand(client);
  const { lockRoundTrip = false, probeKey = 'slakit:health:probe', ...rest } = options;
  return {
    componentType: 'datastore',
    measurement: 'responseTime',
    ...rest,
    kind: 'dependency',
    async run() {
      const t = performance.now();
      const pong = await command(['PING']);
      if (pong !== 'PONG') return { status: 'fail', output: 'UNEXPECTED_REPLY' };
      if (lockRoundTrip) {
        const token = `${process.pid}:${Date.now()}:${Math.random()}`;
        const key = `${probeKey}:${process.pid}`;
        if ((await command(['SET', key, token, 'NX', 'PX', 5000])) !== 'OK')
          return { status: 'fail', output: 'LOCK_UNAVAILABLE' };
        const released = await command([
          'EVAL',
          "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
          1,
          key,
          token,
        ]);
        if (released !== 1) return { status: 'fail', output: 'LOCK_RELEASE_FAILED' };
      }
      return { status: 'pass', observedValue: Math.round((performance.now() - t) * 1000) / 1000, observedUnit: 'ms' };
    },
  };
}
