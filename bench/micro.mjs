// bench/micro: ns per request of slakit's recording path (instrument() middleware + the close handler), on fake
// req/res objects, against an empty middleware doing the same listener bookkeeping. Run: pnpm build && pnpm --filter @slakit/bench micro
import { EventEmitter } from 'node:events';
import { isSpanContextValid, context as otelContext, trace } from '@opentelemetry/api';
import { cachedIsoTimestamp, createLogger, createTelemetry } from '@slakit/core';
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

const only = process.env.BENCH_ONLY; // 'recording', 'time' or 'logger'; default all
const bench = new Bench({ time: Number(process.env.BENCH_TIME_MS ?? 2000), warmupTime: 500 });
if (!only || only === 'recording') {
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
}

// The logger's time field: pino's isoTime (a Date and toISOString() per line) against core's isoTimestamp.
if (!only || only === 'time') {
  const time = new Bench({ time: Number(process.env.BENCH_TIME_MS ?? 2000), warmupTime: 500 });
  let sink = 0;
  time.add("pino.stdTimeFunctions.isoTime (pino's ISO time)", () => {
    sink += pino.stdTimeFunctions.isoTime().length;
  });
  const isoTimestamp = cachedIsoTimestamp();
  time.add('isoTimestamp (@slakit/core logger)', () => {
    sink += isoTimestamp().length;
  });
  await time.run();
  console.log('\n| log line time field | ns/op (mean) |');
  console.log('|---|---:|');
  for (const t of time.tasks) console.log(`| ${t.name} | ${Math.round(t.result.latency.mean * 1e6)} |`);
  if (sink === 0) throw new Error('unreachable: keeps the timestamps from being optimised away');
}
if (!only || only === 'logger') await pairedLoggerRows();
await telemetry.shutdown();
await full.shutdown();

// --- Paired logger rows (issue #26 item 8): the logger before the pattern-based redaction (copied below as it was on
// 2026-12-02: exact keys, 3 levels, Errors untouched, messages not scrubbed) against createLogger() now, in the same
// process. Each round runs both tasks (alternating which goes first); the ratio is the median of the rounds' ratios.
function baselineLogger(destination) {
  const isoTimestamp = cachedIsoTimestamp();
  const KEYS = new Set([
    'authorization',
    'cookie',
    'set-cookie',
    'proxy-authorization',
    'x-api-key',
    'password',
    'token',
    'secret',
  ]);
  const redact = (value, depth = 0) => {
    if (value === null || typeof value !== 'object' || depth >= 3 || value instanceof Error) return value;
    if (Array.isArray(value)) {
      let out;
      for (let i = 0; i < value.length; i++) {
        const item = value[i];
        const red = redact(item, depth + 1);
        if (red !== item) {
          out ??= value.slice();
          out[i] = red;
        }
      }
      return out ?? value;
    }
    let out;
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      const item = value[key];
      const red =
        KEYS.has(key) || KEYS.has(key.toLowerCase()) ? (item === undefined ? item : '[Redacted]') : redact(item, depth + 1);
      if (red !== item) {
        out ??= { ...value };
        out[key] = red;
      }
    }
    return out ?? value;
  };
  const traceFields = () => {
    const span = trace.getSpan(otelContext.active());
    if (!span) return {};
    const sc = span.spanContext();
    if (!isSpanContextValid(sc)) return {};
    return { trace_id: sc.traceId, span_id: sc.spanId, trace_flags: sc.traceFlags.toString(16).padStart(2, '0') };
  };
  const withTrace = (object) => {
    const fields = traceFields();
    return fields.trace_id === undefined ? object : { ...fields, ...object };
  };
  return pino(
    { level: 'info', base: { pid: process.pid }, formatters: { log: (o) => redact(withTrace(o)) }, timestamp: isoTimestamp },
    destination,
  );
}

async function pairedLoggerRows() {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 9);
  const batches = Number(process.env.BENCH_BATCHES ?? 20);
  const batchSize = Number(process.env.BENCH_BATCH ?? 500);
  const cpu = () => {
    const u = process.cpuUsage();
    return u.user + u.system;
  };
  const devNull = () => pino.destination({ dest: '/dev/null', sync: true });
  const before = baselineLogger(devNull());
  const after = createLogger({ destination: devNull() });
  let i = 0;
  const requestLine = () => ({
    method: 'GET',
    route: '/users/:id',
    status: 200,
    duration_ms: 1.234,
    request_id: `5b8c6f0e-2a4b-4c3d-9e1f-${String(i++ % 1000).padStart(12, '0')}`,
  });
  const headers = {
    host: '127.0.0.1:3000',
    'user-agent': 'autocannon/8',
    accept: 'application/json',
    'accept-encoding': 'gzip, deflate',
    'accept-language': 'en',
    connection: 'keep-alive',
    authorization: 'Bearer abc.def.ghi',
    cookie: 'sid=1234',
    'x-request-id': 'req-1',
    'x-forwarded-for': '10.0.0.1',
    'content-type': 'application/json',
    'content-length': '42',
  };
  const err = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED', errno: -111 });
  const rows = [
    ['request line (5 fields + message)', (l) => l.info(requestLine(), 'GET /users/:id 200')],
    ['request line + 12 request headers (logging.headers)', (l) => l.warn({ ...requestLine(), headers }, 'GET /users/:id 404')],
    ['error line ({ err, job } + message)', (l) => l.error({ err, job: 'cleanup' }, 'job cleanup failed')],
    ['child logger line ({ job } binding, 2 fields)', null],
  ];
  const beforeChild = before.child({ job: 'cleanup' });
  const afterChild = after.child({ job: 'cleanup' });
  rows[3][1] = (l) =>
    (l === before ? beforeChild : afterChild).info({ outcome: 'succeeded', processed: 12 }, 'job cleanup succeeded');

  // The recording path with request logs, paired the same way: the full middleware logging through each logger.
  const fullOld = instrument({
    telemetry: { ...full, logger: baselineLogger(pino.destination({ dest: '/dev/null', sync: false })) },
    tracing: { sampleRatio: 0.1 },
    logging: { sampleSuccess: 0.1 },
  });
  const fullNew = instrument({
    telemetry: { ...full, logger: createLogger({ destination: pino.destination({ dest: '/dev/null', sync: false }) }) },
    tracing: { sampleRatio: 0.1 },
    logging: { sampleSuccess: 0.1 },
  });
  const paired = [
    ...rows.map(([name, fn]) => [`logger: ${name}`, () => fn(before), () => fn(after)]),
    ['instrument() full (tracing 10 %, logs 10 %)', run(fullOld), run(fullNew)],
  ];
  console.log(
    `\n| paired row (${rounds} rounds of ${batches} alternating batches × ${batchSize} calls) | before ns/op | after ns/op | after ÷ before (median of rounds) | lowest – highest round |`,
  );
  console.log('|---|---:|---:|---:|---|');
  for (const [name, old, now] of paired) {
    for (let k = 0; k < 20 * batchSize; k++) {
      old();
      now();
    }
    const ratios = [];
    const olds = [];
    const nows = [];
    for (let r = 0; r < rounds; r++) {
      let tOld = 0;
      let tNew = 0;
      for (let b = 0; b < batches; b++) {
        // Alternate which variant goes first; both see the same moment of the machine's load.
        const first = b % 2 === 0 ? old : now;
        const second = first === old ? now : old;
        // CPU time of this process (user + system, µs), not wall time: on a shared machine the wall clock mostly
        // measures other processes.
        const t0 = cpu();
        for (let k = 0; k < batchSize; k++) first();
        const t1 = cpu();
        for (let k = 0; k < batchSize; k++) second();
        const t2 = cpu();
        if (first === old) {
          tOld += t1 - t0;
          tNew += t2 - t1;
        } else {
          tNew += t1 - t0;
          tOld += t2 - t1;
        }
      }
      const calls = batches * batchSize;
      olds.push((tOld * 1000) / calls);
      nows.push((tNew * 1000) / calls);
      ratios.push(tNew / tOld);
    }
    const sorted = [...ratios].sort((a, b) => a - b);
    const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    console.log(
      `| ${name} | ${Math.round(med(olds))} | ${Math.round(med(nows))} | ${(med(ratios) * 100).toFixed(1)} % | ${(sorted[0] * 100).toFixed(1)} – ${(sorted.at(-1) * 100).toFixed(1)} % |`,
    );
  }
}
