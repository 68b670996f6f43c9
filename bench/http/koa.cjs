// bench/http server, Koa 3 with @koa/router: BENCH_FRAMEWORK=koa node server.cjs <variant> <port>.
const { noop, slakitSetup, otelSetup, httpInstrumentation, userBody, orderBody, ready, unknownVariant } = require('./common.cjs');

const variant = process.argv[2];
const port = Number(process.argv[3]);
const known = ['bare', 'bare-close', 'slakit-metrics', 'slakit-full', 'slakit-trace', 'slakit-log', 'slakit-full-noctx', 'otel'];
if (!known.includes(variant)) unknownVariant('koa', variant, known);

// otel: OpenTelemetry's http instrumentation (server span) + its Koa instrumentation (a span per middleware and
// router layer) + the Prometheus exporter — before koa and @koa/router are loaded, so that they are patched.
const otel =
  variant === 'otel'
    ? otelSetup([httpInstrumentation, () => new (require('@opentelemetry/instrumentation-koa').KoaInstrumentation)()])
    : undefined;

const Koa = require('koa');
const Router = require('@koa/router');
const app = new Koa();

if (variant === 'bare-close') {
  // The floor of any middleware that measures a response's duration: one completion listener per request.
  app.use((ctx, next) => {
    ctx.res.on('close', noop);
    return next();
  });
} else if (variant.startsWith('slakit-')) {
  const { koaInstrument } = require('@slakit/http/koa');
  app.use(koaInstrument(slakitSetup(variant)));
}

const router = new Router();
router.get('/users/:id', (ctx) => {
  ctx.body = userBody(ctx.params.id);
});
router.get('/orders/:id', (ctx) => {
  ctx.body = orderBody(ctx.params.id);
});
if (otel) {
  router.get('/metrics', (ctx) => {
    ctx.respond = false;
    otel.exporter.getMetricsRequestHandler(ctx.req, ctx.res);
  });
}
app.use(router.routes());

app.listen(port, '127.0.0.1', ready);
