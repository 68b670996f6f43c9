// bench/jobs: what withSla() costs per run, per lease store, against calling the job function directly.
// Run: pnpm build && pnpm --filter @slakit/bench jobs   (needs Redis on 127.0.0.1:6379 and Postgres on 127.0.0.1:5432)
import { createTelemetry } from '@slakit/core';
import { memoryLeases, postgresLeases, redisLeases, withSla } from '@slakit/job-wrapper';
import { Redis } from 'ioredis';
import pg from 'pg';
import { Bench } from 'tinybench';

const time = Number(process.env.BENCH_TIME_MS ?? 1500);
const redis = new Redis({ host: '127.0.0.1', port: 6379 });
const pool = new pg.Pool({ host: '127.0.0.1', user: 'postgres', database: 'test', max: 2 });
const table = `slakit_bench_leases_${process.pid}`;

// Count what actually crosses the wire.
let redisCalls = 0;
const originalCall = redis.call.bind(redis);
redis.call = (...args) => {
  redisCalls += 1;
  return originalCall(...args);
};
let pgStatements = 0;
const countingPool = {
  query: (...args) => {
    pgStatements += 1;
    return pool.query(...args);
  },
};

const telemetry = createTelemetry({ serviceName: 'bench', env: {}, providers: 'own', logger: { level: 'silent' } });
const pgStore = postgresLeases(countingPool, { table });
await pgStore.ensureSchema();

const work = async () => ({ processed: 1 });
const options = { budgetSeconds: 60, telemetry, env: {} };
const jobs = {
  memory: withSla('bench_memory', work, { ...options, leases: memoryLeases() }),
  redis: withSla('bench_redis', work, { ...options, leases: redisLeases(redis, { prefix: `slakit:bench:${process.pid}:` }) }),
  postgres: withSla('bench_postgres', work, { ...options, leases: pgStore }),
};

// Round trips per run, measured over 100 runs.
const trips = {};
for (const [name, job] of Object.entries(jobs)) {
  redisCalls = 0;
  pgStatements = 0;
  for (let i = 0; i < 100; i++) {
    const r = await job();
    if (r.outcome !== 'succeeded') throw new Error(`${name}: ${r.outcome}`);
  }
  trips[name] = { redis: redisCalls / 100, postgres: pgStatements / 100 };
}

const bench = new Bench({ time, warmupTime: 300 });
bench.add('direct fn() (baseline)', async () => {
  await work();
});
for (const [name, job] of Object.entries(jobs)) bench.add(`withSla + ${name}Leases`, async () => void (await job()));
await bench.run();

const rows = bench.tasks.map((t) => ({
  name: t.name,
  meanUs: t.result.latency.mean * 1000,
  p99Us: t.result.latency.p99 * 1000,
  hz: t.result.throughput.mean,
}));
const base = rows[0];
console.log(`\nbench/jobs — node ${process.version}, ${time} ms per task\n`);
console.log('| task | mean µs/run | p99 µs | runs/s | overhead vs direct | Redis round trips/run | Postgres statements/run |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  const store = r.name.match(/\+ (\w+)Leases/)?.[1];
  const t = store ? trips[store] : undefined;
  console.log(
    `| ${r.name} | ${r.meanUs.toFixed(1)} | ${r.p99Us.toFixed(1)} | ${Math.round(r.hz)} | ${r === base ? '—' : `+${(r.meanUs - base.meanUs).toFixed(1)} µs`} | ${t ? t.redis : 0} | ${t ? t.postgres : 0} |`,
  );
}

await pool.query(`DROP TABLE IF EXISTS ${table}`);
const keys = await redis.keys(`slakit:bench:${process.pid}:*`);
if (keys.length) await redis.del(...keys);
await telemetry.shutdown();
await pool.end();
redis.disconnect();
