// bench/health: /readiness throughput and p99 with the same two dependency checks (Postgres, Redis) in slakit
// (cached background results), terminus (checks on every request) and lightship (state set by an interval).
// Server on core 0, autocannon on core 1; alternating rounds; medians.
// Run: pnpm build && pnpm --filter @slakit/bench health   (BENCH_SECONDS, BENCH_ROUNDS, BENCH_CONNECTIONS)
import { alternatingRounds, measureServer, median } from './lib.mjs';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const script = new URL('./health/server.mjs', import.meta.url).pathname;
const variants = [
  ['slakit', '@slakit/health (background checks, cached)', '/readiness'],
  ['terminus', '@godaddy/terminus 4 (checks per request)', '/readiness'],
  ['lightship', 'lightship 7.2 (state set by a 10 s interval)', '/ready'],
];

const samples = await alternatingRounds(variants, rounds, ([variant, , path]) =>
  measureServer({ script, variant, path, seconds, connections }),
);
console.log(
  `\nbench/health — node ${process.version}, ${rounds} rounds × ${seconds} s, ${connections} connections, server on core 0, autocannon on core 1\n`,
);
console.log('| variant | median req/s | median p99 ms |');
console.log('|---|---:|---:|');
for (const [v, label] of variants)
  console.log(`| ${label} | ${Math.round(median(samples[v].map((s) => s.rps)))} | ${median(samples[v].map((s) => s.p99))} |`);
