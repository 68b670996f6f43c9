// bench/micro: ns per request of slakit's recording path (instrument() middleware + the close handler), on fake
// req/res objects, against an empty middleware doing the same listener bookkeeping. Run: pnpm build && pnpm --filter @slakit/bench micro
import { EventEmitter } from 'node:events';
import { createTelemetry, isoTimestamp } from '@slakit/core';
import { instrument } from '@slakit/express-middleware';
import pino from 'pino';
import { Bench } from 'tinybench';

const telemetry = createTelemetry({ serviceName: 'micro', env: {}, providers: 'own', logger: { level: 'silent' } });
const metricsOnly = instrument({ telemetry, tracing: { enabled: false }, logging: { enabled: false }, requestId: false });
const withRequestId = instrument({
  telemetry,
  tracing: { enabled: false },
  logging: { enabled: false },
  requestId: { responseHeader: true },
});

const full = createTelemetry({
  serviceName: 'micro-full',
  env: {},
  providers: 'own',
  logger: { destination: pino.destination({ dest: '/dev/null', sync: false }) },
  traces: { exporter: { export: (_s, done) => done({ code: 0 }), shutdown: async () => {} } },
});
const fullMw = instrument({ telemetry: full, tracing: { sampleRatio: 0.1 }, logging: { sampleSuccess: 0.1 } });
const empty = (_req, res, next) => {
  res.on('close', () => {});
  next();
};

let n = 0;
function fakeExchange() {
  const res = new EventEmitter();
  res.statusCode = 200;
  res.headersSent = true;
  res.writableEnded = true;
  res.writableFinished = true;
  res.setHeader = () => {};
  const req = {
    method: 'GET',
    url: `/users/${n++ % 1000}`, // a fresh string per request, as from the HTTP parser (its hash is not cached)
    headers: {},
    socket: {},
    baseUrl: '',
    route: { path: '/users/:id' },
    params: { id: '42' },
  };
  return { req, res };
}
const next = () => {};
const run = (mw) => () => {
  const { req, res } = fakeExchange();
  mw(req, res, next);
  res.emit('close');
};

const bench = new Bench({ time: Number(process.env.BENCH_TIME_MS ?? 2000), warmupTime: 500 });
bench.add('baseline: empty middleware + close listener', run(empty));
bench.add('slakit instrument(): metrics only', run(metricsOnly));
bench.add('slakit instrument(): metrics + echoed request id (generated UUID)', run(withRequestId));
bench.add('slakit instrument(): full (tracing 10 %, logs 10 %)', run(fullMw));
await bench.run();
const base = bench.tasks[0].result.latency.mean * 1e6;
console.log(`\nbench/micro — node ${process.version}\n`);
console.log('| task | ns/op (mean) | slakit cost ns/op |');
console.log('|---|---:|---:|');
for (const t of bench.tasks) {
  const ns = t.result.latency.mean * 1e6;
  console.log(`| ${t.name} | ${Math.round(ns)} | ${t === bench.tasks[0] ? '—' : Math.round(ns - base)} |`);
}

// The logger's time field: pino's isoTime (a Date and toISOString() per line) against core's isoTimestamp.
const time = new Bench({ time: Number(process.env.BENCH_TIME_MS ?? 2000), warmupTime: 500 });
let sink = 0;
time.add("pino.stdTimeFunctions.isoTime (pino's ISO time)", () => {
  sink += pino.stdTimeFunctions.isoTime().length;
});
time.add('isoTimestamp (@slakit/core logger)', () => {
  sink += isoTimestamp().length;
});
await time.run();
console.log('\n| log line time field | ns/op (mean) |');
console.log('|---|---:|');
for (const t of time.tasks) console.log(`| ${t.name} | ${Math.round(t.result.latency.mean * 1e6)} |`);
if (sink === 0) throw new Error('unreachable: keeps the timestamps from being optimised away');
await telemetry.shutdown();
await full.shutdown();
