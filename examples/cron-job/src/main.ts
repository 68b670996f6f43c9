// One cleanup run as a short-lived process — the pattern for Kubernetes CronJobs, Render cron jobs and plain crontab:
// take the job's Postgres lease (a second pod started by `concurrencyPolicy: Allow` or a retry skips instead of
// overlapping), record the run in the Postgres ledger, push the job_* metrics to a Pushgateway, exit non-zero on
// failure so the scheduler sees it. A failed run never moves job_last_success_timestamp_seconds.
import { createTelemetry, loadEnvConfig } from '@slakit/core';
import { postgresLeases, postgresLedger, pushgatewayPush, runOnce, withSla } from '@slakit/job-wrapper';
import pg from 'pg';

const env = process.env;
if (!env.DATABASE_URL || !env.PUSHGATEWAY_URL) {
  console.error('cron-job: set DATABASE_URL (postgres://…) and PUSHGATEWAY_URL (http://pushgateway:9091)');
  process.exit(2);
}
loadEnvConfig(env); // fail fast on bad SLA_* variables, before touching the database
const job = env.CRON_JOB_NAME ?? 'cleanup_magic_links';
const telemetry = createTelemetry({ serviceName: 'cron-job', env, providers: 'own' });
const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: 2 });
const table = env.CRON_TABLE_PREFIX ?? 'slakit';
const leases = postgresLeases(pool, { table: `${table}_leases` });
const ledger = postgresLedger(pool, { table: `${table}_job_runs` });

try {
  await leases.ensureSchema();
  await ledger.ensureSchema();
  const cleanup = withSla(
    job,
    async (ctx) => {
      // The real work: delete expired rows in batches, guarded by the lease's fence.
      if (env.CRON_JOB_FAIL === '1')
        throw Object.assign(new Error('simulated failure: upstream unavailable'), { code: 'ECONNREFUSED' });
      const { rowCount } = await pool.query('SELECT generate_series(1, 25)', []);
      ctx.progress(rowCount ?? 0);
      return { processed: rowCount ?? 0 };
    },
    { budgetSeconds: Number(env.CRON_BUDGET_SECONDS ?? 60), leases, ledger, telemetry },
  );
  const result = await runOnce(cleanup, {
    telemetry,
    ledger,
    push: pushgatewayPush({ url: env.PUSHGATEWAY_URL, grouping: { instance: env.HOSTNAME ?? 'cron-job' } }),
  });
  telemetry.logger.info({ outcome: result.outcome, processed: result.processed }, `cron-job: ${job} ${result.outcome}`);
  // A run skipped because another process holds the lease is not a failure of this process.
  process.exitCode = result.outcome === 'succeeded' || result.outcome === 'skipped_locked' ? 0 : 1;
} catch (error) {
  telemetry.logger.error({ error: (error as Error).name, code: (error as { code?: string }).code }, `cron-job: ${job} failed`);
  process.exitCode = 1;
} finally {
  await pool.end();
  await telemetry.shutdown();
}
