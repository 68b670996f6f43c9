import { invalidOption, loadEnvSections, validateOptions } from '@slakit/core';
import { postgresQueueProbeOptionsSchema } from './options-schema.js';
import { checkPool, type PgQueryable, tableName } from './postgres.js';
import type { QueueSnapshot } from './queue-rules.js';

/** Options of {@link postgresQueueProbe}. */
export interface PostgresQueueProbeOptions {
  table: string;
  /** Default `id`. */
  idColumn?: string;
  /** Default `created_at`. */
  createdAtColumn?: string;
  /** Default `resolved_at` (null while waiting). */
  resolvedAtColumn?: string;
  /** Extra SQL condition (trusted, written by you), e.g. `kind = 'manual'`. */
  where?: string;
  /** SLA in hours; default 24. */
  slaHours?: number;
  /** Escalation age in hours; default `MRQ_AGE_ESCALATION_HOURS` (168). */
  escalationHours?: number;
}

const COLUMN = /^[a-z_][a-z0-9_]*$/;

/**
 * A queue probe over a Postgres table: depth, average and oldest age, counts over the SLA and the escalation age,
 * resolutions in the last 24 h and the oldest ids needing escalation — in one query, on the database clock.
 * @throws SlakitError `ERR_SLAKIT_INVALID_OPTION` for a bad pool, table or column name
 */
export function postgresQueueProbe(pool: PgQueryable, options: PostgresQueueProbeOptions): () => Promise<QueueSnapshot> {
  validateOptions(postgresQueueProbeOptionsSchema, options);
  const db = checkPool('pool', pool);
  const table = tableName('table', options?.table);
  const col = (field: string, value: string) => {
    if (!COLUMN.test(value)) throw invalidOption(field, value, 'a lower-case column name');
    return value;
  };
  const id = col('idColumn', options.idColumn ?? 'id');
  const created = col('createdAtColumn', options.createdAtColumn ?? 'created_at');
  const resolved = col('resolvedAtColumn', options.resolvedAtColumn ?? 'resolved_at');
  const where = options.where ? `AND (${options.where})` : '';
  const slaHours = options.slaHours ?? 24;
  const escalationHours = options.escalationHours ?? loadEnvSections(process.env, ['queue']).queue.ageEscalationHours;
  const sql = `SELECT
  count(*) FILTER (WHERE ${resolved} IS NULL)::int AS depth,
  COALESCE(avg(extract(epoch FROM now() - ${created})) FILTER (WHERE ${resolved} IS NULL), 0)::float8 AS average_age,
  COALESCE(max(extract(epoch FROM now() - ${created})) FILTER (WHERE ${resolved} IS NULL), 0)::float8 AS oldest_age,
  count(*) FILTER (WHERE ${resolved} IS NULL AND ${created} < now() - $1 * interval '1 hour')::int AS over_sla,
  count(*) FILTER (WHERE ${resolved} IS NULL AND ${created} < now() - $2 * interval '1 hour')::int AS escalation,
  count(*) FILTER (WHERE ${resolved} >= now() - interval '1 day')::int AS resolved_per_day,
  (SELECT COALESCE(array_agg(o.${id}::text ORDER BY o.${created}), '{}') FROM (
     SELECT ${id}, ${created} FROM ${table} WHERE ${resolved} IS NULL AND ${created} < now() - $2 * interval '1 hour' ${where}
     ORDER BY ${created} LIMIT 10) o) AS oldest_ids
FROM ${table} WHERE true ${where}`;
  return async () => {
    const { rows } = await db.query(sql, [slaHours, escalationHours]);
    const r = rows[0] ?? {};
    return {
      depth: Number(r.depth ?? 0),
      averageAgeSeconds: Number(r.average_age ?? 0),
      oldestAgeSeconds: Number(r.oldest_age ?? 0),
      overSla: Number(r.over_sla ?? 0),
      requiringEscalation: Number(r.escalation ?? 0),
      resolvedPerDay: Number(r.resolved_per_day ?? 0),
      oldestIds: (r.oldest_ids as string[] | null) ?? [],
    };
  };
}
