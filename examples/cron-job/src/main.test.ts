// The cron-job example as a scheduler runs it: a real Pushgateway and Postgres; the success exits 0 and pushes its
// metrics, a failing run exits non-zero and leaves job_last_success_timestamp_seconds where it was.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parsePrometheusText } from '@slakit/core/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binary, ensurePostgres, freePort, waitFor } from '../../../test-support/services.js';

const cwd = fileURLToPath(new URL('..', import.meta.url));
// `node --import tsx` runs the demo in one process (the tsx CLI would fork a child that a SIGKILL could orphan).
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
const prefix = `cron_${process.pid}`;
let gateway: ChildProcess;
let gatewayUrl: string;
let dir: string;

beforeAll(async () => {
  await ensurePostgres();
  dir = mkdtempSync(join(tmpdir(), 'slakit-cron-'));
  const port = await freePort();
  gateway = spawn(binary('prometheus-pushgateway', 'prometheus-pushgateway'), [
    `--web.listen-address=127.0.0.1:${port}`,
    `--persistence.file=${join(dir, 'p')}`,
  ]);
  gatewayUrl = `http://127.0.0.1:${port}`;
  await waitFor('the Pushgateway', async () => ((await fetch(`${gatewayUrl}/-/ready`)).ok ? true : undefined), 30_000);
});

afterAll(async () => {
  gateway?.kill('SIGTERM');
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
  await pool.query(`DROP TABLE IF EXISTS ${prefix}_job_runs, ${prefix}_leases`).catch(() => undefined);
  await pool.end();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function runExample(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    let out = '';
    const child = spawn(process.execPath, ['--import', tsx, 'src/main.ts'], {
      cwd,
      env: {
        ...process.env,
        DATABASE_URL,
        PUSHGATEWAY_URL: gatewayUrl,
        CRON_TABLE_PREFIX: prefix,
        HOSTNAME: 'cron-test',
        ...env,
      },
    });
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

async function pushed(name: string, labels: Record<string, string>): Promise<number | undefined> {
  const text = await (await fetch(`${gatewayUrl}/metrics`)).text();
  const sample = parsePrometheusText(text)
    .flatMap((f) => f.samples)
    .find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return sample?.value;
}

describe('examples/cron-job', () => {
  it('a successful run exits 0, is in the ledger and pushes its metrics', async () => {
    const { code, out } = await runExample({});
    expect(code, out).toBe(0);
    expect(await pushed('job_runs_total', { job: 'cleanup_magic_links', outcome: 'succeeded' })).toBe(1);
    expect(await pushed('job_records_processed_total', { job: 'cleanup_magic_links' })).toBe(25);
    const last = await pushed('job_last_success_timestamp_seconds', { job: 'cleanup_magic_links' });
    expect(last).toBeGreaterThan(Date.now() / 1000 - 120);
    const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
    try {
      const rows = await pool.query(
        `SELECT outcome, processed::int AS processed FROM ${prefix}_job_runs WHERE job = 'cleanup_magic_links'`,
      );
      expect(rows.rows).toEqual([{ outcome: 'succeeded', processed: 25 }]);
    } finally {
      await pool.end();
    }
  }, 60_000);

  it('a failing run exits non-zero and leaves last-success unchanged', async () => {
    const before = await pushed('job_last_success_timestamp_seconds', { job: 'cleanup_magic_links' });
    expect(before).toBeDefined();
    const { code, out } = await runExample({ CRON_JOB_FAIL: '1' });
    expect(code, out).toBe(1);
    expect(await pushed('job_runs_total', { job: 'cleanup_magic_links', outcome: 'failed' })).toBe(1);
    expect(await pushed('job_last_success_timestamp_seconds', { job: 'cleanup_magic_links' })).toBe(before);
    expect(out).not.toContain('postgres://');
  }, 60_000);

  it('refuses to start without its configuration (exit 2)', async () => {
    const { code, out } = await runExample({ PUSHGATEWAY_URL: '' });
    expect(code).toBe(2);
    expect(out).toContain('set DATABASE_URL');
  }, 30_000);
});
