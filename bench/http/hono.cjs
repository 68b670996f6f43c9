// bench/http server, Hono 4 on @hono/node-server: BENCH_FRAMEWORK=hono node server.cjs <variant> <port>.
const { noop, slakitSetup, otelSetup, userBody, orderBody, ready, unknownVariant } = require('./common.cjs');

const variant = process.argv[2];
const port = Number(process.argv[3]);
const known = [
  'bare',
  'bare-close',
  'slakit-metrics',
  'slakit-full',
  'slakit-trace',
  'slakit-log',
  'slakit-full-noctx',
  'hono-prometheus',
  'hono-otel',
];
if (!known.includes(variant)) unknownVariant('hono', variant, known);

// hono-otel: @hono/otel's middleware (a server span per request and its duration histogram, through the global
// providers: a registered NodeTracerProvider with the default sampler and a MeterProvider with the Prometheus exporter).
const otel = variant === 'hono-otel' ? otelSetup([]) : undefined;

const { Hono } = require('hono');
const { serve } = require('@hono/node-server');
const app = new Hono();

/** A GET route answered by a node (req, res) handler, written to node's response directly. */
function serveNodeResponse(path, handler) {
  const { RESPONSE_ALREADY_SENT } = require('@hono/node-server/utils/response');
  app.get(path, (c) => {
    const { incoming, outgoing } = c.env;
    handler(incoming, outgoing);
    return new Promise((resolve) => outgoing.once('finish', () => resolve(RESPONSE_ALREADY_SENT)));
  });
}

if (variant === 'bare-close') {
  // The floor of any middleware that measures a response's duration: one completion listener on node's response
  // (@hono/node-server passes { incoming, outgoing } as the env).
  app.use((c, next) => {
    c.env.outgoing.on('close', noop);
    return next();
  });
} else if (variant.startsWith('slakit-')) {
  const { honoInstrument } = require('@slakit/http/hono');
  const options = slakitSetup(variant);
  // /metrics as a route (as the peers serve it): honoInstrument's own metricsEndpoint answers an empty body on
  // @hono/node-server 2.1 (its null-body "already sent" Response is written before the asynchronous scrape).
  app.use(honoInstrument({ ...options, metricsEndpoint: false }));
  serveNodeResponse('/metrics', (incoming, outgoing) => options.telemetry.metricsHandler(incoming, outgoing));
} else if (variant === 'hono-prometheus') {
  const { prometheus } = require('@hono/prometheus');
  const { printMetrics, registerMetrics } = prometheus();
  app.use('*', registerMetrics);
  app.get('/metrics', printMetrics);
} else if (otel) {
  const { httpInstrumentationMiddleware } = require('@hono/otel');
  app.use(httpInstrumentationMiddleware({ serviceName: 'bench' }));
  serveNodeResponse('/metrics', (incoming, outgoing) => otel.exporter.getMetricsRequestHandler(incoming, outgoing));
}

app.get('/users/:id', (c) => c.json(userBody(c.req.param('id'))));
app.get('/orders/:id', (c) => c.json(orderBody(c.req.param('id'))));

serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, ready);
