import { invalidOption } from './errors.js';

/** The part of an ioredis client slakit uses (`call`). */
export interface IoRedisLike {
  call(command: string, ...args: (string | number)[]): Promise<unknown>;
}
/** The part of a node-redis (v4+) client slakit uses (`sendCommand`). */
export interface NodeRedisLike {
  sendCommand(args: string[]): Promise<unknown>;
}
/** An ioredis or node-redis client; the host owns it (slakit never connects or quits it). */
export type RedisClientLike = IoRedisLike | NodeRedisLike;

/** Sends one raw command: `(['SET', key, value, 'NX'])`. */
export type RedisCommand = (args: (string | number)[]) => Promise<unknown>;

/**
 * Adapts an ioredis or node-redis client to one raw-command function, so slakit speaks the same commands through
 * either library.
 * @throws SlakitError `ERR_SLAKIT_INVALID_OPTION` when `client` is neither
 */
export function redisCommand(client: RedisClientLike, field = 'client'): RedisCommand {
  const c = client as Partial<IoRedisLike & NodeRedisLike> | undefined;
  if (c && typeof c.call === 'function') {
    const call = c.call.bind(c);
    return ([command, ...args]) => call(String(command), ...args);
  }
  if (c && typeof c.sendCommand === 'function') {
    const send = c.sendCommand.bind(c);
    return (args) => send(args.map(String));
  }
  throw invalidOption(field, client, 'an ioredis client (with call()) or a node-redis v4+ client (with sendCommand())');
}
