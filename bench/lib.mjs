// Shared by the load benchmarks: one server process per variant pinned to core 0, autocannon on the caller's core,
// rounds that alternate the variants' order, medians.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import autocannon from 'autocannon';

export const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Starts `node <script> <variant> <port>` on core 0, waits for "ready", loads `path` for `seconds` after a 1 s warm-up. */
export async function measureServer({ script, variant, path, seconds, connections }) {
  const port = await freePort();
  const server = spawn('taskset', ['-c', '0', process.execPath, script, variant, String(port)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((resolve, reject) => {
    server.stdout.on('data', (d) => String(d).includes('ready') && resolve());
    server.once('exit', (code) => reject(new Error(`${variant} exited ${code}`)));
  });
  const url = `http://127.0.0.1:${port}${path}`;
  await autocannon({ url, connections, duration: 1 });
  const result = await autocannon({ url, connections, duration: seconds });
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${variant}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: result.requests.average, p99: result.latency.p99 };
}

/** Runs every variant `rounds` times, reversing the order every other round; returns samples per variant id. */
export async function alternatingRounds(variants, rounds, measure) {
  const samples = Object.fromEntries(variants.map(([id]) => [id, []]));
  for (let round = 0; round < rounds; round++) {
    for (const variant of round % 2 === 0 ? variants : [...variants].reverse()) {
      const r = await measure(variant);
      samples[variant[0]].push(r);
      process.stderr.write(`round ${round + 1} ${variant[0]}: ${Math.round(r.rps)} req/s, p99 ${r.p99} ms\n`);
    }
  }
  return samples;
}
