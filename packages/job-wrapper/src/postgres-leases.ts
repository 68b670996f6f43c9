import { type Clock, systemClock, validateOptions } from '@slakit/core';
import { createLease, type LeaseStore } from './lease.js';
import { postgresLeasesOptionsSchema } from './options-schema.js';
import { checkPool, type PgQueryable, tableName } from './postgres.js';

/** DDL of the lease table (also in docs/job-wrapper.md for teams that migrate themselves). */
export function postgresLeasesDdl(table = 'slakit_leases'): string {
  return `CREATE TABLE IF NOT EXISTS ${table} (
  key          text        PRIMARY KEY,
  token        text        NOT NULL,
  fence        bigint      NOT NULL,
  owner_id     text        NOT NULL,
  owner_host   text        NOT NULL,
  owner_pid    integer     NOT NULL,
  acquired_at  timestamptz NOT NULL,
  heartbeat_at timestamptz NOT NULL,
  expires_at   timestamptz NOT NULL,
  released_at  timestamptz
)`;
}

/** Options of {@link postgresLeases}. */
export interface PostgresLeasesOptions {
  /** Lease table; default `slakit_leases`. */
  table?: string;
  clock?: Clock;
}

/** A lease store over Postgres with `ensureSchema()`. */
export interface PostgresLeaseStore extends LeaseStore {
  /** Creates the lease table if missing. */
  ensureSchema(): Promise<void>;
}

/**
 * Leases in a Postgres table, timed by the database clock (`now()`), one statement each — so it works through
 * PgBouncer in transaction mode. Acquire is `INSERT … ON CONFLICT (key) DO UPDATE … WHERE expires_at < now()
 * RETURNING fence` (the fence increments on every takeover); extend and release compare the holder's token.
 * Expired and released leases stay as rows, so zombie leases are visible (`listLeases()`).
 * @throws SlakitError `ERR_SLAKIT_INVALID_OPTION` for a pool without `query()` or a bad table name
 */
export function postgresLeases(pool: PgQueryable, options: PostgresLeasesOptions = {}): PostgresLeaseStore {
  validateOptions(postgresLeasesOptionsSchema, options);
  const db = checkPool('pool', pool);
  const table = tableName('table', options.table ?? 'slakit_leases');
  const clock = options.clock ?? systemClock;
  const acquireSql = `INSERT INTO ${table} AS l (key, token, fence, owner_id, owner_host, owner_pid, acquired_at, heartbeat_at, expires_at)
VALUES ($1, $2, 1, $3, $4, $5, now(), now(), now() + $6 * interval '1 millisecond')
ON CONFLICT (key) DO UPDATE SET token = EXCLUDED.token, fence = l.fence + 1, owner_id = EXCLUDED.owner_id,
  owner_host = EXCLUDED.owner_host, owner_pid = EXCLUDED.owner_pid, acquired_at = now(), heartbeat_at = now(),
  expires_at = EXCLUDED.expires_at, released_at = NULL
WHERE l.expires_at <= now() OR l.released_at IS NOT NULL
RETURNING fence::text AS fence`;
  const extendSql = `UPDATE ${table} SET heartbeat_at = now(), expires_at = now() + $3 * interval '1 millisecond'
WHERE key = $1 AND token = $2 AND released_at IS NULL`;
  const releaseSql = `UPDATE ${table} SET released_at = now(), heartbeat_at = now(), expires_at = now()
WHERE key = $1 AND token = $2 AND released_at IS NULL`;
  let nextToken = 0;
  return {
    kind: 'postgres',
    async ensureSchema() {
      await db.query(postgresLeasesDdl(table));
    },
    async acquire(key, { ttlMs, owner }) {
      const token = `${owner.id}:${++nextToken}`;
      const requestedAt = clock.now();
      const { rows } = await db.query(acquireSql, [key, token, owner.id, owner.host, owner.pid, ttlMs]);
      const fence = rows[0]?.fence;
      if (fence === undefined) return null;
      return createLease(
        key,
        BigInt(String(fence)),
        ttlMs,
        requestedAt,
        {
          extend: async () => (await db.query(extendSql, [key, token, ttlMs])).rowCount === 1,
          release: async () => (await db.query(releaseSql, [key, token])).rowCount === 1,
        },
        clock,
      );
    },
    async listLeases() {
      const { rows } = await db.query(
        `SELECT key, fence::text AS fence, owner_id, owner_host, owner_pid, acquired_at, heartbeat_at, expires_at,
  CASE WHEN released_at IS NOT NULL THEN 'released' WHEN expires_at > now() THEN 'held' ELSE 'expired' END AS state
FROM ${table} ORDER BY key`,
      );
      return rows.map((r) => ({
        key: String(r.key),
        owner: { id: String(r.owner_id), host: String(r.owner_host), pid: Number(r.owner_pid) },
        fence: BigInt(String(r.fence)),
        acquiredAt: new Date(r.acquired_at as string),
        heartbeatAt: new Date(r.heartbeat_at as string),
        expiresAt: new Date(r.expires_at as string),
        state: r.state as 'held' | 'expired' | 'released',
      }));
    },
  };
}
