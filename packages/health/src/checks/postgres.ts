import { invalidOption, validateOptions } from '@slakit/core';
import type { CheckOptions, HealthCheck } from '../check.js';
import { CHECK_OPTION_SCHEMAS } from '../options-schema.js';

/** The part of a `pg` Pool/Client the postgres check uses. */
export interface PgLike {
  query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

/**
 * PostgreSQL: `SELECT 1`, then (optionally) required indexes from `pg_indexes` and required tables/columns from
 * `information_schema` (seed 000 checks 1, 4, 7). Failures are codes: `ECONNREFUSED`, `AUTH_FAILED`, `TIMEOUT`,
 * `INDEX_MISSING:<name>`, `TABLE_MISSING:<name>`, `COLUMN_MISSING:<table>.<column>` — never driver messages.
 * Observed value: round-trip ms. A dependency check: readiness/startup only.
 */
export function postgres(
  pool: PgLike,
  options: CheckOptions & { requiredIndexes?: string[]; requiredTables?: { name: string; columns?: string[] }[] } = {},
): HealthCheck {
  validateOptions(CHECK_OPTION_SCHEMAS.postgres, options);
  if (!pool || typeof pool.query !== 'function') throw invalidOption('pool', pool, 'a pg Pool or Client');
  const { requiredIndexes = [], requiredTables = [], ...rest } = options;
  return {
    componentType: 'datastore',
    measurement: 'connections',
    ...rest,
    kind: 'dependency',
    async run() {
      const t = performance.now();
      await pool.query('SELECT 1');
      const ms = Math.round((performance.now() - t) * 1000) / 1000;
      if (requiredIndexes.length > 0) {
        const { rows } = await pool.query('SELECT indexname FROM pg_indexes WHERE indexname = ANY($1::text[])', [
          requiredIndexes,
        ]);
        const found = new Set(rows.map((r) => String(r.indexname)));
        const missing = requiredIndexes.find((i) => !found.has(i));
        if (missing) return { status: 'fail', output: `INDEX_MISSING:${missing}`, observedValue: ms, observedUnit: 'ms' };
      }
      for (const table of requiredTables) {
        const [schema, name] = table.name.includes('.') ? table.name.split('.', 2) : ['public', table.name];
        const { rows } = await pool.query(
          'SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2',
          [schema, name],
        );
        if (rows.length === 0)
          return { status: 'fail', output: `TABLE_MISSING:${table.name}`, observedValue: ms, observedUnit: 'ms' };
        const columns = new Set(rows.map((r) => String(r.column_name)));
        const missing = (table.columns ?? []).find((c) => !columns.has(c));
        if (missing)
          return { status: 'fail', output: `COLUMN_MISSING:${table.name}.${missing}`, observedValue: ms, observedUnit: 'ms' };
      }
      return { status: 'pass', observedValue: ms, observedUnit: 'ms' };
    },
  };
}
