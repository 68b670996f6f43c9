// bench/scrape, exemplar cost on the hot path: ns per bound histogram record() without a span, with an unsampled
// span and with a sampled one (the exemplar slot written). Run: node scrape/record.mjs
import { createAggregatingFastMetrics } from '@slakit/core';
import { Bench } from 'tinybench';

const fast = createAggregatingFastMetrics('slakit');
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
const h = fast.histogram('http.server.request.duration', { unit: 's', boundaries: BUCKETS });
const series = h.bind({ 'http.request.method': 'GET', 'http.route': '/users/:id', 'http.response.status_code': 200 });
const unsampled = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 0 };
const sampled = { ...unsampled, traceFlags: 1 };
let v = 0;
const next = () => {
  v = (v + 0.0137) % 2;
  return v;
};
const bench = new Bench({ time: Number(process.env.BENCH_TIME_MS ?? 1000) });
bench
  .add('record(value)', () => series.record(next()))
  .add('record(value, unsampled span)', () => series.record(next(), unsampled))
  .add('record(value, sampled span) — exemplar written', () => series.record(next(), sampled));
await bench.run();
const base = bench.tasks[0].result.latency.mean;
console.log('| call | mean ns | vs record(value) |\n|---|---:|---:|');
for (const t of bench.tasks) {
  const ns = t.result.latency.mean * 1e6;
  console.log(`| ${t.name} | ${ns.toFixed(1)} | ${t === bench.tasks[0] ? '—' : `+${(ns - base * 1e6).toFixed(1)} ns`} |`);
}
