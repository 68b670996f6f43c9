// bench/http server, plain node:http: BENCH_FRAMEWORK=node node server.cjs <variant> <port>. The handler routes
// GET /users/:id and /orders/:id itself (a prefix test, as a hand-written node:http service does).
const {
  noop,
  slakitSetup,
  otelSetup,
  httpInstrumentation,
  userBody,
  orderBody,
  ROUTES,
  ready,
  unknownVariant,
} = require('./common.cjs');

const variant = process.argv[2];
const port = Number(process.argv[3]);
const known = ['bare', 'bare-close', 'slakit-metrics', 'slakit-full', 'slakit-trace', 'slakit-log', 'slakit-full-noctx', 'otel'];
if (!known.includes(variant)) unknownVariant('node', variant, known);

// Before node:http is loaded, so that OpenTelemetry's http instrumentation patches it.
const otel = variant === 'otel' ? otelSetup([httpInstrumentation]) : undefined;
const http = require('node:http');

const json = (res, body) => {
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
};

function handler(req, res) {
  const url = req.url;
  if (url.startsWith('/users/')) return json(res, userBody(url.slice(7)));
  if (url.startsWith('/orders/')) return json(res, orderBody(url.slice(8)));
  if (otel && url === '/metrics') return otel.exporter.getMetricsRequestHandler(req, res);
  res.statusCode = 404;
  res.end();
}

let serve = handler;
if (variant === 'bare-close') {
  // The floor of any wrapper that measures a response's duration: one completion listener per request.
  serve = (req, res) => {
    res.on('close', noop);
    handler(req, res);
  };
} else if (variant.startsWith('slakit-')) {
  const { instrumented } = require('@slakit/http');
  serve = instrumented(handler, { ...slakitSetup(variant), routes: ROUTES });
}

http.createServer(serve).listen(port, '127.0.0.1', ready);
