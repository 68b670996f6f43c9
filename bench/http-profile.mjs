// bench/http-profile: where the time of one request goes, per component, from V8's CPU profiler — the attribution
// behind bench/http's percentages. Each variant's server (bench/http/server.cjs, core 0) is warmed up, then profiled
// while autocannon (50 connections, this core) loads GET /users/:id; a profile sample's time is charged to the
// component of the function that was running (self time), divided by the requests served in the window.
// Run: pnpm build && BENCH_FRAMEWORK=<express|fastify|koa|hono|node> pnpm --filter @slakit/bench http:profile
//      (BENCH_SECONDS, BENCH_WARMUP, BENCH_VARIANTS, BENCH_PATH, BENCH_INSITU — the latter Express only)
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { cpuOf, startServer } from './lib.mjs';

const seconds = Number(process.env.BENCH_SECONDS ?? 15);
const warmup = Number(process.env.BENCH_WARMUP ?? 10);
const variants = (process.env.BENCH_VARIANTS ?? 'bare,slakit-metrics,slakit-full').split(',');
const script = new URL('./http/server.cjs', import.meta.url).pathname;
const preload = new URL('./http/profile-preload.cjs', import.meta.url).pathname;
const insitu = new URL('./http/insitu-preload.cjs', import.meta.url).pathname;
// BENCH_INSITU=1: also time slakit's middleware and close handler inside the server (adds two listeners and a few
// clock reads per request to the slakit variants, so their profile is then a little heavier).
const timeInSitu = process.env.BENCH_INSITU === '1';

const framework = process.env.BENCH_FRAMEWORK ?? 'express';
const path = process.env.BENCH_PATH ?? '/users/42';
const frameworkLabel = {
  express: 'Express, router and their dependencies',
  fastify: 'Fastify and its dependencies',
  koa: 'Koa, @koa/router and their dependencies',
  hono: 'Hono, @hono/node-server',
  node: 'node_modules (none on the request path)',
}[framework];
if (!frameworkLabel) throw new Error(`BENCH_FRAMEWORK=${framework}: one of express, fastify, koa, hono, node`);

// The package a node_modules URL belongs to (pnpm's layout: …/node_modules/.pnpm/<id>/node_modules/<name>/…).
const packageOf = (url) => /.*node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1];
const PINO = new Set([
  'pino',
  'sonic-boom',
  'pino-std-serializers',
  'fast-redact',
  'quick-format-unescaped',
  'atomic-sleep',
  'on-exit-leak-free',
  'thread-stream',
]);
const OTEL = (name) => name.startsWith('@opentelemetry/') || name === '@fastify/otel' || name === '@hono/otel';
// The Prometheus peers and what they run per request.
const METRICS_PEERS = new Set([
  'prom-client',
  'express-prom-bundle',
  'fastify-metrics',
  '@hono/prometheus',
  'tdigest',
  'bintrees',
  'url-value-parser',
]);

/** Component of a profiled function, from its script URL (or V8's pseudo-frames). */
function component({ url, functionName }) {
  if (functionName === '(garbage collector)') return 'V8 garbage collector';
  if (functionName === '(idle)') return 'idle (waiting for the network)';
  if (!url) return functionName === 'writev' || functionName === 'writeBuffer' ? 'socket writes (native)' : 'other native / V8';
  if (/\/packages\/[^/]+\/dist\//.test(url)) return 'slakit';
  const pkg = packageOf(url);
  if (pkg && OTEL(pkg)) return 'OpenTelemetry SDK/API/instrumentations';
  if (pkg && PINO.has(pkg)) return 'pino';
  if (pkg && METRICS_PEERS.has(pkg)) return 'Prometheus peer (prom-client, …)';
  // slakit's route matcher for node:http's `routes` patterns (under Fastify the same package is Fastify's router).
  if (pkg === 'find-my-way' && framework === 'node') return 'slakit';
  if (
    url.startsWith('node:internal/async_hooks') ||
    url === 'node:async_hooks' ||
    url.startsWith('node:internal/async_local_storage')
  )
    return 'Node async_hooks (AsyncLocalStorage)';
  if (url.startsWith('node:')) return 'Node http/net/streams';
  if (pkg) return frameworkLabel;
  return 'bench server';
}

async function profile(variant, dir) {
  const out = join(dir, `${variant}.cpuprofile`);
  const { server, port, output, waitFor } = await startServer(script, variant, {
    nodeArgs: ['-r', preload, ...(timeInSitu ? ['-r', insitu] : [])],
    env: { ...process.env, BENCH_PROFILE_OUT: out },
  });
  const url = `http://127.0.0.1:${port}${path}`;
  await autocannon({ url, connections: 50, duration: warmup });
  server.kill('SIGUSR2');
  await new Promise((r) => setTimeout(r, 100));
  const cpuBefore = cpuOf(server.pid);
  const result = await autocannon({ url, connections: 50, duration: seconds });
  const cpuAfter = cpuOf(server.pid);
  server.kill('SIGUSR2');
  await waitFor('profiled');
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${variant}: ${result.non2xx} non-2xx, ${result.errors} errors`);

  const prof = JSON.parse(readFileSync(out, 'utf8'));
  const nodes = new Map(prof.nodes.map((n) => [n.id, n]));
  const micros = new Map();
  let total = 0;
  // slakit's own functions by self time (BENCH_TOP=N prints the N largest per variant).
  const slakitFunctions = new Map();
  prof.samples.forEach((id, i) => {
    const dt = prof.timeDeltas[i] ?? 0;
    const frame = nodes.get(id).callFrame;
    const c = component(frame);
    micros.set(c, (micros.get(c) ?? 0) + dt);
    total += dt;
    if (c === 'slakit') {
      const key = `${frame.functionName || '(anonymous)'} ${frame.url.replace(/.*\/packages\//, '')}:${frame.lineNumber + 1}`;
      slakitFunctions.set(key, (slakitFunctions.get(key) ?? 0) + dt);
    }
  });
  // Requests served while the profiler ran ≈ autocannon's count (the profile window spans the whole load).
  const perRequest = (us) => us / result.requests.total;
  // On a loaded host the profiler's samples also count the time the server was descheduled (charged to whatever ran
  // before): the CPU-scaled figures spread the process's CPU time per request (/proc) over the non-idle samples.
  const idle = micros.get('idle (waiting for the network)') ?? 0;
  const cpuPerRequest = cpuBefore === undefined ? undefined : (cpuAfter - cpuBefore) / result.requests.total;
  const scaled = (us) => (cpuPerRequest === undefined ? Number.NaN : (us / (total - idle)) * cpuPerRequest);
  const [, middlewareNs, closeNs] = output().match(/insitu (\S+) (\S+)/) ?? [];
  return {
    rps: result.requests.average,
    insitu: timeInSitu && variant.startsWith('slakit-') ? `${middlewareNs} ns + ${closeNs} ns` : '—',
    total: perRequest(total),
    byComponent: new Map([...micros].map(([k, v]) => [k, perRequest(v)])),
    cpuPerRequest,
    slakitFunctions: [...slakitFunctions].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, perRequest(v)]),
    byComponentScaled: new Map([...micros].filter(([k]) => !k.startsWith('idle')).map(([k, v]) => [k, scaled(v)])),
  };
}

const dir = mkdtempSync(join(tmpdir(), 'slakit-http-profile-'));
const results = {};
try {
  for (const v of variants) {
    results[v] = await profile(v, dir);
    process.stderr.write(`${v}: ${Math.round(results[v].rps)} req/s while profiled\n`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const base = variants[0];
const last = variants.at(-1);
const signed = (d, digits) => `${d >= 0 ? '+' : ''}${d.toFixed(digits)}`;

/** One table: µs per request by component (`key`: the raw profile or the CPU-scaled figures), differences to bare. */
function table(title, key, totalOf) {
  const microsOf = (v, c) => results[v][key].get(c) ?? 0;
  // Largest components of the last variant first.
  const components = [...new Set(variants.flatMap((v) => [...results[v][key].keys()]))].sort(
    (a, b) => microsOf(last, b) - microsOf(last, a),
  );
  console.log(`\n${title}\n`);
  console.log(`| component | ${variants.join(' | ')} |`);
  console.log(`|---|${variants.map(() => '---:').join('|')}|`);
  const cell = (v, c) => {
    const x = microsOf(v, c);
    const d = x - microsOf(base, c);
    return v === base || Math.abs(d) < 0.005 ? x.toFixed(2) : `${x.toFixed(2)} (${signed(d, 2)})`;
  };
  for (const c of components) console.log(`| ${c} | ${variants.map((v) => cell(v, c)).join(' | ')} |`);
  const total = (v) => totalOf(results[v]);
  console.log(
    `| **total per request** | ${variants.map((v) => (v === base ? total(v).toFixed(1) : `${total(v).toFixed(1)} (${signed(total(v) - total(base), 1)})`)).join(' | ')} |`,
  );
}

const setting = `${framework}, node ${process.version}; GET ${path}; ${warmup} s warm-up, ${seconds} s profiled, 50 connections; self time by component`;
table(`bench/http-profile — ${setting}; µs of server CPU profile per request`, 'byComponent', (r) => r.total);
console.log(`| req/s while profiled | ${variants.map((v) => Math.round(results[v].rps)).join(' | ')} |`);
if (timeInSitu) {
  console.log(`| slakit in situ: middleware + close handler | ${variants.map((v) => results[v].insitu).join(' | ')} |`);
}
table(
  `CPU-scaled (the process's CPU µs per request from /proc, spread over the non-idle profile samples — robust to a loaded host): ${setting}`,
  'byComponentScaled',
  (r) => r.cpuPerRequest ?? Number.NaN,
);
const top = Number(process.env.BENCH_TOP ?? 0);
for (const v of variants.filter((x) => top > 0 && results[x].slakitFunctions.length > 0)) {
  console.log(`\nslakit's largest functions in ${v} (self µs per request, raw profile):\n`);
  for (const [name, us] of results[v].slakitFunctions.slice(0, top)) console.log(`- ${us.toFixed(2)} ${name}`);
}
