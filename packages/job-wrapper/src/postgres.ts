import { invalidOption } from '@slakit/core';

/** The part of a `pg` Pool or Client slakit uses (`query`); the pool is yours, slakit never ends it. */
export interface PgQueryable {
  query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[]; rowCount: number | null }>;
}

/** Checks a table name: `name` or `schema.name`, lower-case identifiers. */
export function tableName(field: string, value: unknown): string {
  if (typeof value !== 'string' || !/^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/.test(value)) {
    throw invalidOption(field, value, 'a table name like slakit_leases or ops.slakit_leases (lower-case identifiers)');
  }
  return value;
}

export function checkPool(field: string, pool: unknown): PgQueryable {
  if (!pool || typeof (pool as PgQueryable).query !== 'function') {
    throw invalidOption(field, pool, 'a pg Pool or Client (an object with query())');
  }
  return pool as PgQueryable;
}
