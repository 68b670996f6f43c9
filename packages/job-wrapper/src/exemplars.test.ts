import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestTelemetry, type TestTelemetry } from '@slakit/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryLeases } from './memory-leases.js';
import { withSla } from './with-sla.js';

const kits: TestTelemetry[] = [];
afterEach(async () => {
  await Promise.all(kits.splice(0).map((k) => k.close()));
});

/** The telemetry's /metrics as Prometheus asks for it (OpenMetrics). */
async function openMetrics(kit: TestTelemetry): Promise<string> {
  const server = createServer(kit.telemetry.metricsHandler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`, {
      headers: { accept: 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5' },
    });
    return await res.text();
  } finally {
    server.close();
  }
}

describe('job_run_duration_seconds exemplars', () => {
  it('carry the trace id of the sampled run span in the bucket of the run duration', async () => {
    const kit = createTestTelemetry({ serviceName: 'svc' });
    kits.push(kit);
    const job = withSla('nightly_cleanup', async () => ({ processed: 3 }), {
      budgetSeconds: 60,
      telemetry: kit.telemetry,
      clock: kit.clock,
      leases: memoryLeases({ clock: kit.clock }),
      env: {},
    });
    await job();
    const span = kit.spans.finished().find((s) => s.attributes.job_name === 'nightly_cleanup' || s.name.includes('nightly'));
    expect(span).toBeDefined();
    const traceId = span?.spanContext().traceId as string;
    const om = await openMetrics(kit);
    const lines = om.split('\n').filter((l) => l.startsWith('job_run_duration_seconds_bucket{') && l.includes(' # {'));
    expect(lines).toHaveLength(1);
    // a run on the fake clock takes 0 s: the first bucket
    expect(lines[0]).toContain('job_name="nightly_cleanup",outcome="succeeded",le="0.05"} 1 # {trace_id="');
    expect(lines[0]).toContain(`trace_id="${traceId}"`);
    // the 0.0.4 text has the same series, without exemplars
    const text = await kit.metrics.scrape();
    expect(text).toContain('job_run_duration_seconds_bucket{job_name="nightly_cleanup",outcome="succeeded",le="0.05"} 1\n');
    expect(await kit.metrics.histogram('job_run_duration_seconds', { job_name: 'nightly_cleanup' })).toMatchObject({ count: 1 });
  });
});
