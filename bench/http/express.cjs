// bench/http server, Express 5: node server.cjs <variant> <port> (BENCH_FRAMEWORK=express, the default).
const { noop, logDestination, slakitSetup, otelSetup, httpInstrumentation, userBody, orderBody, ready } = require('./common.cjs');

const variant = process.argv[2];
const port = Number(process.argv[3]);
let setup = () => {};

if (variant === 'otel') {
  const { ExpressInstrumentation } = require('@opentelemetry/instrumentation-express');
  const { exporter } = otelSetup([httpInstrumentation, () => new ExpressInstrumentation()]);
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

// Baselines: what any middleware pays on this route — an Express layer (bare-noop), and a per-request completion
// listener (bare-close: the floor of any middleware that measures a response's duration and sees aborts).
if (variant === 'bare-noop' || variant === 'bare-close' || variant === 'bare-telemetry' || variant === 'bare-ballast') {
  app.use((_req, res, next) => {
    if (variant !== 'bare-noop') res.on('close', noop);
    next();
  });
}

if (variant.startsWith('slakit-')) {
  const { instrument } = require('@slakit/express-middleware');
  app.use(instrument(slakitSetup(variant)));
} else if (variant === 'prom-bundle') {
  const promBundle = require('express-prom-bundle');
  app.use(promBundle({ includeMethod: true, includePath: true }));
}
setup(app);

app.get('/users/:id', (req, res) => {
  res.json(userBody(req.params.id));
});
app.get('/orders/:id', (req, res) => {
  res.json(orderBody(req.params.id));
});

app.listen(port, '127.0.0.1', ready);
