import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { SlakitError } from './errors.js';
import { createTelemetry, type Telemetry } from './telemetry.js';
import { parsePrometheusText } from './testing/exposition.js';

const API_GLOBAL = Symbol.for('opentelemetry.js.api.1');
const registry = () => (globalThis as Record<symbol, Record<string, unknown> | undefined>)[API_GLOBAL] ?? {};

function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })),
  );
}
const close = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

function silentLogger() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _e, done) {
      for (const l of chunk.toString().split('\n')) if (l.trim()) lines.push(JSON.parse(l));
      done();
    },
  });
  return { lines, options: { destination } };
}

const opened: Telemetry[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((t) => t.shutdown()));
  trace.disable();
  metrics.disable();
  context.disable();
  propagation.disable();
});

describe('metrics in the Prometheus text format', () => {
  it('scrapes `_seconds` histograms with the configured buckets, `_total` counters and `_ratio` gauges', async () => {
    const t = createTelemetry({ serviceName: 'svc', env: {}, providers: 'own', logger: silentLogger().options });
    opened.push(t);
    const h = t.meter.createHistogram('job.run.duration', { unit: 's', advice: { explicitBucketBoundaries: [0.5, 1, 60] } });
    h.record(0.7, { job: 'cleanup', outcome: 'succeeded' });
    h.record(30, { job: 'cleanup', outcome: 'succeeded' });
    t.meter.createCounter('job.runs').add(3, { job: 'cleanup', outcome: 'failed' });
    t.meter.createGauge('job.sla.utilization', { unit: '1' }).record(0.4, { job: 'cleanup' });

    const { server, url } = await listen(t.metricsHandler);
    try {
      const res = await fetch(`${url}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      const families = parsePrometheusText(await res.text());
      const byName = new Map(families.map((f) => [f.name, f]));

      const hist = byName.get('job_run_duration_seconds');
      expect(hist?.type).toBe('histogram');
      const buckets = hist?.samples.filter((s) => s.name === 'job_run_duration_seconds_bucket') ?? [];
      expect(buckets.map((b) => [b.labels.le, b.value])).toEqual([
        ['0.5', 0],
        ['1', 1],
        ['60', 2],
        ['+Inf', 2],
      ]);
      for (const b of buckets) expect(b.labels).toMatchObject({ job: 'cleanup', outcome: 'succeeded' });
      expect(hist?.samples.find((s) => s.name === 'job_run_duration_seconds_sum')?.value).toBeCloseTo(30.7);
      expect(hist?.samples.find((s) => s.name === 'job_run_duration_seconds_count')?.value).toBe(2);

      const counter = byName.get('job_runs_total');
      expect(counter?.type).toBe('counter');
      expect(counter?.samples).toEqual([{ name: 'job_runs_total', labels: { job: 'cleanup', outcome: 'failed' }, value: 3 }]);

      expect(byName.get('job_sla_utilization_ratio')?.samples[0]?.value).toBe(0.4);
      expect(byName.has('job_run_duration')).toBe(false);
      expect(byName.get('target_info')?.samples[0]?.labels.service_name).toBe('svc');

      expect((await fetch(`${url}/metrics`, { method: 'POST' })).status).toBe(405);
    } finally {
      await close(server);
    }
  });

  it('serves a standalone /metrics port only when asked, and closes it on shutdown', async () => {
    const t = createTelemetry({
      env: {},
      providers: 'own',
      metrics: { port: 0, host: '127.0.0.1' },
      logger: silentLogger().options,
    });
    await new Promise((r) => setTimeout(r, 50));
    const address = t.metricsAddress();
    expect(address?.port).toBeGreaterThan(0);
    t.meter.createCounter('probe.hits').add(1);
    const text = await (await fetch(`http://127.0.0.1:${address?.port}/metrics`)).text();
    expect(parsePrometheusText(text).some((f) => f.name === 'probe_hits_total')).toBe(true);
    expect((await fetch(`http://127.0.0.1:${address?.port}/other`)).status).toBe(404);
    await t.shutdown();
    await expect(fetch(`http://127.0.0.1:${address?.port}/metrics`)).rejects.toThrow();
    expect(createTelemetry({ env: {}, providers: 'own', logger: silentLogger().options }).metricsAddress()).toBeUndefined();
  });

  it('reads the standalone port from OTEL_EXPORTER_PROMETHEUS_PORT', async () => {
    const probe = await listen(() => {});
    const port = (probe.server.address() as AddressInfo).port;
    await close(probe.server);
    const t = createTelemetry({
      env: { OTEL_EXPORTER_PROMETHEUS_PORT: String(port), OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1' },
      providers: 'own',
      logger: silentLogger().options,
    });
    opened.push(t);
    await new Promise((r) => setTimeout(r, 50));
    expect(t.metricsAddress()?.port).toBe(port);
  });
});

describe('global providers', () => {
  it('uses host-registered providers and registers nothing', async () => {
    const hostReader = new (class extends MetricReader {
      protected override async onForceFlush() {}
      protected override async onShutdown() {}
    })();
    const hostMeterProvider = new MeterProvider({ readers: [hostReader] });
    const hostSpans = new InMemorySpanExporter();
    const hostTracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(hostSpans)] });
    metrics.setGlobalMeterProvider(hostMeterProvider);
    trace.setGlobalTracerProvider(hostTracerProvider);
    const before = { ...registry() };

    const t = createTelemetry({ env: {}, traces: { endpoint: 'http://127.0.0.1:1/v1/traces' }, logger: silentLogger().options });
    expect(t.usingHost).toEqual({ metrics: true, traces: true });
    expect({ ...registry() }).toEqual(before);
    expect(metrics.getMeterProvider()).toBe(hostMeterProvider);

    t.meter.createCounter('job.runs').add(2, { job: 'x' });
    t.tracer.startSpan('slakit-span').end();
    const { resourceMetrics } = await hostReader.collect();
    const names = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics.map((m) => m.descriptor.name));
    expect(names).toContain('job.runs');
    expect(hostSpans.getFinishedSpans().map((s) => s.name)).toEqual(['slakit-span']);

    await t.shutdown();
    expect(metrics.getMeterProvider()).toBe(hostMeterProvider);
    expect({ ...registry() }).toEqual(before);
  });

  it('without host providers, registers its own and unregisters them on shutdown', async () => {
    expect(registry().metrics).toBeUndefined();
    const t = createTelemetry({ env: {}, traces: { exporter: new InMemorySpanExporter() }, logger: silentLogger().options });
    expect(t.usingHost).toEqual({ metrics: false, traces: false });
    expect(registry().metrics).toBeDefined();
    expect(registry().trace).toBeDefined();
    expect(registry().context).toBeDefined();
    await t.shutdown();
    expect(registry().metrics).toBeUndefined();
    expect(registry().trace).toBeUndefined();
    expect(registry().context).toBeUndefined();
    expect(registry().propagation).toBeUndefined();
  });

  it("in 'own' mode never touches the globals, even with tracing on", async () => {
    const t = createTelemetry({
      env: {},
      providers: 'own',
      traces: { exporter: new InMemorySpanExporter() },
      logger: silentLogger().options,
    });
    opened.push(t);
    expect(registry().metrics).toBeUndefined();
    expect(registry().trace).toBeUndefined();
    expect(registry().context).toBeUndefined();
  });

  it('records no spans when no endpoint is configured', () => {
    const t = createTelemetry({ env: {}, providers: 'own', logger: silentLogger().options });
    opened.push(t);
    const span = t.tracer.startSpan('x');
    expect(span.isRecording()).toBe(false);
  });
});

describe('OTLP/HTTP traces', () => {
  it('delivers spans to a real OTLP/HTTP receiver with the right service.name', async () => {
    const bodies: unknown[] = [];
    const receiver = await listen((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        if (req.url === '/v1/traces') bodies.push(JSON.parse(body));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      });
    });
    try {
      const t = createTelemetry({
        env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_RESOURCE_ATTRIBUTES: 'service.version=9.9.9' },
        serviceName: 'checkout',
        providers: 'own',
        logger: silentLogger().options,
      });
      t.tracer.startSpan('charge-card').end();
      await t.forceFlush();
      await t.shutdown();
      type Attr = { key: string; value: { stringValue?: string } };
      type Payload = {
        resourceSpans: {
          resource: { attributes: Attr[] };
          scopeSpans: { scope: { name: string }; spans: { name: string; traceId: string }[] }[];
        }[];
      };
      const payload = bodies[0] as Payload;
      expect(payload).toBeDefined();
      const attrs = Object.fromEntries(
        payload.resourceSpans[0]?.resource.attributes.map((a) => [a.key, a.value.stringValue]) ?? [],
      );
      expect(attrs['service.name']).toBe('checkout');
      expect(attrs['service.version']).toBe('9.9.9');
      const spans = payload.resourceSpans[0]?.scopeSpans[0]?.spans ?? [];
      expect(spans.map((s) => s.name)).toEqual(['charge-card']);
      expect(spans[0]?.traceId).toMatch(/^[0-9a-f]{32}$/);
    } finally {
      await close(receiver.server);
    }
  });

  it.each([
    ['down', false],
    ['hanging', true],
  ])('with the receiver %s: host requests succeed, shutdown meets its deadline, no unhandled rejection', async (_label, hang) => {
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    // A receiver that accepts TCP and never answers, or a closed port.
    const sink = await listen(() => {});
    const endpoint = `${sink.url}/v1/traces`;
    if (!hang) await close(sink.server);
    const log = silentLogger();
    const t = createTelemetry({
      env: {},
      providers: 'own',
      traces: { endpoint, exportTimeoutMs: 20_000 },
      shutdownTimeoutMs: 400,
      logger: log.options,
    });
    const app = await listen((_req, res) => {
      const span = t.tracer.startSpan('GET /orders');
      res.end('ok');
      span.end();
    });
    try {
      for (let i = 0; i < 50; i++) {
        const res = await fetch(`${app.url}/orders`);
        expect(res.status).toBe(200);
        expect(await res.text()).toBe('ok');
      }
      const started = performance.now();
      await t.forceFlush();
      await t.shutdown();
      // shutdownTimeoutMs is 400 ms; the exporter's own timeout is 20 s. Generous margin for a loaded CI machine.
      expect(performance.now() - started).toBeLessThan(400 * 2 + 1500);
      await new Promise((r) => setTimeout(r, 100));
      expect(rejections).toEqual([]);
    } finally {
      process.off('unhandledRejection', onRejection);
      await close(app.server);
      if (hang) await close(sink.server);
    }
  });
});

describe('option validation', () => {
  it.each([
    [{ metrics: { port: 70000 } }, 'metrics.port'],
    [{ traces: { sampleRatio: 2 } }, 'traces.sampleRatio'],
    [{ traces: { endpoint: 'collector:4318' } }, 'traces.endpoint'],
    [{ traces: { maxQueueSize: 0 } }, 'traces.maxQueueSize'],
    [{ shutdownTimeoutMs: -1 }, 'shutdownTimeoutMs'],
    [{ providers: 'mine' as never }, 'providers'],
  ])('rejects %j naming %s', (options, field) => {
    expect(() => createTelemetry({ env: {}, ...options })).toThrowError(
      expect.objectContaining({ code: 'ERR_SLAKIT_INVALID_OPTION', field }),
    );
  });

  it('rejects bad OTEL_* variables at creation', () => {
    expect(() => createTelemetry({ env: { OTEL_TRACES_SAMPLER_ARG: '5' } })).toThrow(SlakitError);
  });
});
