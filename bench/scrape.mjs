// bench/scrape: the /metrics path of slakit vs prom-client vs OpenTelemetry's PrometheusExporter, at 300, 3000 and
// 30 000 histogram series (HTTP duration buckets, 3 labels, 3 observations each). One server per variant on core 0.
//   A. scrape time: 3 warm-up + BENCH_SCRAPES scrapes per variant, round-robin over the variants' servers (all
//      running), one at a time; median wall time seen by the client; bytes
//      of the body, and gzipped (slakit: what it sends for `Accept-Encoding: gzip`; the peers send no gzip, so their
//      figure is zlib level 1 of their body, what a compression middleware would add on top).
//   B. under load: two servers of the variant on core 0 under the same fixed-rate hello-world load (BENCH_RATE req/s
//      each) for BENCH_SECONDS at the same time; one is scraped (1 s apart, with Prometheus' Accept headers), the
//      other not; then the roles swap. p99 of the scraped vs the unscraped twin; the longest event-loop block
//      (monitorEventLoopDelay max) during a scrape, and the unscraped twin's over the whole window (the host's floor).
//   C. slakit alone, in process: the time of each piece of work its scrape does at once (scrape/slices.mjs).
// Run: pnpm build && pnpm --filter @slakit/bench scrape   (BENCH_SIZES=300,3000,30000 BENCH_SCRAPES BENCH_RATE BENCH_SECONDS)
import { Agent, get } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { gzipSync } from 'node:zlib';
import { median, startServer } from './lib.mjs';
import { slices } from './scrape/slices.mjs';

const sizes = (process.env.BENCH_SIZES ?? '300,3000,30000').split(',').map(Number);
const scrapesAt = (size) => Number(process.env.BENCH_SCRAPES ?? (size >= 30000 ? 7 : 15));
const rate = Number(process.env.BENCH_RATE ?? 500);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const script = new URL('./scrape/server.mjs', import.meta.url).pathname;
const variants = [
  ['slakit', 'slakit `metricsHandler`'],
  ['slakit-before', 'slakit before (OTel serializer, whole text)'],
  ['prom-client', 'prom-client 15 `registry.metrics()`'],
  ['otel', 'OpenTelemetry `PrometheusExporter` 0.223'],
];
const PROMETHEUS_HEADERS = {
  accept:
    'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1',
  'accept-encoding': 'gzip',
};

/** One GET: wall ms until the body is in, the bytes on the wire, and the body (kept only when `keep`). */
function fetchRaw(port, path, headers = {}, keep = false) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    get({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
      let bytes = 0;
      const parts = [];
      res.on('data', (d) => {
        bytes += d.length;
        if (keep) parts.push(d);
      });
      res.on('end', () =>
        resolve({ ms: performance.now() - started, bytes, body: keep ? Buffer.concat(parts) : undefined, headers: res.headers }),
      );
      res.on('error', reject);
    }).on('error', reject);
  });
}
const stats = async (port) => JSON.parse((await fetchRaw(port, '/stats', {}, true)).body.toString());

/**
 * Fixed-rate load on `/` for `secs` (every 10 ms a batch of rate/100 requests on keep-alive sockets, enough sockets that
 * none waits for one): latencies (ms) from each request's send, so time spent queued behind a blocked loop counts.
 */
async function load(port, secs) {
  const agent = new Agent({ keepAlive: true, maxSockets: 512 });
  const latencies = [];
  let errors = 0;
  const perTick = Math.max(1, Math.round(rate / 100));
  const start = performance.now();
  let inFlight = 0;
  await new Promise((resolve) => {
    const timer = setInterval(() => {
      if (performance.now() - start >= secs * 1000) {
        clearInterval(timer);
        const wait = setInterval(() => {
          if (inFlight > 0) return;
          clearInterval(wait);
          resolve();
        }, 20);
        return;
      }
      for (let i = 0; i < perTick; i++) {
        inFlight++;
        const due = performance.now();
        get({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
          res.resume();
          res.on('end', () => {
            inFlight--;
            latencies.push(performance.now() - due);
          });
        }).on('error', () => {
          inFlight--;
          errors++;
        });
      }
    }, 10);
  });
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))];
  return { p50: q(0.5), p99: q(0.99), max: latencies.at(-1), n: latencies.length, errors };
}

const pause = (ms) => new Promise((r) => setTimeout(r, ms));
const stop = async (server) => {
  server.kill('SIGTERM');
  if (server.exitCode === null) await new Promise((r) => server.once('exit', r));
};

/**
 * A: scrape time and bytes. One server per variant, all started; the scrapes go round-robin over the variants
 * (slakit, prom-client, otel, slakit, …), 50 ms apart, so a slowdown of the shared host spreads over all of them.
 */
async function quiet(size) {
  const servers = [];
  try {
    for (const [variant] of variants) servers.push({ variant, ...(await startServer(script, `${variant} ${size}`)) });
    for (const s of servers) for (let i = 0; i < 3; i++) await fetchRaw(s.port, '/metrics');
    await pause(50);
    for (const s of servers) {
      await stats(s.port);
      s.times = [];
      s.omTimes = [];
    }
    for (let i = 0; i < scrapesAt(size); i++) {
      for (const s of servers) {
        const r = await fetchRaw(s.port, '/metrics', {}, i === 0);
        s.times.push(r.ms);
        s.body ??= r.body;
        await pause(50);
      }
    }
    const out = {};
    for (const s of servers) {
      const seen = (await stats(s.port)).scrapes;
      const gz = await fetchRaw(s.port, '/metrics', { 'accept-encoding': 'gzip' });
      const wireGzip = gz.headers['content-encoding'] === 'gzip';
      // OpenMetrics + gzip as Prometheus asks (slakit only: the peers answer 0.0.4 whatever is asked)
      if (s.variant === 'slakit')
        for (let i = 0; i < 5; i++) s.omTimes.push((await fetchRaw(s.port, '/metrics', PROMETHEUS_HEADERS)).ms);
      out[s.variant] = {
        ms: median(s.times),
        omMs: s.omTimes.length ? median(s.omTimes) : undefined,
        bytes: s.body.length,
        gzipBytes: wireGzip ? gz.bytes : gzipSync(s.body, { level: 1 }).length,
        wireGzip,
        quietBlock: median(seen.map((x) => x.blockMs)),
      };
    }
    return out;
  } finally {
    await Promise.all(servers.map((s) => stop(s.server)));
  }
}

/**
 * B: two servers of the variant on core 0 under the same fixed-rate load at the same time; one is scraped (1 s
 * apart, Prometheus' headers), the other not; then the roles swap. A slowdown of the host hits both at once.
 */
async function underLoad(variant, size) {
  const a = await startServer(script, `${variant} ${size}`);
  const b = await startServer(script, `${variant} ${size}`);
  const out = { scraped: [], unscraped: [], block: [], floor: [], n: 0 };
  try {
    for (const [scraped, other] of [
      [a, b],
      [b, a],
    ]) {
      await Promise.all([stats(scraped.port), stats(other.port)]);
      let scraping = true;
      const loop = (async () => {
        while (scraping) {
          await fetchRaw(scraped.port, '/metrics', PROMETHEUS_HEADERS);
          await pause(1000);
        }
      })();
      const [s, u] = await Promise.all([load(scraped.port, seconds), load(other.port, seconds)]);
      scraping = false;
      await loop;
      await pause(50);
      const [ss, us] = await Promise.all([stats(scraped.port), stats(other.port)]);
      out.scraped.push(s.p99);
      out.unscraped.push(u.p99);
      out.block.push(Math.max(...ss.scrapes.map((x) => x.blockMs)));
      out.floor.push(us.windowBlockMs);
      out.n += ss.scrapes.length;
    }
  } finally {
    await Promise.all([stop(a.server), stop(b.server)]);
  }
  const mean = (xs) => xs.reduce((x, y) => x + y, 0) / xs.length;
  return {
    p99Scraped: mean(out.scraped),
    p99Unscraped: mean(out.unscraped),
    loadBlock: Math.max(...out.block),
    floorBlock: Math.max(...out.floor),
    loadScrapes: out.n,
  };
}

const loadAtStart = loadavg()[0];
const mb = (b) => (b >= 1e6 ? `${(b / 1e6).toFixed(1)} MB` : `${(b / 1e3).toFixed(0)} kB`);
const results = [];
for (const size of sizes) {
  const a = await quiet(size);
  for (const [variant] of variants) {
    const r = { ...a[variant], ...(await underLoad(variant, size)) };
    results.push({ size, variant, ...r });
    process.stderr.write(
      `${size} ${variant}: ${r.ms.toFixed(1)} ms, ${mb(r.bytes)} → ${mb(r.gzipBytes)}, block ${r.quietBlock.toFixed(1)} / ${r.loadBlock.toFixed(1)} ms (floor ${r.floorBlock.toFixed(1)}), p99 ${r.p99Unscraped.toFixed(2)} → ${r.p99Scraped.toFixed(2)} ms\n`,
    );
  }
}

console.log(
  `\nbench/scrape — node ${process.version}, 15 scrapes (7 at 30 000 series) after 3 warm-ups, median, load ${rate} req/s × ${seconds} s, servers on core 0, client on core 1; ${cpus().length} cores shared with other work, load average ${loadAtStart.toFixed(1)} at start, ${loadavg()[0].toFixed(1)} at end\n`,
);
console.log(
  '| series | variant | scrape ms (0.0.4) | ÷ prom-client | OM+gzip ms | body | gzipped | ratio | longest block: median quiet / max under load (unscraped twin) ms | p99 unscraped → scraped ms | p99 Δ |',
);
console.log('|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of results) {
  const peer = results.find((p) => p.size === r.size && p.variant === 'prom-client');
  const label = variants.find(([v]) => v === r.variant)[1];
  const gzipNote = r.wireGzip ? '' : ' (zlib -1)';
  console.log(
    `| ${r.size} | ${label} | ${r.ms.toFixed(1)} | ${(r.ms / peer.ms).toFixed(2)}× | ${r.omMs !== undefined ? r.omMs.toFixed(1) : '—'} | ${mb(r.bytes)} | ${mb(r.gzipBytes)}${gzipNote} | ${(r.bytes / r.gzipBytes).toFixed(0)}× | ${r.quietBlock.toFixed(1)} / ${r.loadBlock.toFixed(1)} (${r.floorBlock.toFixed(1)}) | ${r.p99Unscraped.toFixed(2)} → ${r.p99Scraped.toFixed(2)} | ${(((r.p99Scraped - r.p99Unscraped) / r.p99Unscraped) * 100).toFixed(0)} % |`,
  );
}

// C: slakit's longest piece of work at once, in this process (see scrape/slices.mjs)
console.log(
  '\nslakit scrape, in process: work per next() of the chunk stream (a render slice, or the SDK part) + the chunk copy, 5 scrapes per format\n',
);
console.log('| series | format | pieces per scrape | wall p50 ms | wall p99 ms | wall max ms | CPU p99 ms | CPU max ms |');
console.log('|---:|---|---:|---:|---:|---:|---:|---:|');
for (const size of sizes) {
  const r = await slices(size, 5);
  for (const [format, x] of Object.entries(r))
    console.log(
      `| ${size} | ${format} | ${Math.round(x.n)} | ${x.p50.toFixed(2)} | ${x.p99.toFixed(2)} | ${x.max.toFixed(1)} | ${x.cpuP99.toFixed(2)} | ${x.cpuMax.toFixed(1)} |`,
    );
}
