// One benchmark server variant per process: node server.cjs <variant> <port>. CommonJS so OpenTelemetry's
// instrumentations can patch http/express before they load, as in a real host.
const variant = process.argv[2];
const port = Number(process.argv[3]);
let setup = () => {};

if (variant === 'otel') {
  const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node');
  const { MeterProvider } = require('@opentelemetry/sdk-metrics');
  const { PrometheusExporter } = require('@opentelemetry/exporter-prometheus');
  const { registerInstrumentations } = require('@opentelemetry/instrumentation');
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
  const { ExpressInstrumentation } = require('@opentelemetry/instrumentation-express');
  const { metrics } = require('@opentelemetry/api');
  const exporter = new PrometheusExporter({ preventServerStart: true });
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [exporter] }));
  new NodeTracerProvider().register(); // spans are created (default sampler) and not exported, as with no exporter configured
  registerInstrumentations({ instrumentations: [new HttpInstrumentation(), new ExpressInstrumentation()] });
  setup = (app) => app.get('/metrics', (req, res) => exporter.getMetricsRequestHandler(req, res));
}

const express = require('express');
const app = express();

if (variant === 'bare-als') {
  // Bare Express with AsyncLocalStorage enabled once — what any tracer that activates a span context (slakit's
  // default, OpenTelemetry's always) switches on for the whole process. Isolates Node's own cost.
  const { AsyncLocalStorage } = require('node:async_hooks');
  new AsyncLocalStorage().run({}, () => {});
}

// The log sink of slakit's variants: /dev/null with synchronous writes, as the default logger's stdout
// (BENCH_LOG_SYNC=0: sonic-boom's async mode, whose writes run on libuv's thread pool — on the same pinned core).
const logDestination = () => require('pino').destination({ dest: '/dev/null', sync: process.env.BENCH_LOG_SYNC !== '0' });

// bare-telemetry: slakit's telemetry created (OpenTelemetry metrics SDK, pino logger) but no slakit middleware — the
// process-wide cost of having them loaded (heap size, GC), separate from the per-request recording.
if (variant === 'bare-telemetry') {
  const { createTelemetry } = require('@slakit/core');
  globalThis.benchTelemetry = createTelemetry({
    serviceName: 'bench',
    env: {},
    providers: 'own',
    logger: { destination: logDestination() },
  });
}

// bare-ballast: bare Express holding ~30 MB of inert objects (as any real service holds modules and data) — Node 20's
// GC then promotes more of each request's garbage than with hello-world Express's ~7 MB heap.
if (variant === 'bare-ballast') {
  globalThis.benchBallast = Array.from({ length: 200_000 }, (_, i) => ({ i, text: `item ${i}`, list: [i] }));
}

// Diagnostic baselines: what any middleware pays on this route — an Express layer, and a per-request close listener.
if (variant === 'bare-noop' || variant === 'bare-close' || variant === 'bare-telemetry' || variant === 'bare-ballast') {
  app.use((_req, res, next) => {
    if (variant !== 'bare-noop') res.on('close', () => {});
    next();
  });
}

if (variant.startsWith('slakit-')) {
  const { createTelemetry } = require('@slakit/core');
  const { instrument } = require('@slakit/express-middleware');
  // slakit-full: tracing + logs; slakit-trace / slakit-log: one of them (to attribute the cost); slakit-metrics: neither.
  // slakit-full-noctx: the full mode with tracing.activateContext false (no AsyncLocalStorage hooks on Node 20).
  const tracing = variant === 'slakit-full' || variant === 'slakit-full-noctx' || variant === 'slakit-trace';
  const logging = variant === 'slakit-full' || variant === 'slakit-full-noctx' || variant === 'slakit-log';
  const telemetry = createTelemetry({
    serviceName: 'bench',
    env: {},
    providers: 'own',
    logger: { destination: logDestination() },
    // A no-op exporter behind the batch processor: the cost measured is slakit's, not a collector's.
    traces:
      tracing && process.env.SLAKIT_PROVIDER !== '0'
        ? { exporter: { export: (_spans, done) => done({ code: 0 }), shutdown: async () => {} }, sampleRatio: 1 }
        : undefined,
  });
  app.use(
    instrument({
      telemetry,
      tracing: {
        enabled: tracing && process.env.SLAKIT_TRACING !== '0',
        sampleRatio: 0.1,
        activateContext: variant !== 'slakit-full-noctx',
      },
      logging: { enabled: logging && process.env.SLAKIT_LOGGING !== '0', sampleSuccess: 0.1 },
      // /metrics served by the middleware itself (as express-prom-bundle does): no extra router layer per request.
      metricsEndpoint: true,
    }),
  );
} else if (variant === 'prom-bundle') {
  const promBundle = require('express-prom-bundle');
  app.use(promBundle({ includeMethod: true, includePath: true }));
}
setup(app);

app.get('/users/:id', (req, res) => {
  res.json({ id: req.params.id, name: 'Ada' });
});

// A typical JSON API response (BENCH_PATH=/orders/7): an order with 20 line items built and serialised per request,
// ~2 KB of JSON — more work than hello-world, still no I/O.
app.get('/orders/:id', (req, res) => {
  const items = [];
  for (let i = 0; i < 20; i++) {
    items.push({ sku: `SKU-${req.params.id}-${i}`, name: `Item ${i}`, quantity: 1 + (i % 3), priceCents: 499 + i * 100 });
  }
  const totalCents = items.reduce((sum, item) => sum + item.quantity * item.priceCents, 0);
  res.json({ id: req.params.id, customer: { id: 'c-1', name: 'Ada Lovelace' }, items, totalCents });
});

app.listen(port, '127.0.0.1', () => process.stdout.write('ready\n'));
for (const s of ['SIGINT', 'SIGTERM']) process.once(s, () => process.exit(0));
