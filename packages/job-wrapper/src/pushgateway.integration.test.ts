// runOnce() + pushgatewayPush() against a real Prometheus Pushgateway (Debian prometheus-pushgateway).
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePrometheusText } from '@slakit/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binary, freePort, waitFor } from '../../../test-support/services.js';

let gateway: ChildProcess;
let url: string;
beforeAll(async () => {
  const bin = binary('prometheus-pushgateway', 'prometheus-pushgateway');
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  gateway = spawn(
    bin,
    [`--web.listen-address=127.0.0.1:${port}`, `--persistence.file=${join(mkdtempSync(join(tmpdir(), 'pgw-')), 'p')}`],
    { stdio: 'ignore' },
  );
  await waitFor('the Pushgateway', async () => ((await fetch(`${url}/-/ready`)).ok ? true : undefined), 20_000);
});
afterAll(() => {
  gateway?.kill('SIGTERM');
});

const child = (fail: boolean) =>
  new Promise<{ code: number; out: string }>((resolve) => {
    execFile(
      process.execPath,
      [new URL('../test/cron-child.mjs', import.meta.url).pathname],
      { cwd: new URL('..', import.meta.url).pathname, env: { ...process.env, PUSHGATEWAY_URL: url, FAIL: fail ? '1' : '0' } },
      (error, stdout) => resolve({ code: error ? Number(error.code) : 0, out: stdout.trim() }),
    );
  });

async function gatewaySeries() {
  const families = parsePrometheusText(await (await fetch(`${url}/metrics`)).text());
  const sample = (name: string, labels: Record<string, string> = {}) =>
    families
      .flatMap((f) => f.samples)
      .find(
        (s) => s.name === name && s.labels.job === 'cron_cleanup' && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
      );
  return { sample };
}

describe('short-lived job process → real Pushgateway', () => {
  it('a run pushes duration, outcome and last success; a failing run later exits non-zero and leaves last success unchanged', async () => {
    const ok = await child(false);
    expect(ok).toEqual({ code: 0, out: 'succeeded' });
    const first = await gatewaySeries();
    expect(first.sample('job_run_duration_seconds_count', { outcome: 'succeeded', instance: 'cron' })?.value).toBe(1);
    expect(first.sample('job_runs_total', { outcome: 'succeeded' })?.value).toBe(1);
    expect(first.sample('job_records_processed_total')?.value).toBe(42);
    const lastSuccess = first.sample('job_last_success_timestamp_seconds')?.value as number;
    expect(lastSuccess).toBeGreaterThan(Date.now() / 1000 - 60);

    await new Promise((r) => setTimeout(r, 1100));
    const failed = await child(true);
    expect(failed).toEqual({ code: 1, out: 'threw ECONNREFUSED' });
    const second = await gatewaySeries();
    expect(second.sample('job_runs_total', { outcome: 'failed' })?.value).toBe(1);
    expect(second.sample('job_last_success_timestamp_seconds')?.value).toBe(lastSuccess);
  }, 60_000);
});
