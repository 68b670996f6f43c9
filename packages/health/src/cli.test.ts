import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '@slakit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { custom } from './checks.js';
import { createHealth } from './health.js';

const bin = new URL('../bin/slakit-health.mjs', import.meta.url).pathname;
let server: Server;
let url: string;
let dbOk = true;
const health = createHealth({
  checks: {
    db: custom(() => dbOk, { ttlMs: 50 }),
    blob: custom(() => ({ status: 'warn', output: 'SLOW' }), { severity: 'degraded' }),
  },
  authorize: (req) => req.headers.authorization === 'Bearer ops',
  logger: createLogger({ level: 'silent' }),
});

function run(args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], (error, stdout) => resolve({ code: error ? Number(error.code) : 0, stdout }));
  });
}

beforeAll(async () => {
  server = createServer((req, res) => void health.handle(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
});
afterAll(() => {
  health.close();
  server.close();
});

describe('slakit-health (the built bin)', () => {
  it('prints the seed-style report and exits 1 on warn', async () => {
    const { code, stdout } = await run([url, '--token', 'ops']);
    expect(stdout).toMatch(/^✓ db: PASS \(\d+ms\)$/m);
    expect(stdout).toMatch(/^! blob: WARN \(\d+ms, SLOW\)$/m);
    expect(stdout.trim().split('\n').at(-1)).toBe('Overall status: WARN');
    expect(code).toBe(1);
  });

  it('exits 2 on fail, and when the service is unreachable', async () => {
    dbOk = false;
    await new Promise((r) => setTimeout(r, 200));
    const failing = await run([url, '--token', 'ops']);
    expect(failing.stdout).toMatch(/^✗ db: FAIL/m);
    expect(failing.code).toBe(2);
    const down = await run(['http://127.0.0.1:1/health']);
    expect(down.stdout).toContain('Overall status: FAIL');
    expect(down.code).toBe(2);
  });
});

describe('renderReport / exitCode', () => {
  it('exit 0 for pass and renders latency from responseTime entries', async () => {
    const { renderReport, exitCode } = await import('./cli.js');
    const text = renderReport({
      status: 'pass',
      checks: {
        'db:connections': [{ status: 'pass', componentType: 'datastore' }],
        'db:responseTime': [{ status: 'pass', observedValue: 12.4, observedUnit: 'ms' }],
        uptime: [{ status: 'pass', observedValue: 5, observedUnit: 's' }],
      },
    });
    expect(text).toBe('✓ db: PASS (12ms)\nOverall status: PASS');
    expect([exitCode('pass'), exitCode('warn'), exitCode('fail'), exitCode(undefined)]).toEqual([0, 1, 2, 2]);
  });
});
