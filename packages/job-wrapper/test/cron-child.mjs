// A short-lived cron process: runs one job with runOnce(), pushes to the Pushgateway, exits (non-zero on failure).
import { createTelemetry } from '@slakit/core';
import { pushgatewayPush, runOnce, withSla } from '@slakit/job-wrapper';

const telemetry = createTelemetry({ serviceName: 'cron', env: {}, providers: 'own', logger: { level: 'silent' } });
const job = withSla(
  'cron_cleanup',
  async () => {
    await new Promise((r) => setTimeout(r, 50));
    if (process.env.FAIL === '1') throw Object.assign(new Error('database unavailable'), { code: 'ECONNREFUSED' });
    return { processed: 42 };
  },
  { budgetSeconds: 60, telemetry, env: {} },
);
try {
  const result = await runOnce(job, {
    telemetry,
    push: pushgatewayPush({ url: process.env.PUSHGATEWAY_URL, grouping: { instance: 'cron' } }),
  });
  process.stdout.write(`${result.outcome}\n`);
} catch (error) {
  process.stdout.write(`threw ${error.code}\n`);
  process.exitCode = 1;
} finally {
  await telemetry.shutdown();
}
