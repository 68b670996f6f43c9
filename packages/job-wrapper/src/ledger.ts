import { invalidOption, safeText, validateOptions } from '@slakit/core';
import { memoryLedgerOptionsSchema, postgresLedgerOptionsSchema } from './options-schema.js';
import { checkPool, type PgQueryable, tableName } from './postgres.js';
import type { RunOutcome, RunResult } from './with-sla.js';

/** One run as stored in a ledger. */
export interface RunRecord {
  runId: string;
  job: string;
  /** Schedule slot (from `schedule()`); undefined for runs started by hand. */
  slot: Date | undefined;
  fence: bigint | undefined;
  owner: string | undefined;
  outcome: RunOutcome | 'running';
  startedAt: Date;
  finishedAt: Date | undefined;
  durationSeconds: number;
  budgetSeconds: number;
  processed: number;
  errorCode: string | undefined;
  /** Sanitised, at most 500 characters. */
  errorMessage: string | undefined;
  dryRun: boolean;
}

/** Duration statistics of a job over a window. */
export interface RunStats {
  count: number;
  p50: number | undefined;
  p95: number | undefined;
  p99: number | undefined;
  successRate: number | undefined;
}

/**
 * Where runs are recorded and queried. Skipped runs are recorded too but never count in rates or baselines.
 * Executed runs claim their schedule slot: a second claim of `(job, slot)` fails, which `withSla` records as
 * `skipped_overlap` — one slot runs once even when two replicas with skewed clocks both fire it.
 */
export interface RunLedger {
  /** Claims `(job, slot)` for an executed run (writes a `running` record); false when the slot was already claimed. */
  claim(run: RunRecord): Promise<boolean>;
  /** Writes the final record of a run (updates a claimed one, or inserts). */
  record(run: RunRecord): Promise<void>;
  /** Share of executed runs (succeeded / all but skipped and running) that finished in the last `windowSeconds`. */
  successRate(job: string, windowSeconds: number): Promise<{ rate: number | undefined; runs: number }>;
  /** Executed runs since the last success, newest first, that did not succeed. */
  consecutiveFailures(job: string): Promise<number>;
  /** Median records/hour of the last `runs` (10) successful runs that processed records. */
  baselineThroughput(job: string, options?: { runs?: number }): Promise<{ perHour: number | undefined; runs: number }>;
  lastSuccess(job: string): Promise<Date | undefined>;
  recent(job: string, limit?: number): Promise<RunRecord[]>;
  /**
   * Count, duration percentiles (nearest rank) and success rate of executed runs that finished in the window: the
   * `windowSeconds` before `options.until` (default now), `until` excluded — so `GET /ops/slo?from&to` reports exactly
   * `[from, to)`.
   */
  stats(job: string, windowSeconds: number, options?: { until?: Date }): Promise<RunStats>;
}

const SKIPPED = new Set(['skipped_locked', 'skipped_overlap', 'running']);

/** Builds the record of a finished run. */
export function recordOf(result: RunResult, budgetSeconds: number, slot: Date | undefined, owner: string | undefined): RunRecord {
  return {
    runId: result.runId,
    job: result.job,
    slot,
    fence: result.fence,
    owner,
    outcome: result.outcome,
    startedAt: result.startedAt,
    finishedAt: result.finishedAt,
    durationSeconds: result.durationSeconds,
    budgetSeconds,
    processed: result.processed,
    errorCode: result.error?.code ?? result.error?.type,
    errorMessage: result.error?.message === undefined ? undefined : safeText(result.error.message, 500),
    dryRun: result.dryRun,
  };
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** In-memory ledger (the default): the last `maxRuns` (10000) runs of this process. */
export function memoryLedger(options: { maxRuns?: number; now?: () => number } = {}): RunLedger {
  validateOptions(memoryLedgerOptionsSchema, options);
  const maxRuns = options.maxRuns ?? 10_000;
  if (!Number.isInteger(maxRuns) || maxRuns < 1) throw invalidOption('maxRuns', maxRuns, 'an integer ≥ 1');
  const now = options.now ?? Date.now;
  const runs: RunRecord[] = [];
  const byId = new Map<string, RunRecord>();
  const slots = new Set<string>();
  const push = (r: RunRecord) => {
    runs.push(r);
    byId.set(r.runId, r);
    if (runs.length > maxRuns) {
      const old = runs.shift() as RunRecord;
      byId.delete(old.runId);
    }
  };
  const executed = (job: string) => runs.filter((r) => r.job === job && !SKIPPED.has(r.outcome));
  return {
    async claim(run) {
      if (run.slot) {
        const key = `${run.job}\u0000${run.slot.getTime()}`;
        if (slots.has(key)) return false;
        slots.add(key);
        if (slots.size > maxRuns) slots.delete(slots.values().next().value as string);
      }
      push({ ...run, outcome: 'running' });
      return true;
    },
    async record(run) {
      const existing = byId.get(run.runId);
      if (existing) Object.assign(existing, run);
      else push({ ...run });
    },
    async successRate(job, windowSeconds) {
      const since = now() - windowSeconds * 1000;
      const window = executed(job).filter((r) => (r.finishedAt?.getTime() ?? 0) >= since);
      return {
        rate: window.length ? window.filter((r) => r.outcome === 'succeeded').length / window.length : undefined,
        runs: window.length,
      };
    },
    async consecutiveFailures(job) {
      const list = executed(job).sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime());
      let n = 0;
      for (const r of list) {
        if (r.outcome === 'succeeded') break;
        n++;
      }
      return n;
    },
    async baselineThroughput(job, { runs: count = 10 } = {}) {
      const ok = executed(job)
        .filter((r) => r.outcome === 'succeeded' && r.processed > 0 && r.durationSeconds > 0)
        .sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime())
        .slice(0, count);
      return { perHour: median(ok.map((r) => r.processed / (r.durationSeconds / 3600))), runs: ok.length };
    },
    async lastSuccess(job) {
      const ok = executed(job).filter((r) => r.outcome === 'succeeded');
      const last = ok.reduce<RunRecord | undefined>(
        (a, r) => (!a || (r.finishedAt?.getTime() ?? 0) > (a.finishedAt?.getTime() ?? 0) ? r : a),
        undefined,
      );
      return last?.finishedAt;
    },
    async recent(job, limit = 20) {
      return runs
        .filter((r) => r.job === job)
        .sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime())
        .slice(0, limit)
        .map((r) => ({ ...r }));
    },
    async stats(job, windowSeconds, options = {}) {
      const until = options.until?.getTime();
      const since = (until ?? now()) - windowSeconds * 1000;
      const window = executed(job).filter((r) => {
        const t = r.finishedAt?.getTime() ?? 0;
        return t >= since && (until === undefined || t < until);
      });
      const d = window.map((r) => r.durationSeconds).sort((a, b) => a - b);
      return {
        count: window.length,
        p50: percentile(d, 50),
        p95: percentile(d, 95),
        p99: percentile(d, 99),
        successRate: window.length ? window.filter((r) => r.outcome === 'succeeded').length / window.length : undefined,
      };
    },
  };
}

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
  dry_run          boolean     NOT NULL DEFAULT false
);
CREATE UNIQUE INDEX IF NOT EXISTS ${index}_slot_uq ON ${table} (job, slot)
  WHERE slot IS NOT NULL AND outcome NOT IN ('skipped_locked', 'skipped_overlap');
CREATE INDEX IF NOT EXISTS ${index}_job_finished_idx ON ${table} (job, finished_at DESC);
CREATE INDEX IF NOT EXISTS ${index}_job_started_idx ON ${table} (job, started_at DESC)`;
}

/** A Postgres ledger with `ensureSchema()`. */
export interface PostgresLedger extends RunLedger {
  ensureSchema(): Promise<void>;
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
  const cols =
    'run_id, job, slot, fence, owner, outcome, started_at, finished_at, duration_seconds, budget_seconds, processed, error_code, error_message, dry_run';
  // Postgres text refuses NUL (error 22021, which left a run `running`); lone surrogates are made well-formed too.
  const text = (v: string | undefined, max: number) => (v === undefined || v === null ? null : safeText(String(v), max));
  const values = (r: RunRecord) => [
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
  ];
  const valueParams = Array.from({ length: 14 }, (_, i) => `$${i + 1}`).join(', ');
  const executedWhere = `job = $1 AND outcome NOT IN ('skipped_locked', 'skipped_overlap', 'running')`;
  const row = (r: Record<string, unknown>): RunRecord => ({
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
  });
  return {
    ensureSchema: async () => void (await db.query(postgresLedgerDdl(table))),
    async claim(run) {
      if (!run.slot) {
        await db.query(`INSERT INTO ${table} (${cols}) VALUES (${valueParams})`, values({ ...run, outcome: 'running' }));
        return true;
      }
      const { rows } = await db.query(
        `INSERT INTO ${table} (${cols}) VALUES (${valueParams})
ON CONFLICT (job, slot) WHERE slot IS NOT NULL AND outcome NOT IN ('skipped_locked', 'skipped_overlap') DO NOTHING RETURNING run_id`,
        values({ ...run, outcome: 'running' }),
      );
      return rows.length === 1;
    },
    async record(run) {
      await db.query(
        `INSERT INTO ${table} (${cols}) VALUES (${valueParams})
ON CONFLICT (run_id) DO UPDATE SET fence = EXCLUDED.fence, outcome = EXCLUDED.outcome, started_at = EXCLUDED.started_at,
  finished_at = EXCLUDED.finished_at, duration_seconds = EXCLUDED.duration_seconds, processed = EXCLUDED.processed,
  error_code = EXCLUDED.error_code, error_message = EXCLUDED.error_message`,
        values(run),
      );
    },
    async successRate(job, windowSeconds) {
      const { rows } = await db.query(
        `SELECT count(*)::int AS runs, avg(CASE WHEN outcome = 'succeeded' THEN 1.0 ELSE 0.0 END)::float8 AS rate
FROM ${table} WHERE ${executedWhere} AND finished_at >= now() - $2 * interval '1 second'`,
        [job, windowSeconds],
      );
      const r = rows[0] ?? {};
      return { rate: r.rate === null || r.rate === undefined ? undefined : Number(r.rate), runs: Number(r.runs ?? 0) };
    },
    async consecutiveFailures(job) {
      const { rows } = await db.query(
        `SELECT count(*)::int AS n FROM ${table} WHERE ${executedWhere} AND outcome <> 'succeeded'
  AND started_at > COALESCE((SELECT max(started_at) FROM ${table} WHERE job = $1 AND outcome = 'succeeded'), '-infinity')`,
        [job],
      );
      return Number(rows[0]?.n ?? 0);
    },
    async baselineThroughput(job, { runs = 10 } = {}) {
      const { rows } = await db.query(
        `SELECT count(*)::int AS runs, percentile_cont(0.5) WITHIN GROUP (ORDER BY tph)::float8 AS median FROM (
  SELECT processed / (duration_seconds / 3600.0) AS tph FROM ${table}
  WHERE job = $1 AND outcome = 'succeeded' AND processed > 0 AND duration_seconds > 0
  ORDER BY started_at DESC LIMIT $2) t`,
        [job, runs],
      );
      const r = rows[0] ?? {};
      return { perHour: r.median === null || r.median === undefined ? undefined : Number(r.median), runs: Number(r.runs ?? 0) };
    },
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
      return rows.map(row);
    },
    async stats(job, windowSeconds, options = {}) {
      const until = options.until;
      const { rows } = await db.query(
        `SELECT count(*)::int AS count,
  percentile_disc(0.5) WITHIN GROUP (ORDER BY duration_seconds)::float8 AS p50,
  percentile_disc(0.95) WITHIN GROUP (ORDER BY duration_seconds)::float8 AS p95,
  percentile_disc(0.99) WITHIN GROUP (ORDER BY duration_seconds)::float8 AS p99,
  avg(CASE WHEN outcome = 'succeeded' THEN 1.0 ELSE 0.0 END)::float8 AS rate
FROM ${table} WHERE ${executedWhere} AND ${
          until
            ? `finished_at >= $3::timestamptz - $2 * interval '1 second' AND finished_at < $3::timestamptz`
            : `finished_at >= now() - $2 * interval '1 second'`
        }`,
        until ? [job, windowSeconds, until] : [job, windowSeconds],
      );
      const r = rows[0] ?? {};
      const num = (v: unknown) => (v === null || v === undefined ? undefined : Number(v));
      return { count: Number(r.count ?? 0), p50: num(r.p50), p95: num(r.p95), p99: num(r.p99), successRate: num(r.rate) };
    },
  };
}
