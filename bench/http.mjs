// bench/http: request throughput of a hello-world Express route (GET /users/:id) with each instrumentation, relative
// to bare Express. Each variant is paired with its own bare-Express server: both run at the same time on core 0
// (taskset), each loaded by its own autocannon (50 connections) from core 1. The kernel's fair scheduler gives both
// busy servers the same CPU time, so their req/s ratio is the inverse ratio of their CPU cost per request, and the
// host's slowdowns (large and frequent on the CI VM) hit both at the same instant and cancel out. "% of bare" is the
// median of the per-round ratios. Solo req/s (each server alone on the core, for scale) come from a shorter pass.
// Resident memory (peak and after load, from /proc) of every server is reported below the throughput table.
// Run: pnpm build && pnpm --filter @slakit/bench http
//      (BENCH_SECONDS, BENCH_ROUNDS, BENCH_WARMUP, BENCH_CONNECTIONS, BENCH_VARIANTS; BENCH_PATH=/orders/7 loads a
//      route that builds and serialises a ~2 KB order instead of hello-world /users/42)
import { alternatingRounds, benchShared, measureServer, median } from './lib.mjs';

const seconds = Number(process.env.BENCH_SECONDS ?? 3);
const rounds = Number(process.env.BENCH_ROUNDS ?? 8);
const warmup = Number(process.env.BENCH_WARMUP ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const path = process.env.BENCH_PATH ?? '/users/42';
const script = new URL('./http/server.cjs', import.meta.url).pathname;
const all = [
  ['bare', 'bare Express'],
  ['slakit-metrics', 'slakit metrics only'],
  ['slakit-full', 'slakit metrics + tracing (10 %) + logs (10 %)'],
  ['prom-bundle', 'express-prom-bundle (method + path)'],
  ['otel', 'OpenTelemetry http + express instrumentation + Prometheus exporter'],
  // A second reference: hello-world Express has a ~7 MB heap, far below any real service's; with more heap, Node 20's
  // GC promotes more of each request's garbage. Its ratio is shown, and every variant also relative to it.
  ['bare-ballast', 'bare Express + ~30 MB of inert objects + a close-listener middleware'],
  // Diagnostic variants (BENCH_VARIANTS=bare,bare-als,slakit-trace,slakit-log,…): which part of the full mode costs what.
  ['bare-noop', 'bare Express + an empty middleware'],
  ['bare-close', "bare Express + a middleware adding one res.on('close') listener"],
  ['bare-als', "bare Express + AsyncLocalStorage enabled (Node's cost of an active-context tracer)"],
  ['bare-telemetry', "bare Express + slakit's createTelemetry() (no middleware) + a close-listener middleware"],
  ['slakit-full-noctx', 'slakit full, tracing.activateContext: false'],
  ['slakit-trace', 'slakit metrics + tracing (10 %)'],
  ['slakit-log', 'slakit metrics + logs (10 %)'],
];
const chosen = (process.env.BENCH_VARIANTS ?? 'bare,slakit-metrics,slakit-full,prom-bundle,otel,bare-ballast').split(',');
const variants = all.filter(([id]) => chosen.includes(id) && id !== 'bare');

const results = {};
// Resident memory (MB) after each pair's last round: the variant's server and the bare server it was paired with.
const memory = {};
for (const [id] of variants) {
  const { ratios, memory: pairMemory } = await benchShared({
    script,
    variants: [
      { id: 'bare', path },
      { id, path },
    ],
    baseline: 'bare',
    seconds,
    rounds,
    warmup,
    connections,
  });
  results[id] = [...ratios[id]].sort((a, b) => a - b);
  memory[id] = { own: pairMemory[id], bare: pairMemory.bare };
}
// Solo throughput for scale (noisy on a shared VM; the ratios above are the measurement).
const solo = await alternatingRounds([['bare'], ...variants], 1, ([variant]) =>
  measureServer({ script, variant, path, seconds: 5, connections, warmup: 5 }),
);

console.log(
  `\nbench/http — node ${process.version}; GET ${path}; each variant paired with bare Express on one core (${warmup} s warm-up, ${rounds} rounds × ${seconds} s, ${connections} connections each); load from the other core\n`,
);
const ballast = results['bare-ballast'] && median(results['bare-ballast']);
const pct = (x) => `${(x * 100).toFixed(1)} %`;
console.log(
  `| variant | % of bare (median of rounds) | lowest – highest round |${ballast ? ' ÷ bare + 30 MB heap |' : ''} solo req/s | solo p99 ms |`,
);
console.log(`|---|---:|---|${ballast ? '---:|' : ''}---:|---:|`);
console.log(`| bare Express | 100 % | — |${ballast ? ' — |' : ''} ${Math.round(solo.bare[0].rps)} | ${solo.bare[0].p99} |`);
for (const [id, label] of variants) {
  const r = results[id];
  const relative = ballast ? ` ${pct(median(r) / ballast)} |` : '';
  console.log(
    `| ${label} | ${pct(median(r))} | ${pct(r[0])} – ${pct(r[r.length - 1])} |${relative} ${Math.round(solo[id][0].rps)} | ${solo[id][0].p99} |`,
  );
}

// Resident memory: VmHWM (peak since start) and VmRSS right after the load, read from /proc. "paired" = the variant's
// server after its paired rounds, against the bare server loaded beside it; "solo" = after its solo pass.
if (Object.values(memory).some((m) => m.own && m.bare)) {
  const mb = (x) => (x === undefined ? '—' : `${Math.round(x)}`);
  const delta = (a, b) => (a === undefined || b === undefined ? '—' : `${a >= b ? '+' : '−'}${Math.round(Math.abs(a - b))}`);
  const bareSolo = solo.bare[0].memory;
  console.log('\nResident memory (MB; peak = VmHWM since start, after = VmRSS when the load stopped)\n');
  console.log(
    '| variant | paired: peak | after load | its bare: peak | after load | Δ peak | Δ after | solo: peak | after load | Δ peak vs solo bare |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  console.log(`| bare Express | — | — | — | — | — | — | ${mb(bareSolo?.peak)} | ${mb(bareSolo?.rss)} | — |`);
  for (const [id, label] of variants) {
    const { own, bare } = memory[id];
    const s = solo[id][0].memory;
    console.log(
      `| ${label} | ${mb(own?.peak)} | ${mb(own?.rss)} | ${mb(bare?.peak)} | ${mb(bare?.rss)} | ${delta(own?.peak, bare?.peak)} | ${delta(own?.rss, bare?.rss)} | ${mb(s?.peak)} | ${mb(s?.rss)} | ${delta(s?.peak, bareSolo?.peak)} |`,
    );
  }
}
