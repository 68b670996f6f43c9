import { metrics } from '@opentelemetry/api';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { createAggregatingFastMetrics, createDelegatingFastMetrics } from './fast-metrics.js';
import { PrometheusConventionReader } from './prometheus.js';
import { createTelemetry } from './telemetry.js';
import { parsePrometheusText } from './testing/exposition.js';
import { createTestTelemetry } from './testing/test-telemetry.js';

afterEach(() => metrics.disable());

describe('fast instruments', () => {
  it('aggregate into exactly what the SDK histogram would export (le buckets, sum, count, min, max)', async () => {
    const boundaries = [0.1, 0.5, 1];
    const values = [0.05, 0.1, 0.3, 0.5, 0.7, 2, 2];
    // Reference: the SDK itself.
    const sdkReader = new PrometheusConventionReader();
    const sdk = new MeterProvider({ readers: [sdkReader] });
    const h = sdk.getMeter('x').createHistogram('d', { unit: 's', advice: { explicitBucketBoundaries: boundaries } });
    for (const v of values) h.record(v, { route: '/a' });
    // Fast path.
    const fastReader = new PrometheusConventionReader();
    const fast = createAggregatingFastMetrics();
    fastReader.attachProducer(fast);
    new MeterProvider({ readers: [fastReader] });
    const bound = fast.histogram('d', { unit: 's', boundaries }).bind({ route: '/a' });
    for (const v of values) bound.record(v);
    bound.record(Number.NaN); // ignored
    bound.record(-1); // ignored
    const sample = async (r: PrometheusConventionReader) =>
      parsePrometheusText((await r.scrape()).text)
        .find((f) => f.name === 'd_seconds')
        ?.samples.map((s) => [s.name, s.labels.le ?? '', s.value]);
    expect(await sample(fastReader)).toEqual(await sample(sdkReader));
    expect(await sample(fastReader)).toContainEqual(['d_seconds_bucket', '0.1', 2]);
  });

  it('sums: counters ignore negative adds, up-down counters go both ways; bound series are shared', async () => {
    const kit = createTestTelemetry();
    const c = kit.telemetry.fast.counter('jobs.done').bind({ job: 'a' });
    c.add(2);
    c.add(-5);
    kit.telemetry.fast.counter('jobs.done').bind({ job: 'a' }).add(1);
    const u = kit.telemetry.fast.upDownCounter('inflight').bind({});
    u.add(3);
    u.add(-1);
    expect(await kit.metrics.value('jobs_done_total', { job: 'a' })).toBe(3);
    expect(await kit.metrics.value('inflight')).toBe(2);
    await kit.close();
  });

  it('delegate to the host MeterProvider when slakit does not own one', async () => {
    const hostReader = new (class extends MetricReader {
      protected override async onForceFlush() {}
      protected override async onShutdown() {}
    })();
    metrics.setGlobalMeterProvider(new MeterProvider({ readers: [hostReader] }));
    const t = createTelemetry({ env: {}, logger: { level: 'silent' } });
    expect(t.usingHost.metrics).toBe(true);
    t.fast
      .histogram('http.server.request.duration', { unit: 's', boundaries: [1] })
      .bind({ route: '/x' })
      .record(0.5);
    const { resourceMetrics } = await hostReader.collect();
    const names = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics.map((m) => m.descriptor.name));
    expect(names).toContain('http.server.request.duration');
    await t.shutdown();
  });

  it('delegate when a foreign reader is configured, so every reader sees the series', async () => {
    const foreign = new (class extends MetricReader {
      protected override async onForceFlush() {}
      protected override async onShutdown() {}
    })();
    const t = createTelemetry({ env: {}, providers: 'own', metrics: { readers: [foreign] }, logger: { level: 'silent' } });
    t.fast.counter('seen').bind({}).add(1);
    const { resourceMetrics } = await foreign.collect();
    expect(resourceMetrics.scopeMetrics.flatMap((s) => s.metrics.map((m) => m.descriptor.name))).toContain('seen');
    await t.shutdown();
    expect(createDelegatingFastMetrics).toBeTypeOf('function');
  });
});
