// bench/health: /readiness throughput and p99 with the same two dependency checks (Postgres, Redis) in slakit
// (cached background results), terminus (checks on every request) and lightship (state set by an interval).
// Server on core 0, autocannon on core 1; alternating rounds; medians.
// Run: pnpm build && pnpm --filter @slakit/bench health   (BENCH_SECONDS, BENCH_ROUNDS, BENCH_CONNECTIONS)
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import autocannon from 'autocannon';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const variants = [
  ['slakit', '@slakit/health (background checks, cached)', '/readiness'],
  ['terminus', '@godaddy/terminus 4 (checks per request)', '/readiness'],
  ['lightship', 'lightship 7.2 (state set by a 10 s interval)', '/ready'],
];
const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

async function measure(variant, path) {
  const port = await freePort();
  const server = spawn(
    'taskset',
    ['-c', '0', process.execPath, new URL('./health/server.mjs', import.meta.url).pathname, variant, String(port)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise((resolve, reject) => {
    server.stdout.on('data', (d) => String(d).includes('ready') && resolve());
    server.once('exit', (code) => reject(new Error(`${variant} exited ${code}`)));
  });
  const url = `http://127.0.0.1:${port}${path}`;
  await autocannon({ url, connections, duration: 1 });
  const r = await autocannon({ url, connections, duration: seconds });
  server.kill('SIGTERM');
  await new Promise((res) => server.once('exit', res));
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`${variant}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return { rps: r.requests.average, p99: r.latency.p99 };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const samples = Object.fromEntries(variants.map(([v]) => [v, []]));
for (let round = 0; round < rounds; round++) {
  for (const [v, , path] of round % 2 === 0 ? variants : [...variants].reverse()) {
    const r = await measure(v, path);
    samples[v].push(r);
    process.stderr.write(`round ${round + 1} ${v}: ${Math.round(r.rps)} req/s, p99 ${r.p99} ms\n`);
  }
}
console.log(
  `\nbench/health — node ${process.version}, ${rounds} rounds × ${seconds} s, ${connections} connections, server on core 0, autocannon on core 1\n`,
);
console.log('| variant | median req/s | median p99 ms |');
console.log('|---|---:|---:|');
for (const [v, label] of variants)
  console.log(`| ${label} | ${Math.round(median(samples[v].map((s) => s.rps)))} | ${median(samples[v].map((s) => s.p99))} |`);
