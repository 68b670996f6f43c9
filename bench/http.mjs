// bench/http: request throughput of a hello-world Express route (GET /users/:id) with each instrumentation, against
// bare Express measured in the same run. Server pinned to core 0 (taskset), load generator (autocannon) on core 1.
// Rounds alternate the variants; medians are reported.
// Run: pnpm build && pnpm --filter @slakit/bench http      (BENCH_SECONDS, BENCH_ROUNDS, BENCH_CONNECTIONS)
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import autocannon from 'autocannon';

const seconds = Number(process.env.BENCH_SECONDS ?? 6);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const variants = [
  ['bare', 'bare Express'],
  ['slakit-metrics', 'slakit metrics only'],
  ['slakit-full', 'slakit metrics + tracing (10 %) + logs (10 %)'],
  ['prom-bundle', 'express-prom-bundle (method + path)'],
  ['otel', 'OpenTelemetry http + express instrumentation + Prometheus exporter'],
];

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

async function measure(variant) {
  const port = await freePort();
  const server = spawn(
    'taskset',
    ['-c', '0', process.execPath, new URL('./http/server.cjs', import.meta.url).pathname, variant, String(port)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise((resolve, reject) => {
    server.stdout.on('data', (d) => String(d).includes('ready') && resolve());
    server.once('exit', (code) => reject(new Error(`${variant} exited ${code}`)));
  });
  const url = `http://127.0.0.1:${port}/users/42`;
  await autocannon({ url, connections, duration: 1 }); // warm-up
  const result = await autocannon({ url, connections, duration: seconds });
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${variant}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: result.requests.average, p99: result.latency.p99 };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

const samples = Object.fromEntries(variants.map(([v]) => [v, []]));
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? variants : [...variants].reverse();
  for (const [v] of order) {
    const r = await measure(v);
    samples[v].push(r);
    process.stderr.write(`round ${round + 1} ${v}: ${Math.round(r.rps)} req/s, p99 ${r.p99} ms\n`);
  }
}
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
