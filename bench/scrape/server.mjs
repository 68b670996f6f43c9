// One server per process: node scrape/server.mjs "<variant> <series>" <port>. `/` is a hello-world handler, `/metrics`
// the variant's scrape of <series> histogram series (HTTP duration buckets, 3 labels), `/stats` what the server saw of
// its own scrapes: duration and the longest event-loop block (monitorEventLoopDelay max) while each one ran.
import { createServer } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const [spec, portText] = process.argv.slice(2);
const [variant, seriesText] = spec.split(' ');
const port = Number(portText);
const series = Number(seriesText);
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'];
const STATUSES = [200, 201, 404, 500, 503];
/** The i-th series' labels: 25 (method, status) pairs per route. */
const labelsOf = (i) => ({
  method: METHODS[i % 5],
  route: `/api/v1/resource_${Math.floor(i / 25)}/:id`,
  status: STATUSES[Math.floor(i / 5) % 5],
});
const values = [0.003, 0.04, 0.2];

let metrics; // (req, res) => void
if (variant === 'slakit') {
  const { createTelemetry, METRIC_CATALOGUE: M } = await import('@slakit/core');
  const telemetry = createTelemetry({
    providers: 'own',
    registerGlobal: false,
    serviceName: 'bench',
    logger: { level: 'silent' },
  });
  const h = telemetry.fast.histogram(M.httpDuration.otel, { unit: 's', description: M.httpDuration.help, boundaries: BUCKETS });
  const span = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 };
  for (let i = 0; i < series; i++) {
    const l = labelsOf(i);
    const bound = h.bind({ 'http.request.method': l.method, 'http.route': l.route, 'http.response.status_code': l.status });
    for (const v of values) bound.record(v, i % 10 === 0 ? span : undefined);
  }
  metrics = telemetry.metricsHandler;
} else if (variant === 'slakit-before') {
  // slakit's scrape before bench/scrape: the fast instruments through their SDK producer and OpenTelemetry's
  // serializer (what PrometheusConventionReader.scrape() did), the whole text built, then sent.
  const { createAggregatingFastMetrics, METRIC_CATALOGUE: M, PrometheusConventionReader } = await import('@slakit/core');
  const { PrometheusSerializer } = await import('@opentelemetry/exporter-prometheus');
  const { MeterProvider } = await import('@opentelemetry/sdk-metrics');
  const reader = new PrometheusConventionReader();
  const fast = createAggregatingFastMetrics('slakit');
  reader.attachProducer(fast);
  new MeterProvider({ readers: [reader] });
  const serializer = new PrometheusSerializer('', false, undefined, false, true);
  const h = fast.histogram(M.httpDuration.otel, { unit: 's', description: M.httpDuration.help, boundaries: BUCKETS });
  for (let i = 0; i < series; i++) {
    const l = labelsOf(i);
    const bound = h.bind({ 'http.request.method': l.method, 'http.route': l.route, 'http.response.status_code': l.status });
    for (const v of values) bound.record(v);
  }
  metrics = (_req, res) => {
    reader.collectPrometheus().then(({ resourceMetrics }) => {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      res.end(serializer.serialize(resourceMetrics));
    });
  };
} else if (variant === 'prom-client') {
  const { Histogram, Registry } = await import('prom-client');
  const registry = new Registry();
  const h = new Histogram({
    name: 'http_server_request_duration_seconds',
    help: 'Duration of HTTP server requests.',
    labelNames: ['http_request_method', 'http_route', 'http_response_status_code'],
    buckets: BUCKETS,
    registers: [registry],
  });
  for (let i = 0; i < series; i++) {
    const l = labelsOf(i);
    const child = h.labels(l.method, l.route, String(l.status));
    for (const v of values) child.observe(v);
  }
  metrics = (_req, res) => {
    registry.metrics().then((text) => {
      res.writeHead(200, { 'content-type': registry.contentType });
      res.end(text);
    });
  };
} else if (variant === 'otel') {
  const { PrometheusExporter } = await import('@opentelemetry/exporter-prometheus');
  const { MeterProvider } = await import('@opentelemetry/sdk-metrics');
  const exporter = new PrometheusExporter({ preventServerStart: true });
  // The SDK keeps 2000 series per instrument by default (the rest go to one overflow series): lift the limit.
  const provider = new MeterProvider({
    readers: [exporter],
    views: [{ instrumentName: '*', aggregationCardinalityLimit: 1_000_000 }],
  });
  const h = provider.getMeter('bench').createHistogram('http.server.request.duration', {
    unit: 's',
    description: 'Duration of HTTP server requests.',
    advice: { explicitBucketBoundaries: BUCKETS },
  });
  for (let i = 0; i < series; i++) {
    const l = labelsOf(i);
    const attrs = { 'http.request.method': l.method, 'http.route': l.route, 'http.response.status_code': l.status };
    for (const v of values) h.record(v, attrs);
  }
  metrics = (req, res) => exporter.getMetricsRequestHandler(req, res);
} else {
  throw new Error(`unknown variant ${variant}`);
}

// `perScrape` is read 20 ms after a scrape finished (a block is recorded when the loop resumes, after the handler
// returned) and reset then — not when the scrape starts: the first delay after a reset() is not recorded, so a
// scrape that blocks at once would go unseen. Its max covers the time since the previous scrape's reading.
// `window` is reset by each /stats: the server's longest block in between.
const perScrape = monitorEventLoopDelay({ resolution: 1 });
const window = monitorEventLoopDelay({ resolution: 1 });
perScrape.enable();
window.enable();
const scrapes = [];
createServer((req, res) => {
  if (req.url === '/metrics') {
    // One scrape at a time (the runner scrapes sequentially, with pauses).
    const started = performance.now();
    res.on('finish', () => {
      const ms = performance.now() - started;
      setTimeout(() => {
        scrapes.push({ ms, blockMs: perScrape.max / 1e6 });
        perScrape.reset();
      }, 20);
    });
    metrics(req, res);
  } else if (req.url === '/stats') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ scrapes: scrapes.splice(0), windowBlockMs: window.max / 1e6 }));
    window.reset();
    perScrape.reset();
  } else {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('hello world\n');
  }
}).listen(port, '127.0.0.1', () => process.stdout.write('ready\n'));
