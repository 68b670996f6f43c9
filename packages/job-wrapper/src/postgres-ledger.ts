import { safeText, validateOptions } from '@slakit/core';
import type { RunLedger } from './ledger.js';
import { postgresLedgerOptionsSchema } from './options-schema.js';
import { checkPool, type PgQueryable, tableName } from './postgres.js';
import type { AttemptRecord, RunRecord } from './types.js';

/** DDL of the Postgres run ledger (also in the README for teams that migrate themselves). */
export function postgresLedgerDdl(table = 'slakit_job_runs'): string {
  const index = table.replace('.', '_');
  return `CREATE TABLE IF NOT EXISTS ${table} (
  run_id           uuid        PRIMARY KEY,
  job              text        NOT NULL,
  slot             timestamptz,
  fence            bigint,
  owner            text,
  outcome          text        NOT NULL,
  started_at       timestamptz NOT NULL,
  finished_at      timestamptz,
  duration_seconds double precision NOT NULL DEFAULT 0,
  budget_seconds   double precision NOT NULL,
  processed        bigint      NOT NULL DEFAULT 0,
  error_code       text,
  error_message    varchar(500),
  dry_run          boolean     NOT NULL DEFAULT false,
  attempts         integer     NOT NULL DEFAULT 1
);
ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS attempts integer NOT NULL DEFAULT 1;
CREATE TABLE IF NOT EXISTS ${table}_attempts (
  run_id           uuid        NOT NULL,
  attempt          integer     NOT NULL,
  job              text        NOT NULL,
  outcome          text        NOT NULL,
  started_at       timestamptz NOT NULL,
  finished_at      timestamptz NOT NULL,
  duration_seconds double precision NOT NULL,
  error_code       text,
  error_message    varchar(500),
  retry_delay_ms   double precision,
  PRIMARY KEY (run_id, attempt)
);
CREATE INDEX IF NOT EXISTS ${index}_attempts_job_finished_idx ON ${table}_attempts (job, finished_at DESC);
CREATE UNIQUE INDEX IF NOT EXISTS ${index}_slot_uq ON ${table} (job, slot)
  WHERE slot IS NOT NULL AND outcome NOT IN ('skipped_locked', 'skipped_overlap');
CREATE INDEX IF NOT EXISTS ${index}_job_finished_idx ON ${table} (job, finished_at DESC);
CREATE INDEX IF NOT EXISTS ${index}_job_started_idx ON ${table} (job, started_at DESC)`;
}

/** A Postgres ledger with `ensureSchema()`. */
export interface PostgresLedger extends Omit<RunLedger, 'recordAttempt' | 'attempts' | 'retryRate'> {
  ensureSchema(): Promise<void>;
  recordAttempt: NonNullable<RunLedger['recordAttempt']>;
  attempts: NonNullable<RunLedger['attempts']>;
  retryRate: NonNullable<RunLedger['retryRate']>;
}

const COLS =
  'run_id, job, slot, fence, owner, outcome, started_at, finished_at, duration_seconds, budget_seconds, processed, error_code, error_message, dry_run, attempts';
const VALUE_PARAMS = Array.from({ length: 15 }, (_, i) => `$${i + 1}`).join(', ');
const EXECUTED_WHERE = `job = $1 AND outcome NOT IN ('skipped_locked', 'skipped_overlap', 'running')`;

// Postgres text refuses NUL (error 22021, which left a run `running`); lone surrogates are made well-formed too.
const text = (v: string | undefined, max: number) => (v === undefined || v === null ? null : safeText(String(v), max));
const num = (v: unknown) => (v === null || v === undefined ? undefined : Number(v));

/** The query parameters of one record, in `COLS` order. */
function valuesOf(r: RunRecord): unknown[] {
  return [
    r.runId,
    r.job,
    r.slot ?? null,
    r.fence?.toString() ?? null,
    text(r.owner, 1000),
    r.outcome,
    r.startedAt,
    r.finishedAt ?? null,
    r.durationSeconds,
    r.budgetSeconds,
    r.processed,
    text(r.errorCode, 200),
    text(r.errorMessage, 500),
    r.dryRun,
    Math.max(0, Math.min(2_147_483_647, Math.trunc(r.attempts ?? 1))),
  ];
}

/** A table row as a record. */
function recordOfRow(r: Record<string, unknown>): RunRecord {
  return {
    runId: String(r.run_id),
    job: String(r.job),
    slot: r.slot ? new Date(r.slot as string) : undefined,
    fence: r.fence === null || r.fence === undefined ? undefined : BigInt(String(r.fence)),
    owner: (r.owner as string | null) ?? undefined,
    outcome: r.outcome as RunRecord['outcome'],
    startedAt: new Date(r.started_at as string),
    finishedAt: r.finished_at ? new Date(r.finished_at as string) : undefined,
    durationSeconds: Number(r.duration_seconds),
    budgetSeconds: Number(r.budget_seconds),
    processed: Number(r.processed),
    errorCode: (r.error_code as string | null) ?? undefined,
    errorMessage: (r.error_message as string | null) ?? undefined,
    dryRun: r.dry_run === true,
    attempts: r.attempts === null || r.attempts === undefined ? 1 : Number(r.attempts),
  };
}

/** The writes of the ledger: claim a slot, record a run. */
function writes(db: PgQueryable, table: string): Pick<RunLedger, 'claim' | 'record'> {
  return {
    async claim(run) {
      const values = valuesOf({ ...run, outcome: 'running' });
      if (!run.slot) {
        await db.query(`INSERT INTO ${table} (${COLS}) VALUES (${VALUE_PARAMS})`, values);
        return true;
      }
      const { rows } = await db.query(
        `INSERT INTO ${table} (${COLS}) VALUES (${VALUE_PARAMS})
ON CONFLICT (job, slot) WHERE slot IS NOT NULL AND outcome NOT IN ('skipped_locked', 'skipped_overlap') DO NOTHING RETURNING run_id`,
        values,
      );
      return rows.length === 1;
    },
    async record(run) {
      await db.query(
        `INSERT INTO ${table} (${COLS}) VALUES (${VALUE_PARAMS})
ON CONFLICT (run_id) DO UPDATE SET fence = EXCLUDED.fence, outcome = EXCLUDED.outcome, started_at = EXCLUDED.started_at,
  finished_at = EXCLUDED.finished_at, duration_seconds = EXCLUDED.duration_seconds, processed = EXCLUDED.processed,
  error_code = EXCLUDED.error_code, error_message = EXCLUDED.error_message, attempts = EXCLUDED.attempts`,
        valuesOf(run),
      );
    },
  };
}

/** The attempts of retried runs: one row per attempt in `<table>_attempts`, keyed by run and attempt. */
function attemptQueries(db: PgQueryable, table: string): Pick<Required<RunLedger>, 'recordAttempt' | 'attempts' | 'retryRate'> {
  return {
    async recordAttempt(a) {
      await db.query(
        `INSERT INTO ${table}_attempts (run_id, attempt, job, outcome, started_at, finished_at, duration_seconds, error_code, error_message, retry_delay_ms)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
ON CONFLICT (run_id, attempt) DO UPDATE SET outcome = EXCLUDED.outcome, finished_at = EXCLUDED.finished_at,
  duration_seconds = EXCLUDED.duration_seconds, error_code = EXCLUDED.error_code, error_message = EXCLUDED.error_message,
  retry_delay_ms = EXCLUDED.retry_delay_ms`,
        [
          a.runId,
          a.attempt,
          a.job,
          a.outcome,
          a.startedAt,
          a.finishedAt,
          a.durationSeconds,
          text(a.errorCode, 200),
          text(a.errorMessage, 500),
          a.retryDelayMs ?? null,
        ],
      );
    },
    async attempts(runId) {
      const { rows } = await db.query(`SELECT * FROM ${table}_attempts WHERE run_id = $1 ORDER BY attempt`, [runId]);
      return rows.map((r) => ({
        runId: String(r.run_id),
        job: String(r.job),
        attempt: Number(r.attempt),
        outcome: r.outcome as AttemptRecord['outcome'],
        startedAt: new Date(r.started_at as string),
        finishedAt: new Date(r.finished_at as string),
        durationSeconds: Number(r.duration_seconds),
        errorCode: (r.error_code as string | null) ?? undefined,
        errorMessage: (r.error_message as string | null) ?? undefined,
        retryDelayMs: num(r.retry_delay_ms),
      }));
    },
    async retryRate(job, windowSeconds) {
      const { rows } = await db.query(
        `SELECT count(*)::int AS runs, (sum(GREATEST(attempts - 1, 0))::float8 / NULLIF(count(*), 0))::float8 AS rate
FROM ${table} WHERE ${EXECUTED_WHERE} AND finished_at >= now() - $2 * interval '1 second'`,
        [job, windowSeconds],
      );
      const r = rows[0] ?? {};
      return { rate: num(r.rate), runs: Number(r.runs ?? 0) };
    },
  };
}

/** The queries the rules read after every run. */
function ruleQueries(
  db: PgQueryable,
  table: string,
): Pick<RunLedger, 'successRate' | 'consecutiveFailures' | 'baselineThroughput'> {
  return {
    async successRate(job, windowSeconds) {
      const { rows } = await db.query(
        `SELECT count(*)::int AS runs, avg(CASE WHEN outcome = 'succeeded' THEN 1.0 ELSE 0.0 END)::float8 AS rate
FROM ${table} WHERE ${EXECUTED_WHERE} AND finished_at >= now() - $2 * interval '1 second'`,
        [job, windowSeconds],
      );
      const r = rows[0] ?? {};
      return { rate: num(r.rate), runs: Number(r.runs ?? 0) };
    },
    async consecutiveFailures(job) {
      const { rows } = await db.query(
        `SELECT count(*)::int AS n FROM ${table} WHERE ${EXECUTED_WHERE} AND outcome <> 'succeeded'
  AND started_at > COALESCE((SELECT max(started_at) FROM ${table} WHERE job = $1 AND outcome = 'succeeded'), '-infinity')`,
        [job],
      );
      return Number(rows[0]?.n ?? 0);
    },
    async baselineThroughput(job, { runs = 10, excludeRunId } = {}) {
      const { rows } = await db.query(
        `SELECT count(*)::int AS runs, percentile_cont(0.5) WITHIN GROUP (ORDER BY tph)::float8 AS median FROM (
  SELECT processed / (duration_seconds / 3600.0) AS tph FROM ${table}
  WHERE job = $1 AND outcome = 'succeeded' AND processed > 0 AND duration_seconds > 0${
    excludeRunId === undefined ? '' : ' AND run_id::text <> $3'
  }
  ORDER BY started_at DESC LIMIT $2) t`,
        excludeRunId === undefined ? [job, runs] : [job, runs, excludeRunId],
      );
      const r = rows[0] ?? {};
      return { perHour: num(r.median), runs: Number(r.runs ?? 0) };
    },
  };
}

/** The queries of the ops API: last success, recent runs, window statistics. */
function viewQueries(db: PgQueryable, table: string): Pick<RunLedger, 'lastSuccess' | 'recent' | 'stats'> {
  return {
    async lastSuccess(job) {
      const { rows } = await db.query(`SELECT max(finished_at) AS t FROM ${table} WHERE job = $1 AND outcome = 'succeeded'`, [
        job,
      ]);
      return rows[0]?.t ? new Date(rows[0].t as string) : undefined;
    },
    async recent(job, limit = 20) {
      const { rows } = await db.query(`SELECT * FROM ${table} WHERE job = $1 ORDER BY started_at DESC, run_id LIMIT $2`, [
        job,
        limit,
      ]);
      return rows.map(recordOfRow);
    },
    async stats(job, windowSeconds, options = {}) {
      const until = options.until;
      const { rows } = await db.query(
        `SELECT count(*)::int AS count,
  percentile_disc(0.5) WITHIN GROUP (ORDER BY duration_seconds)::float8 AS p50,
  percentile_disc(0.95) WITHIN GROUP (ORDER BY duration_seconds)::float8 AS p95,
  percentile_disc(0.99) WITHIN GROUP (ORDER BY duration_seconds)::float8 AS p99,
  avg(CASE WHEN outcome = 'succeeded' THEN 1.0 ELSE 0.0 END)::float8 AS rate
FROM ${table} WHERE ${EXECUTED_WHERE} AND ${
          until
            ? `finished_at >= $3::timestamptz - $2 * interval '1 second' AND finished_at < $3::timestamptz`
            : `finished_at >= now() - $2 * interval '1 second'`
        }`,
        until ? [job, windowSeconds, until] : [job, windowSeconds],
      );
      const r = rows[0] ?? {};
      return { count: Number(r.count ?? 0), p50: num(r.p50), p95: num(r.p95), p99: num(r.p99), successRate: num(r.rate) };
    },
  };
}

/**
 * Run ledger in a Postgres table (one statement per write; PgBouncer-safe). The unique partial index on
 * `(job, slot)` makes a schedule slot run once across replicas. Queries compute in SQL over the job's rows.
 * @throws SlakitError `ERR_SLAKIT_INVALID_OPTION` for a pool without `query()` or a bad table name
 */
export function postgresLedger(pool: PgQueryable, options: { table?: string } = {}): PostgresLedger {
  validateOptions(postgresLedgerOptionsSchema, options);
  const db = checkPool('pool', pool);
  const table = tableName('table', options.table ?? 'slakit_job_runs');
  return {
    ensureSchema: async () => void (await db.query(postgresLedgerDdl(table))),
    ...writes(db, table),
    ...ruleQueries(db, table),
    ...viewQueries(db, table),
    ...attemptQueries(db, table),
  };
}
