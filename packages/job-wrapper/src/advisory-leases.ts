import { type Clock, invalidOption, systemClock, validateOptions } from '@slakit/core';
import { createLease, type LeaseInfo, type LeaseStore } from './lease.js';
import { postgresAdvisoryLeasesOptionsSchema } from './options-schema.js';
import { type PgQueryable, tableName } from './postgres.js';

/** A dedicated, unpooled `pg` Client (connected). */
export interface PgSessionClient extends PgQueryable {
  end(): Promise<void>;
  on(event: 'error' | 'end', listener: (...args: unknown[]) => void): unknown;
  removeListener(event: 'error' | 'end', listener: (...args: unknown[]) => void): unknown;
}

/** Options of {@link postgresAdvisoryLeases}. */
export interface PostgresAdvisoryLeasesOptions {
  /** Table holding the fence counter per key; default `slakit_advisory_fences`. */
  fenceTable?: string;
  clock?: Clock;
}

/** An advisory-lock store with `ensureSchema()`. */
export interface PostgresAdvisoryLeaseStore extends LeaseStore {
  ensureSchema(): Promise<void>;
}

/**
 * **Opt-in** leases on Postgres session advisory locks. Each acquire opens a dedicated connection with `connect()`
 * (never a pooled one: a pooler such as PgBouncer in transaction mode would silently lose the lock) and holds it for
 * the run; the connection's `error`/`end` aborts the run, and `pg_advisory_unlock` returning false is a lost lease.
 * Fences come from a counter table. Prefer `postgresLeases` (a lease table) unless you need lock semantics.
 */
export function postgresAdvisoryLeases(
  connect: () => Promise<PgSessionClient>,
  options: PostgresAdvisoryLeasesOptions = {},
): PostgresAdvisoryLeaseStore {
  if (typeof connect !== 'function')
    throw invalidOption('connect', connect, 'a function returning a dedicated, unpooled pg Client (() => Promise<Client>)');
  validateOptions(postgresAdvisoryLeasesOptionsSchema, options);
  const fenceTable = tableName('fenceTable', options.fenceTable ?? 'slakit_advisory_fences');
  const clock = options.clock ?? systemClock;
  const lockId = 'hashtextextended($1, 0)';
  const withClient = async <T>(fn: (c: PgSessionClient) => Promise<T>): Promise<T> => {
    const c = await connect();
    try {
      return await fn(c);
    } finally {
      await c.end().catch(() => {});
    }
  };
  return {
    kind: 'postgres-advisory',
    ensureSchema: () =>
      withClient(
        async (c) =>
          void (await c.query(`CREATE TABLE IF NOT EXISTS ${fenceTable} (key text PRIMARY KEY, fence bigint NOT NULL)`)),
      ),
    async acquire(key, { ttlMs, owner }) {
      const requestedAt = clock.now();
      const client = await connect();
      const onError = () => {};
      client.on('error', onError);
      try {
        const { rows } = await client.query(`SELECT pg_try_advisory_lock(${lockId}) AS ok`, [key]);
        if (rows[0]?.ok !== true) {
          client.removeListener('error', onError);
          await client.end().catch(() => {});
          return null;
        }
        const fenceRows = await client.query(
          `INSERT INTO ${fenceTable} AS f (key, fence) VALUES ($1, 1) ON CONFLICT (key) DO UPDATE SET fence = f.fence + 1 RETURNING fence::text AS fence`,
          [key],
        );
        // Visible in pg_stat_activity, so listLeases() can name the holder.
        await client.query(`SELECT set_config('application_name', $1, false)`, [
          `slakit:${owner.host}:${owner.pid}:${key}`.slice(0, 63),
        ]);
        let ended = false;
        const finish = async () => {
          if (ended) return;
          ended = true;
          await client.end().catch(() => {});
          client.removeListener('error', onError);
        };
        return createLease(
          key,
          BigInt(String(fenceRows.rows[0]?.fence)),
          ttlMs,
          requestedAt,
          {
            extend: async () => (await client.query('SELECT 1 AS ok')).rows[0]?.ok === 1,
            release: async () => {
              try {
                const { rows: r } = await client.query(`SELECT pg_advisory_unlock(${lockId}) AS ok`, [key]);
                return r[0]?.ok === true;
              } finally {
                await finish();
              }
            },
          },
          clock,
          (lose) => {
            client.on('error', () => lose('CONNECTION_ERROR'));
            client.on('end', () => {
              if (!ended) lose('CONNECTION_ENDED');
            });
          },
        );
      } catch (error) {
        client.removeListener('error', onError);
        await client.end().catch(() => {});
        throw error;
      }
    },
    listLeases: () =>
      withClient(async (c) => {
        const { rows } = await c.query(
          `SELECT a.application_name, a.backend_start, a.state_change, f.fence::text AS fence
FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
LEFT JOIN ${fenceTable} f ON f.key = substring(a.application_name from '^slakit:[^:]*:[^:]*:(.*)$')
WHERE l.locktype = 'advisory' AND l.granted AND a.application_name LIKE 'slakit:%'`,
        );
        return rows.map((r): LeaseInfo => {
          const [, host = '', pid = '0', ...rest] = String(r.application_name).split(':');
          return {
            key: rest.join(':'),
            owner: { id: `${host}:${pid}`, host, pid: Number(pid) },
            fence: BigInt(String(r.fence ?? '0')),
            acquiredAt: new Date(r.backend_start as string),
            heartbeatAt: new Date(r.state_change as string),
            expiresAt: new Date(8.64e15),
            state: 'held',
          };
        });
      }),
  };
}
