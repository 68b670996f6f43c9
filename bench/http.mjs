// bench/http: request throughput of a hello-world Express route (GET /users/:id) with each instrumentation, against
// bare Express measured in the same run. Server pinned to core 0 (taskset), load generator (autocannon) on core 1.
// Rounds alternate the variants; medians are reported.
// Run: pnpm build && pnpm --filter @slakit/bench http      (BENCH_SECONDS, BENCH_ROUNDS, BENCH_CONNECTIONS, BENCH_VARIANTS)
import { alternatingRounds, measureServer, median } from './lib.mjs';

const seconds = Number(process.env.BENCH_SECONDS ?? 6);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const script = new URL('./http/server.cjs', import.meta.url).pathname;
const all = [
  ['bare', 'bare Express'],
  ['slakit-metrics', 'slakit metrics only'],
  ['slakit-full', 'slakit metrics + tracing (10 %) + logs (10 %)'],
  ['prom-bundle', 'express-prom-bundle (method + path)'],
  ['otel', 'OpenTelemetry http + express instrumentation + Prometheus exporter'],
  // Diagnostic variants (BENCH_VARIANTS=bare,slakit-full-noctx,slakit-trace,slakit-log): which part of the full mode costs what.
  ['bare-als', "bare Express + AsyncLocalStorage enabled (Node's cost of an active-context tracer)"],
  ['slakit-full-noctx', 'slakit full, tracing.activateContext: false'],
  ['slakit-trace', 'slakit metrics + tracing (10 %)'],
  ['slakit-log', 'slakit metrics + logs (10 %)'],
];
const chosen = (process.env.BENCH_VARIANTS ?? 'bare,slakit-metrics,slakit-full,prom-bundle,otel').split(',');
const variants = all.filter(([id]) => chosen.includes(id));
if (!variants.some(([id]) => id === 'bare')) throw new Error('BENCH_VARIANTS must include bare (the baseline)');

const samples = await alternatingRounds(variants, rounds, ([variant]) =>
  measureServer({ script, variant, path: '/users/42', seconds, connections }),
);
const base = median(samples.bare.map((s) => s.rps));
console.log(
  `\nbench/http — node ${process.version}, ${rounds} rounds × ${seconds} s, ${connections} connections, server on core 0, autocannon on core 1\n`,
);
console.log('| variant | median req/s | % of bare | median p99 ms |');
console.log('|---|---:|---:|---:|');
for (const [v, label] of variants) {
  const rps = median(samples[v].map((s) => s.rps));
  console.log(
    `| ${label} | ${Math.round(rps)} | ${((rps / base) * 100).toFixed(1)} % | ${median(samples[v].map((s) => s.p99))} |`,
  );
}
