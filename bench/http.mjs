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
// bench/http: request throughput of a hello-world route (GET /users/:id) of one framework with each instrumentation,
// relative to the same framework bare. Each variant is paired with its own bare server: both run at the same time on
// core 0 (taskset), each loaded by its own autocannon (50 connections) from core 1. The kernel's fair scheduler gives
// both busy servers the same CPU time, so their req/s ratio is the inverse ratio of their CPU cost per request, and
// the host's slowdowns (large and frequent on the CI VM) hit both at the same instant and cancel out. "% of bare" is
// the median of the per-round ratios; "% of bare + listener" divides it by the median ratio of the bare server with an
// empty completion listener (the floor of any middleware that measures a response's duration). Solo req/s (each
// server alone on the core, for scale) come from a shorter pass. Resident memory (peak and after load, from /proc) of
// every server is reported below the throughput table.
// Run: pnpm build && BENCH_FRAMEWORK=<express|fastify|koa|hono|node> pnpm --filter @slakit/bench http
//      (BENCH_SECONDS, BENCH_ROUNDS, BENCH_WARMUP, BENCH_CONNECTIONS, BENCH_VARIANTS, BENCH_SOLO=0 skips the solo pass;
//      BENCH_PATH=/orders/7 loads a route that builds and serialises a ~1.4 KB order instead of hello-world /users/42)
import { alternatingRounds, benchShared, measureServer, median } from './lib.mjs';

const framework = process.env.BENCH_FRAMEWORK ?? 'express';
const seconds = Number(process.env.BENCH_SECONDS ?? 3);
const rounds = Number(process.env.BENCH_ROUNDS ?? 8);
const warmup = Number(process.env.BENCH_WARMUP ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const path = process.env.BENCH_PATH ?? '/users/42';
const script = new URL('./http/server.cjs', import.meta.url).pathname;

// Variants every framework has (the servers are bench/http/<framework>.cjs).
const common = (name) => [
  ['bare', `bare ${name}`],
  ['bare-close', `bare ${name} + an empty completion listener`],
  ['slakit-metrics', 'slakit metrics only'],
  ['slakit-full', 'slakit metrics + tracing (10 %) + logs (10 %)'],
];
// Diagnostic variants (BENCH_VARIANTS=bare,slakit-trace,slakit-log,…): which part of the full mode costs what.
const diagnostic = [
  ['slakit-full-noctx', 'slakit full, tracing.activateContext: false'],
  ['slakit-trace', 'slakit metrics + tracing (10 %)'],
  ['slakit-log', 'slakit metrics + logs (10 %)'],
];
/** Per framework: its display name, its variants (with the peers) and the default selection. */
const frameworks = {
  express: {
    name: 'Express 5',
    variants: [
      ...common('Express'),
      ['prom-bundle', 'express-prom-bundle (method + path)'],
      ['otel', 'OpenTelemetry http + express instrumentation + Prometheus exporter'],
      // hello-world Express has a ~7 MB heap, far below any real service's; with more heap, Node 20's GC promotes
      // more of each request's garbage (bench/README.md "The heap effect").
      ['bare-ballast', 'bare Express + ~30 MB of inert objects + a close-listener middleware'],
      ['bare-noop', 'bare Express + an empty middleware'],
      ['bare-als', "bare Express + AsyncLocalStorage enabled (Node's cost of an active-context tracer)"],
      ['bare-telemetry', "bare Express + slakit's createTelemetry() (no middleware) + a close-listener middleware"],
      ...diagnostic,
    ],
    defaults: 'bare-close,slakit-metrics,slakit-full,prom-bundle,otel',
  },
  fastify: {
    name: 'Fastify 5',
    variants: [
      ...common('Fastify'),
      ['fastify-metrics', 'fastify-metrics (defaults: route histogram + summary, process metrics)'],
      ['fastify-metrics-histogram', 'fastify-metrics, route histogram only'],
      ['otel', 'OpenTelemetry http instrumentation + @fastify/otel + Prometheus exporter'],
      ...diagnostic,
    ],
    defaults: 'bare-close,slakit-metrics,slakit-full,fastify-metrics,fastify-metrics-histogram,otel',
  },
  koa: {
    name: 'Koa 3 + @koa/router',
    variants: [...common('Koa'), ['otel', 'OpenTelemetry http + koa instrumentation + Prometheus exporter'], ...diagnostic],
    defaults: 'bare-close,slakit-metrics,slakit-full,otel',
  },
  hono: {
    name: 'Hono 4 on @hono/node-server',
    variants: [
      ...common('Hono'),
      ['hono-prometheus', '@hono/prometheus'],
      ['hono-otel', '@hono/otel + Prometheus exporter'],
      ...diagnostic,
    ],
    defaults: 'bare-close,slakit-metrics,slakit-full,hono-prometheus,hono-otel',
  },
  node: {
    name: 'node:http',
    variants: [...common('node:http'), ['otel', 'OpenTelemetry http instrumentation + Prometheus exporter'], ...diagnostic],
    defaults: 'bare-close,slakit-metrics,slakit-full,otel',
  },
};
const chosenFramework = frameworks[framework];
if (!chosenFramework) throw new Error(`BENCH_FRAMEWORK=${framework}: one of ${Object.keys(frameworks).join(', ')}`);
const chosen = (process.env.BENCH_VARIANTS ?? chosenFramework.defaults).split(',');
const unknown = chosen.filter((id) => !chosenFramework.variants.some(([known]) => known === id));
if (unknown.length > 0) throw new Error(`BENCH_VARIANTS: ${unknown.join(', ')} unknown for ${framework}`);
const variants = chosenFramework.variants.filter(([id]) => chosen.includes(id) && id !== 'bare');
const bareLabel = chosenFramework.variants[0][1];

// Per variant: its per-round ratios to its bare server by req/s (`rps`) and by CPU time per request (`cpu`), sorted,
// and the median CPU µs per request of it and of its bare server.
const results = {};
// Resident memory (MB) after each pair's last round: the variant's server and the bare server it was paired with.
const memory = {};
for (const [id] of variants) {
  const {
    ratios,
    cpuRatios,
    samples,
    memory: pairMemory,
  } = await benchShared({
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
  const cpuMicros = (of) => median(samples[of].map((x) => x.cpuPerRequest).filter((x) => x !== undefined));
  results[id] = {
    rps: [...ratios[id]].sort((a, b) => a - b),
    cpu: [...cpuRatios[id]].sort((a, b) => a - b),
    cpuMicros: cpuMicros(id),
    bareCpuMicros: cpuMicros('bare'),
  };
  memory[id] = { own: pairMemory[id], bare: pairMemory.bare };
}
// Solo throughput for scale (noisy on a shared VM; the ratios above are the measurement). BENCH_SOLO=0 skips it.
const soloRun = process.env.BENCH_SOLO !== '0';
const solo = soloRun
  ? await alternatingRounds([['bare'], ...variants], 1, ([variant]) =>
      measureServer({ script, variant, path, seconds: 5, connections, warmup: 5 }),
    )
  : {};

console.log(
  `\nbench/http — ${chosenFramework.name}, node ${process.version}; GET ${path}; each variant paired with bare ${framework} on one core (${warmup} s warm-up, ${rounds} rounds × ${seconds} s, ${connections} connections each); load from the other core\n`,
);
const pct = (x) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)} %` : '—');
const range = (xs) => (xs.length > 0 ? `${pct(xs[0])} – ${pct(xs[xs.length - 1])}` : '—');
const med = (id, by) => (results[id]?.[by].length > 0 ? median(results[id][by]) : undefined);
// Second baselines: bare + a completion listener (every framework), bare + 30 MB heap (Express diagnostic).
const listener = { rps: med('bare-close', 'rps'), cpu: med('bare-close', 'cpu') };
const ballast = med('bare-ballast', 'rps');
const soloCells = (id) => (soloRun ? ` ${Math.round(solo[id][0].rps)} | ${solo[id][0].p99} |` : '');
const ifListener = (text) => (listener.rps ? text : '');
console.log(
  `| variant | req/s: % of bare (median of rounds) | lowest – highest round |${ifListener(' % of bare + completion listener |')} CPU/request: % of bare (median) | lowest – highest round |${ifListener(' % of bare + completion listener |')} CPU µs/request: variant / its bare |${ballast ? ' req/s ÷ bare + 30 MB heap |' : ''}${soloRun ? ' solo req/s | solo p99 ms |' : ''}`,
);
console.log(
  `|---|---:|---|${ifListener('---:|')}---:|---|${ifListener('---:|')}---:|${ballast ? '---:|' : ''}${soloRun ? '---:|---:|' : ''}`,
);
console.log(
  `| ${bareLabel} | 100 % | — |${ifListener(' — |')} 100 % | — |${ifListener(' — |')} — |${ballast ? ' — |' : ''}${soloCells('bare')}`,
);
for (const [id, label] of variants) {
  const r = results[id];
  const relative = (x, base) => (base ? ` ${pct(x / base)} |` : '');
  const us = (x) => (x === undefined ? '—' : x.toFixed(1));
  const micros = `${us(r.cpuMicros)} / ${us(r.bareCpuMicros)}`;
  console.log(
    `| ${label} | ${pct(med(id, 'rps'))} | ${range(r.rps)} |${relative(med(id, 'rps'), listener.rps)} ${pct(med(id, 'cpu'))} | ${range(r.cpu)} |${relative(med(id, 'cpu'), listener.cpu)} ${micros} |${relative(med(id, 'rps'), ballast)}${soloCells(id)}`,
  );
}

// The goals, as far as this run shows them (by req/s and by CPU time per request): slakit metrics-only ahead
// of every peer and ≥ 97 % of bare + completion listener; the full mode ahead of every tracing peer (OTel variants).
const peers = variants.filter(([id]) => !id.startsWith('slakit-') && !id.startsWith('bare'));
const tracingPeers = peers.filter(([id]) => id.includes('otel'));
const verdict = (ok) => (ok ? 'met' : 'NOT met');
console.log('');
for (const by of ['rps', 'cpu']) {
  const m = med('slakit-metrics', by);
  const f = med('slakit-full', by);
  const name = by === 'rps' ? 'req/s' : 'CPU/request';
  const best = (list) => Math.max(...list.map(([id]) => med(id, by)));
  if (m && peers.length > 0)
    console.log(
      `goal (${name}): metrics-only ahead of every peer — ${verdict(m > best(peers))} (${pct(m)} vs best peer ${pct(best(peers))})`,
    );
  if (m && listener[by])
    console.log(
      `goal (${name}): metrics-only ≥ 97 % of bare + completion listener — ${verdict(m / listener[by] >= 0.97)} (${pct(m / listener[by])})`,
    );
  if (f && tracingPeers.length > 0)
    console.log(
      `goal (${name}): full mode ahead of every tracing peer — ${verdict(f > best(tracingPeers))} (${pct(f)} vs ${pct(best(tracingPeers))})`,
    );
}

// Resident memory: VmHWM (peak since start) and VmRSS right after the load, read from /proc. "paired" = the variant's
// server after its paired rounds, against the bare server loaded beside it; "solo" = after its solo pass.
if (Object.values(memory).some((mem) => mem.own && mem.bare)) {
  const mb = (x) => (x === undefined ? '—' : `${Math.round(x)}`);
  const delta = (a, b) => (a === undefined || b === undefined ? '—' : `${a >= b ? '+' : '−'}${Math.round(Math.abs(a - b))}`);
  const bareSolo = solo.bare?.[0].memory;
  console.log('\nResident memory (MB; peak = VmHWM since start, after = VmRSS when the load stopped)\n');
  console.log(
    '| variant | paired: peak | after load | its bare: peak | after load | Δ peak | Δ after | solo: peak | after load | Δ peak vs solo bare |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  console.log(`| ${bareLabel} | — | — | — | — | — | — | ${mb(bareSolo?.peak)} | ${mb(bareSolo?.rss)} | — |`);
  for (const [id, label] of variants) {
    const { own, bare } = memory[id];
    const s = solo[id]?.[0].memory;
    console.log(
      `| ${label} | ${mb(own?.peak)} | ${mb(own?.rss)} | ${mb(bare?.peak)} | ${mb(bare?.rss)} | ${delta(own?.peak, bare?.peak)} | ${delta(own?.rss, bare?.rss)} | ${mb(s?.peak)} | ${mb(s?.rss)} | ${delta(s?.peak, bareSolo?.peak)} |`,
    );
  }
}
