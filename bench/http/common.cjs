// Shared by the bench/http servers of every framework (bench/http/<framework>.cjs): slakit's telemetry and options
// per variant, the OpenTelemetry peer setup, the log sink, the two routes' bodies and the listen/exit boilerplate.
// CommonJS so OpenTelemetry's instrumentations can patch http and the frameworks before they load, as in a real host.

const noop = () => {};

// The log sink of slakit's variants: /dev/null with synchronous writes, as the default logger's stdout
// (BENCH_LOG_SYNC=0: sonic-boom's async mode, whose writes run on libuv's thread pool — on the same pinned core).
const logDestination = () => require('pino').destination({ dest: '/dev/null', sync: process.env.BENCH_LOG_SYNC !== '0' });

/**
 * slakit-metrics / slakit-full (and the diagnostic slakit-trace / slakit-log / slakit-full-noctx): the telemetry and
 * the instrument options every adapter gets — identical across frameworks, so only the adapter differs.
 * slakit-full = metrics + tracing (10 % of requests, no-op exporter behind the batch processor) + logs (10 %).
 */
function slakitSetup(variant) {
  const { createTelemetry } = require('@slakit/core');
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
  return {
    telemetry,
    tracing: {
      enabled: tracing && process.env.SLAKIT_TRACING !== '0',
      sampleRatio: 0.1,
      activateContext: variant !== 'slakit-full-noctx',
    },
    logging: { enabled: logging && process.env.SLAKIT_LOGGING !== '0', sampleSuccess: 0.1 },
    // /metrics served by the instrument itself (as the Prometheus peers do): no extra route per request.
    metricsEndpoint: true,
  };
}

/**
 * The OpenTelemetry peers' setup, as a host following OpenTelemetry's docs has it: a NodeTracerProvider registered
 * globally (default sampler: every root request traced — OpenTelemetry's default; spans created and not exported, as
 * with no exporter configured), a MeterProvider with the Prometheus exporter (served on /metrics by the server), and
 * the given instrumentations (factories, so they are required after the provider exists). Returns the exporter.
 */
function otelSetup(instrumentations) {
  const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node');
  const { MeterProvider } = require('@opentelemetry/sdk-metrics');
  const { PrometheusExporter } = require('@opentelemetry/exporter-prometheus');
  const { registerInstrumentations } = require('@opentelemetry/instrumentation');
  const { metrics } = require('@opentelemetry/api');
  const exporter = new PrometheusExporter({ preventServerStart: true });
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [exporter] }));
  new NodeTracerProvider().register();
  const made = instrumentations.map((make) => make());
  registerInstrumentations({ instrumentations: made });
  return { exporter, instrumentations: made };
}

/** OpenTelemetry's http instrumentation (server spans + http.server.duration), what every OTel peer here loads. */
const httpInstrumentation = () => new (require('@opentelemetry/instrumentation-http').HttpInstrumentation)();

/** The hello-world body of GET /users/:id. */
const userBody = (id) => ({ id, name: 'Ada' });

/**
 * A typical JSON API response (BENCH_PATH=/orders/7): an order with 20 line items built per request, ~1.4 KB of JSON
 * once serialised — more work than hello-world, still no I/O.
 */
function orderBody(id) {
  const items = [];
  for (let i = 0; i < 20; i++) {
    items.push({ sku: `SKU-${id}-${i}`, name: `Item ${i}`, quantity: 1 + (i % 3), priceCents: 499 + i * 100 });
  }
  const totalCents = items.reduce((sum, item) => sum + item.quantity * item.priceCents, 0);
  return { id, customer: { id: 'c-1', name: 'Ada Lovelace' }, items, totalCents };
}

/** The route templates of the bench servers (node:http's `instrumented({ routes })` gets them as patterns). */
const ROUTES = ['/users/:id', '/orders/:id'];

/** Prints "ready" (what bench/lib.mjs's startServer waits for) and exits on SIGINT/SIGTERM. */
function ready() {
  process.stdout.write('ready\n');
  for (const s of ['SIGINT', 'SIGTERM']) process.once(s, () => process.exit(0));
}

/** Fails the process with a readable message on an unknown variant (a typo in BENCH_VARIANTS). */
function unknownVariant(framework, variant, known) {
  process.stderr.write(`bench/http/${framework}: unknown variant ${variant} (known: ${known.join(', ')})\n`);
  process.exit(2);
}

module.exports = {
  noop,
  logDestination,
  slakitSetup,
  otelSetup,
  httpInstrumentation,
  userBody,
  orderBody,
  ROUTES,
  ready,
  unknownVariant,
};
