import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;
const packages = ['core', 'health', 'job-wrapper', 'express-middleware', 'cli', 'ops'].map((name) =>
  join(root, 'packages', name),
);

function probe(mode: 'esm' | 'cjs') {
  const out = execFileSync(process.execPath, [join(root, 'scripts', 'import-probe.mjs'), mode, ...packages], {
    encoding: 'utf8',
  });
  return JSON.parse(out) as {
    before: { listeners: Record<string, number>; resources: string[]; otel: string[] };
    after: { listeners: Record<string, number>; resources: string[]; otel: string[] };
    exported: Record<string, string[]>;
    timersCreated: Record<string, number>;
  };
}

describe('built packages', () => {
  it('are built (run `pnpm build` first)', () => {
    for (const dir of packages) {
      for (const file of ['index.js', 'index.cjs', 'index.d.ts', 'index.d.cts'])
        expect(existsSync(join(dir, 'dist', file)), `${dir}/dist/${file}`).toBe(true);
    }
  });

  it.each(['esm', 'cjs'] as const)('load through %s, and importing them registers no provider, timer or listener', (mode) => {
    const { before, after, exported, timersCreated } = probe(mode);
    expect(timersCreated).toEqual({ setTimeout: 0, setInterval: 0, setImmediate: 0 });
    expect(after.otel).toEqual([]);
    expect(after.listeners).toEqual(before.listeners);
    expect(after.resources).toEqual(before.resources);
    expect(exported['@slakit/core']).toEqual(
      expect.arrayContaining(['createTelemetry', 'createLogger', 'loadEnvConfig', 'SlakitError', 'httpDurationBuckets']),
    );
    expect(exported['@slakit/core/testing']).toEqual(
      expect.arrayContaining(['createTestTelemetry', 'createFakeClock', 'parsePrometheusText']),
    );
    expect(exported['@slakit/cli']).toEqual(
      expect.arrayContaining(['generateRules', 'generateAlertmanagerConfig', 'generateDashboards', 'loadConfigFile', 'main']),
    );
    expect(exported).not.toHaveProperty(['@slakit/core/generators']);
  });

  it('ESM and CJS builds export the same names', () => {
    expect(probe('esm').exported).toEqual(probe('cjs').exported);
  });

  it('the built core works end to end from a plain CommonJS consumer', () => {
    const dir = mkdtempSync(join(tmpdir(), 'slakit-smoke-'));
    const script = join(dir, 'smoke.cjs');
    writeFileSync(
      script,
      `const { createRequire } = require('node:module');
const core = createRequire(${JSON.stringify(join(packages[0] as string, 'package.json'))})('@slakit/core');
const t = core.createTelemetry({ env: {}, providers: 'own', logger: { level: 'silent' } });
t.meter.createCounter('smoke.hits').add(4);
const http = require('node:http');
const server = http.createServer(t.metricsHandler).listen(0, '127.0.0.1', () => {
  http.get({ host: '127.0.0.1', port: server.address().port, path: '/metrics' }, (res) => {
    let body = '';
    res.on('data', (d) => (body += d));
    res.on('end', () => { console.log(JSON.stringify({ status: res.statusCode, body })); server.close(); t.shutdown(); });
  });
});
`,
    );
    const { status, body } = JSON.parse(execFileSync(process.execPath, [script], { encoding: 'utf8' }));
    expect(status).toBe(200);
    expect(body).toContain('smoke_hits_total 4');
  });

  it('package.json files declare types first in every export condition', () => {
    for (const dir of packages) {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      expect(pkg.sideEffects).toBe(false);
      expect(pkg.engines.node).toBe('>=20.6');
      for (const [entry, conditions] of Object.entries<Record<string, Record<string, string>> | string>(pkg.exports)) {
        if (entry === './package.json' || typeof conditions === 'string') continue;
        for (const target of Object.values(conditions)) expect(Object.keys(target)[0]).toBe('types');
      }
    }
  });
});
