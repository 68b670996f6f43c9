// A separate OS process driving the *built* @slakit/job-wrapper against real Redis/Postgres (see leases.integration.test.ts).
import { hostname } from 'node:os';
import { createLogger, systemClock } from '@slakit/core';
import { memoryLeases, postgresLeases, postgresLedger, redisLeases, schedule, withSla } from '@slakit/job-wrapper';
import { Redis } from 'ioredis';
import pg from 'pg';

const config = JSON.parse(process.env.SLAKIT_WORKER ?? '{}');
const pool = new pg.Pool({ host: '127.0.0.1', user: 'postgres', database: 'test', max: 4 });
const redis = config.store === 'redis' ? new Redis({ host: '127.0.0.1', port: 6379, maxRetriesPerRequest: 1 }) : undefined;
const leases = redis
  ? redisLeases(redis, { prefix: config.prefix })
  : config.store === 'memory'
    ? memoryLeases() // negative control: does not exclude other processes
    : postgresLeases(pool, { table: config.leaseTable });
const logger = createLogger({ level: 'silent' });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const say = (line) => process.stdout.write(`${line}\n`);

try {
  if (config.mode === 'mutex') {
    const job = withSla(
      config.job,
      async (ctx) => {
        const { rows } = await pool.query(
          `INSERT INTO ${config.runsTable} (fence, pid, started_at) VALUES ($1, $2, clock_timestamp()) RETURNING id`,
          [ctx.fence.toString(), process.pid],
        );
        await sleep(1 + Math.floor(Math.random() * 3));
        await pool.query(`UPDATE ${config.runsTable} SET finished_at = clock_timestamp() WHERE id = $1`, [rows[0].id]);
      },
      { budgetSeconds: 60, leases, leaseTtlMs: 5000, logger, env: {} },
    );
    // `triggers` back-to-back triggers, then more (up to `maxTriggers`) until this process has run the job
    // `minSucceeded` times: how many triggers find the lease free depends on the machine's timing.
    const counts = {};
    const minSucceeded = config.minSucceeded ?? 0;
    const maxTriggers = config.maxTriggers ?? config.triggers;
    for (let i = 0; i < config.triggers || ((counts.succeeded ?? 0) < minSucceeded && i < maxTriggers); i++) {
      const result = await job();
      counts[result.outcome] = (counts[result.outcome] ?? 0) + 1;
    }
    say(`RESULT ${JSON.stringify(counts)}`);
  } else if (config.mode === 'hold') {
    const job = withSla(
      config.job,
      async (ctx) => {
        say(`STARTED ${ctx.fence}`);
        const until = Date.now() + config.holdMs;
        while (!ctx.signal.aborted && Date.now() < until) await sleep(50);
        // A holder that was paused (GC, SIGSTOP) tries its write anyway: the fence must reject it.
        const write = await pool.query(
          `UPDATE ${config.guardTable} SET value = $1, last_fence = $2 WHERE id = 1 AND last_fence < $2`,
          [`written by ${process.pid}`, ctx.fence.toString()],
        );
        say(`WRITE ${write.rowCount}`);
      },
      { budgetSeconds: 60, leases, leaseTtlMs: config.ttlMs, logger, env: {} },
    );
    const result = await job();
    say(`RESULT ${JSON.stringify({ outcome: result.outcome, fence: String(result.fence), error: result.error?.code })}`);
  } else if (config.mode === 'ledger') {
    // Random runs over the last ~30 h, some outside the 24 h window, written concurrently with other processes.
    const ledger = postgresLedger(pool, { table: config.ledgerTable });
    const outcomes = ['succeeded', 'succeeded', 'succeeded', 'failed', 'timed_out', 'lease_lost', 'skipped_locked'];
    const now = Date.now();
    for (let i = 0; i < config.runs; i++) {
      const job = `job_${i % 3}`;
      const outcome = outcomes[Math.floor(Math.random() * outcomes.length)];
      const finished = now - Math.floor(Math.random() * 30 * 3600 * 1000);
      const duration = outcome.startsWith('skipped') ? 0 : Math.round(Math.random() * 3600 * 1000) / 1000;
      await ledger.record({
        runId: crypto.randomUUID(),
        job,
        slot: undefined,
        fence: BigInt(i),
        owner: `w${process.pid}`,
        outcome,
        startedAt: new Date(finished - duration * 1000),
        finishedAt: new Date(finished),
        durationSeconds: duration,
        budgetSeconds: 3600,
        processed: outcome === 'succeeded' ? Math.floor(Math.random() * 5) * 100 : 0,
        errorCode: outcome === 'failed' ? 'ECONNREFUSED' : undefined,
        errorMessage: undefined,
        dryRun: false,
      });
    }
    say('RESULT {}');
  } else if (config.mode === 'schedule') {
    // A scheduler whose clock is skewed by config.skewMs: it fires each slot that much earlier in real time.
    const clock = { ...systemClock, now: () => Date.now() + config.skewMs };
    const ledger = postgresLedger(pool, { table: config.ledgerTable });
    const job = withSla(
      config.job,
      async (ctx) => {
        await pool.query(`INSERT INTO ${config.bodyTable} (slot, pid) VALUES ($1, $2)`, [ctx.scheduledAt, process.pid]);
        await sleep(300);
      },
      { budgetSeconds: 60, leases, ledger, clock, logger, env: {} },
    );
    const s = schedule('*/3 * * * * *', job, { clock, timezone: 'UTC', logger });
    await sleep(config.durationMs);
    s.stop();
    await s.idle();
    say('RESULT {}');
  } else if (config.mode === 'crash') {
    const lease = await leases.acquire(`job:${config.job}`, {
      ttlMs: config.ttlMs,
      owner: { id: `crash-${process.pid}`, host: hostname(), pid: process.pid },
    });
    say(`HELD ${lease?.fence}`);
    await sleep(60_000);
  }
} finally {
  await pool.end();
  redis?.disconnect();
}
