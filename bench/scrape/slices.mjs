// bench/scrape, part C: the longest piece of work slakit's scrape does at once. In this process (no server, no
// socket): <series> histogram series on slakit's aggregating instruments, each next() of the scrape's chunk stream
// timed — one slice of rendering (bounded by SCRAPE_SLICE_MS) or the SDK's part — plus the copy of the chunk the
// socket would make, after one warm-up scrape: wall time (includes the host preempting this process) and CPU time of the process (excludes it;
// includes GC helper threads). Run: node scrape/slices.mjs [series] [rounds]
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { createAggregatingFastMetrics, METRIC_CATALOGUE as M, PrometheusConventionReader } from '@slakit/core';

export async function slices(series, rounds = 5) {
  const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
  const reader = new PrometheusConventionReader();
  const fast = createAggregatingFastMetrics('slakit');
  reader.attachProducer(fast);
  const provider = new MeterProvider({ readers: [reader] });
  const h = fast.histogram(M.httpDuration.otel, { unit: 's', boundaries: BUCKETS });
  const span = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 };
  for (let i = 0; i < series; i++) {
    const b = h.bind({
      'http.request.method': 'GET',
      'http.route': `/api/v1/resource_${i}/:id`,
      'http.response.status_code': 200,
    });
    for (const v of [0.003, 0.04, 0.2]) b.record(v, i % 10 === 0 ? span : undefined);
  }
  const out = {};
  for (const format of ['text', 'openmetrics']) {
    const all = [];
    const cpu = [];
    for (let r = -1; r < rounds; r++) {
      const it = reader.chunks(format, (e) => {
        throw e;
      });
      for (;;) {
        const t0 = performance.now();
        const c0 = process.cpuUsage();
        const next = await it.next();
        if (!next.done) Buffer.from(next.value); // the copy a socket write makes
        const c = process.cpuUsage(c0);
        // round -1 warms the code up (JIT), as the servers' 3 warm-up scrapes do
        if (r >= 0) {
          all.push(performance.now() - t0);
          cpu.push((c.user + c.system) / 1000);
        }
        if (next.done) break;
      }
    }
    all.sort((a, b) => a - b);
    cpu.sort((a, b) => a - b);
    out[format] = {
      n: all.length / rounds,
      p50: all[Math.floor(all.length / 2)],
      p99: all[Math.floor(all.length * 0.99)],
      max: all.at(-1),
      cpuP99: cpu[Math.floor(cpu.length * 0.99)],
      cpuMax: cpu.at(-1),
    };
  }
  await provider.shutdown();
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const series = Number(process.argv[2] ?? 30000);
  console.log(JSON.stringify(await slices(series, Number(process.argv[3] ?? 5))));
}
