// Alerts from alertmanagerSink reach a real Alertmanager, which groups them and delivers them to a webhook receiver.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Alerter, alertFingerprint, alertmanagerSink, createAlerter } from '@slakit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binary, freePort, waitFor } from '../test-support/services.js';

interface WebhookPayload {
  status: 'firing' | 'resolved';
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  alerts: {
    status: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
    fingerprint: string;
    startsAt: string;
    endsAt: string;
  }[];
}

let am: ChildProcess;
let amUrl: string;
let hook: Server;
let dir: string;
let amLog = '';
const received: WebhookPayload[] = [];

beforeAll(async () => {
  const bin = binary('prometheus-alertmanager', 'prometheus-alertmanager');
  const [hookPort, amPort] = [await freePort(), await freePort()];
  hook = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push(JSON.parse(body));
      res.end();
    });
  });
  await new Promise<void>((r) => hook.listen(hookPort, '127.0.0.1', r));
  dir = mkdtempSync(join(tmpdir(), 'slakit-am-'));
  // YAML is a superset of JSON: the config is written as JSON.
  const config = {
    route: {
      receiver: 'webhook',
      group_by: ['alertname', 'service'],
      group_wait: '1s',
      group_interval: '1s',
      repeat_interval: '1h',
    },
    receivers: [{ name: 'webhook', webhook_configs: [{ url: `http://127.0.0.1:${hookPort}/hook`, send_resolved: true }] }],
  };
  writeFileSync(join(dir, 'am.yml'), JSON.stringify(config));
  am = spawn(bin, [
    `--config.file=${join(dir, 'am.yml')}`,
    `--storage.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${amPort}`,
    '--cluster.listen-address=',
  ]);
  am.stderr?.on('data', (c) => (amLog += c));
  amUrl = `http://127.0.0.1:${amPort}`;
  await waitFor('Alertmanager to be ready', async () => ((await fetch(`${amUrl}/-/ready`)).ok ? true : undefined), 30_000).catch(
    (e) => {
      throw new Error(`${(e as Error).message}\n${amLog}`);
    },
  );
});

afterAll(async () => {
  am?.kill('SIGTERM');
  await new Promise<void>((r) => (am && am.exitCode === null ? am.once('exit', () => r()) : r()));
  await new Promise<void>((r) => {
    hook?.closeAllConnections();
    hook?.close(() => r());
  });
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('alertmanagerSink → real Alertmanager → webhook receiver', () => {
  let alerter: Alerter;
  afterAll(() => alerter?.close());

  it('delivers grouped alerts, shows them in /api/v2/alerts while firing, and delivers the resolution', async () => {
    alerter = createAlerter({
      sinks: [alertmanagerSink(amUrl, { generatorURL: 'http://quiz-api.local/ops/alerts', refreshSeconds: 30 })],
      service: 'quiz-api',
      env: {},
    });
    const annotations = { summary: 'Cleanup job exceeded its SLA budget', runbook_url: 'https://runbooks.example/sla-breach' };
    const values = {
      sla_budget_seconds: 3600,
      actual_duration_seconds: 3700,
      utilization_percent: 102.8,
      threshold_percent: 100,
    };
    const a = alerter.fire({
      labels: { alertname: 'JobSlaBreachCritical', severity: 'critical', job_name: 'cleanup_pdfs' },
      annotations,
      values,
    });
    const b = alerter.fire({
      labels: { alertname: 'JobSlaBreachCritical', severity: 'critical', job_name: 'cleanup_magic_links' },
      annotations,
      values,
    });
    await alerter.idle();

    // Alertmanager's own fingerprints equal slakit's: the same identity end to end.
    const listed = await waitFor('alerts in /api/v2/alerts', async () => {
      const alerts = (await (await fetch(`${amUrl}/api/v2/alerts?active=true`)).json()) as {
        fingerprint: string;
        labels: Record<string, string>;
        status: { state: string };
      }[];
      return alerts.length === 2 ? alerts : undefined;
    });
    expect(listed.map((x) => x.fingerprint).sort()).toEqual([a.fingerprint, b.fingerprint].sort());
    for (const x of listed) {
      expect(x.status.state).toBe('active');
      expect(x.fingerprint).toBe(alertFingerprint(x.labels));
      expect(x.labels.service).toBe('quiz-api');
    }

    const firing = await waitFor('the grouped firing notification', () =>
      received.find((p) => p.status === 'firing' && p.alerts.length === 2),
    );
    expect(firing.groupLabels).toEqual({ alertname: 'JobSlaBreachCritical', service: 'quiz-api' });
    expect(firing.commonLabels).toMatchObject({ alertname: 'JobSlaBreachCritical', severity: 'critical', service: 'quiz-api' });
    expect(firing.alerts.map((x) => x.labels.job_name).sort()).toEqual(['cleanup_magic_links', 'cleanup_pdfs']);
    expect(firing.alerts[0]?.annotations).toMatchObject({
      summary: 'Cleanup job exceeded its SLA budget',
      utilization_percent: '102.8',
    });
    expect(received.filter((p) => p.status === 'resolved')).toEqual([]);

    expect(alerter.resolve({ alertname: 'JobSlaBreachCritical' })).toHaveLength(2);
    await alerter.idle();
    const resolved = await waitFor('the resolved notification', () => received.find((p) => p.status === 'resolved'));
    expect(resolved.alerts.map((x) => x.status)).toEqual(['resolved', 'resolved']);
    expect(resolved.alerts.map((x) => x.fingerprint).sort()).toEqual([a.fingerprint, b.fingerprint].sort());
    const active = (await (await fetch(`${amUrl}/api/v2/alerts?active=true`)).json()) as unknown[];
    expect(active).toEqual([]);
  });
});
