import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { createFakeClock } from './fake-clock.js';
import { createTestTelemetry } from './test-telemetry.js';

const API_GLOBAL = Symbol.for('opentelemetry.js.api.1');

describe('createTestTelemetry', () => {
  it('looks up series by Prometheus name and labels, touching no globals', async () => {
    const kit = createTestTelemetry();
    const { meter } = kit.telemetry;
    meter.createCounter('job.runs').add(2, { job: 'a', outcome: 'succeeded' });
    meter.createCounter('job.runs').add(1, { job: 'a', outcome: 'failed' });
    meter
      .createHistogram('job.run.duration', { unit: 's', advice: { explicitBucketBoundaries: [1, 10] } })
      .record(5, { job: 'a' });
    expect(await kit.metrics.value('job_runs_total', { job: 'a' })).toBe(3);
    expect(await kit.metrics.value('job_runs_total', { outcome: 'failed' })).toBe(1);
    expect(await kit.metrics.value('job_runs_total', { job: 'zzz' })).toBeUndefined();
    expect(await kit.metrics.histogram('job_run_duration_seconds', { job: 'a' })).toEqual({
      count: 1,
      sum: 5,
      buckets: [
        { le: 1, count: 0 },
        { le: 10, count: 1 },
        { le: Number.POSITIVE_INFINITY, count: 1 },
      ],
    });
    expect(await kit.metrics.scrape()).toContain('job_runs_total{job="a",outcome="failed"} 1');
    expect((globalThis as Record<symbol, unknown>)[API_GLOBAL]).toBeUndefined();
    await kit.close();
  });

  it('captures spans and log lines with trace ids through its private context', async () => {
    const kit = createTestTelemetry();
    const { tracer, context, logger } = kit.telemetry;
    const span = tracer.startSpan('op');
    context.with(trace.setSpan(ROOT_CONTEXT, span), () => logger.info({ password: 'p4ss' }, 'in span'));
    span.end();
    expect(kit.spans.finished().map((s) => s.name)).toEqual(['op']);
    expect(kit.logs.find('in span')[0]?.trace_id).toBe(span.spanContext().traceId);
    expect(kit.logs.raw()).not.toContain('p4ss');
    kit.logs.clear();
    expect(kit.logs.lines).toEqual([]);
    await kit.close();
  });
});

describe('createFakeClock', () => {
  it('fires timeouts and intervals in order as time advances', async () => {
    const clock = createFakeClock(1000);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push(`t@${clock.now()}`), 50);
    const iv = clock.setInterval(() => fired.push(`i@${clock.now()}`), 20);
    const cancelled = clock.setTimeout(() => fired.push('never'), 10);
    clock.clearTimeout(cancelled);
    await clock.advance(70);
    expect(fired).toEqual(['i@1020', 'i@1040', 't@1050', 'i@1060']);
    expect(clock.now()).toBe(1070);
    clock.clearInterval(iv);
    expect(clock.pending()).toBe(0);
    await clock.set(5000);
    expect(clock.now()).toBe(5000);
  });

  it('lets async timer callbacks settle between timers', async () => {
    const clock = createFakeClock(0);
    const order: string[] = [];
    clock.setTimeout(async () => {
      await Promise.resolve();
      order.push('first-done');
    }, 10);
    clock.setTimeout(() => order.push('second'), 20);
    await clock.advance(30);
    expect(order).toEqual(['first-done', 'second']);
  });
});
