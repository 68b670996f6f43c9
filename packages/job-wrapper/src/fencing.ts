import { type RedisClientLike, redisCommand } from '@slakit/core';

/**
 * The Redis side of the fencing recipe: sets `field` of hash `key` only when `fence` is higher than the fence that
 * last wrote it (kept in the hash's `_fence` field), in one atomic script. A stale holder — one whose lease was
 * taken over while it was paused — gets `false` and its write is dropped.
 *
 * SQL equivalent: `UPDATE t SET …, last_fence = $fence WHERE id = $id AND last_fence < $fence`.
 */
export async function redisFencedHset(
  client: RedisClientLike,
  key: string,
  field: string,
  value: string,
  fence: bigint,
): Promise<boolean> {
  const reply = await redisCommand(client)([
    'EVAL',
    `if tonumber(redis.call('HGET', KEYS[1], '_fence') or '-1') < tonumber(ARGV[3]) then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2], '_fence', ARGV[3])
  return 1
end
return 0`,
    1,
    key,
    field,
    value,
    fence.toString(),
  ]);
  return reply === 1;
}
