// Shared by the load benchmarks: server processes pinned to core 0, autocannon on the caller's core. Two designs:
// measureServer + alternatingRounds (one server alone on the core per measurement) and benchShared (servers loaded
// at the same time on the shared core, compared per round — robust to the host's slowdowns).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
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

/**
 * Resident memory of a process in MB from /proc (Linux): `rss` now (VmRSS) and `peak`, the high-water mark since it
 * started (VmHWM). `undefined` where /proc is missing. The servers run as `taskset … node`, which execs node: same pid.
 */
export function memoryOf(pid) {
  let status;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/**
 * CPU time (user + system) a process has used so far, in µs, from /proc/<pid>/stat (Linux; clock ticks of 10 ms at
 * the usual USER_HZ 100 — `BENCH_CLK_TCK` otherwise). `undefined` where /proc is missing.
 */
export function cpuOf(pid) {
  let stat;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Fields after the command name (which may contain spaces): state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1e6) / Number(process.env.BENCH_CLK_TCK ?? 100);
}

/**
 * Starts `node [nodeArgs] <script> <variant> <port>` pinned to core 0 and waits for it to print "ready". Returns the
 * process, its port, everything it printed so far (`output()`) and `waitFor(text)`, resolved once `text` was printed.
 */
export const startServer = async (script, variant, { nodeArgs = [], env = process.env } = {}) => {
  const port = await freePort();
  const server = spawn('taskset', ['-c', '0', process.execPath, ...nodeArgs, script, variant, String(port)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env,
  });
  let printed = '';
  const waiting = new Set();
  server.stdout.on('data', (d) => {
    printed += d;
    for (const w of waiting) w();
  });
  const waitFor = (text) =>
    new Promise((resolve, reject) => {
      const check = () => {
        if (!printed.includes(text)) return;
        waiting.delete(check);
        resolve();
      };
      waiting.add(check);
      server.once('exit', (code) => reject(new Error(`${variant} exited ${code}`)));
      check();
    });
  await waitFor('ready');
  return { server, port, output: () => printed, waitFor };
};

/**
 * Starts `node <script> <variant> <port>` on core 0, waits for "ready", loads `path` for `seconds` after a warm-up of
 * `warmup` seconds (default BENCH_WARMUP or 5: on the CI machine a fresh Express process needs ~5 s of load before its
 * throughput settles — with 1 s of warm-up the rounds of one variant differed by up to ±25 %).
 */
export async function measureServer({
  script,
  variant,
  path,
  seconds,
  connections,
  warmup = Number(process.env.BENCH_WARMUP ?? 5),
}) {
  const { server, port } = await startServer(script, variant);
  const url = `http://127.0.0.1:${port}${path}`;
  await autocannon({ url, connections, duration: warmup });
  const result = await autocannon({ url, connections, duration: seconds });
  const memory = memoryOf(server.pid);
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${variant}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: result.requests.average, p99: result.latency.p99, memory };
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

/**
 * Shared-core comparison: all variants' servers run at once on core 0, each loaded by its own autocannon (on the
 * caller's core) for the same `seconds`. The kernel's fair scheduler gives every busy server the same CPU time, so
 * the ratio of two servers' req/s is the inverse ratio of their CPU cost per request — and a slowdown of the host
 * hits all of them in the same instant, which time-sliced rounds cannot cancel on a noisy VM. Returns per-round
 * samples (with `cpuPerRequest`, µs of server CPU time per request), the per-round ratios of each variant to
 * `baseline` by req/s (`ratios`) and by CPU time per request (`cpuRatios`), and each server's resident memory once the last round
 * ended (`memory[id]`: `{ rss, peak }` in MB, see {@link memoryOf}).
 */
export async function benchShared({ script, variants, baseline, seconds, rounds, connections, warmup }) {
  warmup ??= Number(process.env.BENCH_WARMUP ?? 15);
  const running = [];
  try {
    for (const v of variants) running.push({ ...v, ...(await startServer(script, v.variant ?? v.id)) });
    // Each server's CPU time per request served in the round (from /proc): robust where the fair-share assumption
    // is not (a server idling because its load generator was starved on a busy host still uses no CPU for it).
    const loadAll = (duration) =>
      Promise.all(
        running.map(async (r) => {
          const cpuBefore = cpuOf(r.server.pid);
          const result = await autocannon({ url: `http://127.0.0.1:${r.port}${r.path}`, connections, duration });
          const cpuAfter = cpuOf(r.server.pid);
          if (result.non2xx > 0 || result.errors > 0)
            throw new Error(`${r.id}: ${result.non2xx} non-2xx, ${result.errors} errors`);
          const cpuPerRequest =
            cpuBefore === undefined || result.requests.total === 0 ? undefined : (cpuAfter - cpuBefore) / result.requests.total;
          return [r.id, { rps: result.requests.average, p99: result.latency.p99, cpuPerRequest }];
        }),
      ).then(Object.fromEntries);
    await loadAll(warmup);
    const samples = Object.fromEntries(variants.map((v) => [v.id, []]));
    const ratios = Object.fromEntries(variants.map((v) => [v.id, []]));
    // Per round: the baseline's CPU time per request ÷ the variant's (same scale as the req/s ratio: 90 % = 11 % more CPU).
    const cpuRatios = Object.fromEntries(variants.map((v) => [v.id, []]));
    for (let round = 0; round < rounds; round++) {
      const got = await loadAll(seconds);
      for (const v of variants) {
        samples[v.id].push(got[v.id]);
        // A round in which a server served nothing (starved by the host's other processes) has no ratio.
        if (baseline && got[v.id].rps > 0 && got[baseline].rps > 0) ratios[v.id].push(got[v.id].rps / got[baseline].rps);
        if (baseline && got[v.id].cpuPerRequest && got[baseline].cpuPerRequest)
          cpuRatios[v.id].push(got[baseline].cpuPerRequest / got[v.id].cpuPerRequest);
      }
      process.stderr.write(
        `round ${round + 1}: ${variants.map((v) => `${v.id} ${Math.round(got[v.id].rps)}`).join(', ')} req/s\n`,
      );
    }
    const memory = Object.fromEntries(running.map((r) => [r.id, memoryOf(r.server.pid)]));
    return { samples, ratios, cpuRatios, memory };
  } finally {
    for (const r of running) r.server.kill('SIGTERM');
    await Promise.all(
      running.map((r) => (r.server.exitCode === null ? new Promise((res) => r.server.once('exit', res)) : undefined)),
    );
  }
}
