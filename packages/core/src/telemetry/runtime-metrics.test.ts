import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { binary } from '../../../../test-support/services.js';
import { RUNTIME_METRICS } from '../catalogue/metrics-runtime.js';
import { SlakitError } from '../errors.js';
import { createTelemetry } from '../telemetry.js';
import type { Telemetry, TelemetryOptions } from './types.js';

const started: Telemetry[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((t) => t.shutdown()));
});

/** A real scrape of the standalone `/metrics` server, after some GC and event-loop work to record. */
async function scrape(options: TelemetryOptions): Promise<string> {
  const telemetry = createTelemetry({ serviceName: 'rt', providers: 'own', metrics: { port: 0, host: '127.0.0.1' }, ...options });
  started.push(telemetry);
  // An open server, so an active TCP handle is there to count.
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  let keep: unknown[] = [];
  for (let round = 0; round < 20; round++) {
    keep = Array.from({ length: 20_000 }, (_, i) => ({ i, s: `x${i}` }));
    await new Promise((r) => setTimeout(r, 10));
  }
  void keep;
  for (let i = 0; i < 50 && !telemetry.metricsAddress(); i++) await new Promise((r) => setTimeout(r, 10));
  const { port } = telemetry.metricsAddress() as AddressInfo;
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  server.close();
  return text;
}

const families = (text: string) =>
  new Set(
    text
      .split('\n')
      .filter((l) => l.startsWith('# TYPE '))
      .map((l) => l.split(' ')[2] as string),
  );

const ALL = Object.values(RUNTIME_METRICS);
const prometheusOf = (group: string) => ALL.filter((m) => m.group === group).map((m) => m.prometheus);

describe('runtime metrics in a /metrics scrape', () => {
  it('exposes every catalogued runtime metric with its Prometheus name and type, and promtool accepts the text', async () => {
    const text = await scrape({ runtimeMetrics: true });
    const found = families(text);
    for (const m of ALL) {
      expect(found, m.prometheus).toContain(m.prometheus);
      expect(text, m.prometheus).toContain(`# TYPE ${m.prometheus} ${m.type}`);
    }
    expect(text).toMatch(/^v8js_gc_duration_seconds_count\{v8js_gc_type="(minor|major|incremental|weakcb)"\} [1-9]/m);
    expect(text).toMatch(/^v8js_memory_heap_used_bytes\{v8js_heap_space_name="old_space"\} [1-9]/m);
    expect(text).toMatch(/^v8js_memory_heap_size_limit_bytes [1-9]\d{6,}/m);
    expect(text).toMatch(/^nodejs_eventloop_delay_p99_seconds [0-9.e-]+$/m);
    expect(text).toMatch(/^process_cpu_time_seconds_total\{cpu_mode="user"\} [0-9.e-]+$/m);
    expect(text).toMatch(/^process_memory_usage_bytes [1-9]\d{6,}/m);
    expect(text).toMatch(/^v8js_resource_active\{v8js_resource_type="TCPServerWrap"\} [1-9]/m);
    // Nothing of host-metrics' system.* groups, only process CPU and memory.
    expect([...found].filter((f) => f.startsWith('system_'))).toEqual([]);
    const promtool = spawnSync(binary('promtool', 'prometheus'), ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(promtool.stdout + promtool.stderr).toBe('');
    expect(promtool.status).toBe(0);
  }, 30_000);

  it('records none by default, and none of a group switched off', async () => {
    const off = families(await scrape({}));
    for (const m of ALL) expect(off, m.prometheus).not.toContain(m.prometheus);
    const some = families(await scrape({ runtimeMetrics: { gc: false, cpu: false } }));
    for (const m of ALL) {
      const expected = m.group !== 'gc' && m.group !== 'cpu';
      expect(some.has(m.prometheus), m.prometheus).toBe(expected);
    }
    expect(prometheusOf('gc')).toEqual(['v8js_gc_duration_seconds']);
  }, 30_000);

  it('disables both libraries on shutdown', async () => {
    const require = createRequire(import.meta.url);
    const { RuntimeNodeInstrumentation } = require('@opentelemetry/instrumentation-runtime-node');
    const { HostMetricsInstrumentation } = require('@opentelemetry/instrumentation-host-metrics');
    const node = vi.spyOn(RuntimeNodeInstrumentation.prototype, 'disable');
    const host = vi.spyOn(HostMetricsInstrumentation.prototype, 'disable');
    const telemetry = createTelemetry({ serviceName: 'rt', providers: 'own', registerGlobal: false, runtimeMetrics: true });
    expect(await telemetry.scrape()).toContain('v8js_memory_heap_used_bytes');
    expect(node).not.toHaveBeenCalled();
    await telemetry.shutdown();
    expect(node).toHaveBeenCalledTimes(1);
    expect(host).toHaveBeenCalledTimes(1);
    node.mockRestore();
    host.mockRestore();
  });

  it('rejects bad runtimeMetrics options, naming the field', () => {
    const bad = (runtimeMetrics: unknown) => () =>
      createTelemetry({ serviceName: 'rt', providers: 'own', registerGlobal: false, runtimeMetrics } as TelemetryOptions);
    expect(bad('yes')).toThrow(SlakitError);
    expect(bad({ heap: 'on' })).toThrow(/runtimeMetrics\.heap/);
    expect(bad({ eventLoopResolutionMs: 0 })).toThrow(/runtimeMetrics\.eventLoopResolutionMs/);
    expect(bad({ gcc: true })).toThrow(/gcc/);
  });
});
