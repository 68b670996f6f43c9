import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import type { ConformanceHarness } from './harness.js';

const host = new URL('./otel-http-host.cjs', import.meta.url).pathname;
const cwd = new URL('..', import.meta.url).pathname;

/**
 * With OpenTelemetry's http instrumentation registered (a child process: it patches node:http before the framework
 * loads), slakit enriches the host's server span: still exactly one server span per request, named by route.
 */
export function hostInstrumentationCase(harness: ConformanceHarness): void {
  it('with @opentelemetry/instrumentation-http present: exactly one server span per request, named by route', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [host], {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, FRAMEWORK: harness.hostFramework },
    });
    const { usingHost, spans } = JSON.parse(stdout) as {
      usingHost: { traces: boolean };
      spans: { name: string; kind: number; route?: string }[];
    };
    expect(usingHost.traces).toBe(true);
    const server = spans.filter((s) => s.kind === 1);
    expect(server).toHaveLength(5);
    for (const s of server) expect(s).toEqual({ name: 'GET /users/:id', kind: 1, route: '/users/:id' });
  }, 60_000);
}
