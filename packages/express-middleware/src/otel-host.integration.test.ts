import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const host = new URL('../test/otel-http-host.cjs', import.meta.url).pathname;
const cwd = new URL('..', import.meta.url).pathname;

describe.each(['express4', 'express5'])('with @opentelemetry/instrumentation-http registered (%s)', (expressModule) => {
  it('enriches the existing server span: exactly one server span per request, named by route', () => {
    expect(existsSync(new URL('../dist/index.cjs', import.meta.url)), 'run pnpm build first').toBe(true);
    const out = execFileSync(process.execPath, [host], {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, EXPRESS_MODULE: expressModule },
    });
    const { usingHost, spans } = JSON.parse(out) as {
      usingHost: { traces: boolean };
      spans: { name: string; kind: number; route?: string }[];
    };
    expect(usingHost.traces).toBe(true);
    const server = spans.filter((s) => s.kind === 1);
    expect(server).toHaveLength(5);
    for (const s of server) expect(s).toEqual({ name: 'GET /users/:id', kind: 1, route: '/users/:id' });
  });
});
