// bench/http server, Fastify 5: BENCH_FRAMEWORK=fastify node server.cjs <variant> <port>.
const { noop, slakitSetup, otelSetup, httpInstrumentation, userBody, orderBody, ready, unknownVariant } = require('./common.cjs');

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
  'fastify-metrics',
  'fastify-metrics-histogram',
  'otel',
];
if (!known.includes(variant)) unknownVariant('fastify', variant, known);

// otel: OpenTelemetry's http instrumentation (the server span; @fastify/otel's README requires it for propagation)
// + @fastify/otel (a request span and a handler span per request, hook spans) + the Prometheus exporter.
let fastifyOtel;
const otel =
  variant === 'otel'
    ? otelSetup([
        httpInstrumentation,
        () => {
          fastifyOtel = new (require('@fastify/otel'))();
          return fastifyOtel;
        },
      ])
    : undefined;

const Fastify = require('fastify');

async function main() {
  const app = Fastify({ logger: false });
  if (variant === 'bare-close') {
    // The floor of any plugin that measures a response's duration: a hook per request adding one completion listener.
    app.addHook('onRequest', (_request, reply, done) => {
      reply.raw.on('close', noop);
      done();
    });
  } else if (variant.startsWith('slakit-')) {
    const { fastifyInstrument } = require('@slakit/http/fastify');
    await app.register(fastifyInstrument(slakitSetup(variant)));
  } else if (variant === 'fastify-metrics' || variant === 'fastify-metrics-histogram') {
    // fastify-metrics with its defaults (route histogram + route summary + prom-client's default process metrics);
    // fastify-metrics-histogram: the histogram only, the closest to slakit's recording.
    const routeMetrics = variant === 'fastify-metrics' ? { enabled: true } : { enabled: { histogram: true, summary: false } };
    await app.register(require('fastify-metrics'), { endpoint: '/metrics', routeMetrics });
  } else if (otel) {
    await app.register(fastifyOtel.plugin());
    app.get('/metrics', (request, reply) => {
      reply.hijack();
      otel.exporter.getMetricsRequestHandler(request.raw, reply.raw);
    });
  }
  app.get('/users/:id', async (request) => userBody(request.params.id));
  app.get('/orders/:id', async (request) => orderBody(request.params.id));
  await app.listen({ port, host: '127.0.0.1' });
  ready();
}
main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
