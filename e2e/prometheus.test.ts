// The fixture service (all four packages) is scraped by a real Prometheus loaded with the generated rules; alerts go
// through a real Alertmanager (generated config) to a webhook receiver; `slakit report` reads the same Prometheus.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  dashboardQueries,
  generateAlertmanagerConfig,
  generateDashboards,
  generateRules,
  type SlaReport,
  toYaml,
} from '@slakit/cli';
import { defineConfig } from '@slakit/core';
import { parsePrometheusText } from '@slakit/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binary, waitFor } from '../test-support/services.js';
import { type Fixture, startFixture } from './fixture.js';
import { type Hook, type Proc, query, startAlertmanager, startHook, startPrometheus } from './stack.js';

const SERVICE = 'e2e-shop';
const OK = 180;
const FAILED = 20;

let dir: string;
let hook: Hook;
let fixture: Fixture;
let am: Proc;
let prom: Proc & { configFile: string };
let config: ReturnType<typeof defineConfig>;
let configFile: string;
/** The service's own counters when Prometheus took its first sample. */
let baseline: { total: number; errors: number };

async function ownCounts(): Promise<{ total: number; errors: number; names: Set<string> }> {
  const text = await (await fetch(`${fixture.url}/metrics`)).text();
  const samples = parsePrometheusText(text).flatMap((f) => f.samples);
  let total = 0;
  let errors = 0;
  for (const s of samples) {
    if (s.name !== 'http_server_request_duration_seconds_count') continue;
    total += s.value;
    if (s.labels.http_response_status_code?.startsWith('5')) errors += s.value;
  }
  return { total, errors, names: new Set(samples.map((s) => s.name)) };
}

const value = async (expr: string): Promise<number | undefined> => {
  const r = await query(prom.url, expr);
  return r[0] ? Number(r[0].value[1]) : undefined;
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'slakit-e2e-'));
  hook = await startHook();
  config = defineConfig({
    service: SERVICE,
    prometheus: { selector: `service="${SERVICE}"`, evaluationInterval: '1s' },
    slos: [
      { name: 'availability', kind: 'availability', objective: 99.9 },
      { name: 'latency', kind: 'latency', objective: 95, thresholdSeconds: 0.2 },
    ],
    jobs: { e2e_breach: { budgetSeconds: 1 }, e2e_failing: { budgetSeconds: 5 } },
    queues: { e2e_queue: {} },
    alerting: {
      pager: { type: 'webhook', url: `${hook.url}/pager` },
      chat: { type: 'webhook', url: `${hook.url}/chat` },
      groupWait: '1s',
      groupInterval: '1s',
    },
  });
  configFile = join(dir, 'slakit.config.json');
  writeFileSync(configFile, JSON.stringify(config));
  writeFileSync(join(dir, 'rules.yml'), toYaml(generateRules(config)));
  writeFileSync(join(dir, 'alertmanager.yml'), toYaml(generateAlertmanagerConfig(config)));

  fixture = await startFixture(config);
  // Warm-up: one request of each kind, so both series exist before Prometheus' first sample.
  await fetch(`${fixture.url}/orders/0`);
  await fetch(`${fixture.url}/fail`);
  const warm = await ownCounts();
  baseline = { total: warm.total, errors: warm.errors };

  am = await startAlertmanager(dir, join(dir, 'alertmanager.yml'));
  prom = await startPrometheus(dir, {
    target: fixture.url.replace('http://', ''),
    labels: { service: SERVICE },
    ruleFiles: [join(dir, 'rules.yml')],
    alertmanager: am.url,
  });
  await waitFor('the first scrape', async () => ((await value(`up{service="${SERVICE}"}`)) === 1 ? true : undefined), 30_000);
  await waitFor(
    'the warm-up requests in Prometheus',
    async () =>
      (await value(`sum(http_server_request_duration_seconds_count{service="${SERVICE}"})`)) === baseline.total
        ? true
        : undefined,
    30_000,
  );

  // The injected traffic: 180 successes and 20 server errors, in waves across several scrapes.
  for (let wave = 0; wave < 4; wave++) {
    await Promise.all([
      ...Array.from({ length: OK / 4 }, (_, i) => fetch(`${fixture.url}/orders/${wave * 100 + i}`).then((r) => r.text())),
      ...Array.from({ length: FAILED / 4 }, () => fetch(`${fixture.url}/fail`).then((r) => r.text())),
    ]);
    await new Promise((r) => setTimeout(r, 600));
  }
  await fixture.runBreach();
  for (let i = 0; i < 3; i++) await fixture.runFailing();
  await fixture.queue.check();
}, 120_000);

afterAll(async () => {
  await prom?.stop();
  await am?.stop();
  await fixture?.close();
  await hook?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('generated rules on a real Prometheus', () => {
  it('promtool check config accepts the Prometheus config with the generated rules', () => {
    const r = spawnSync(binary('promtool', 'prometheus'), ['check', 'config', prom.configFile], { encoding: 'utf8' });
    expect(`${r.stdout}${r.stderr}`).toContain('SUCCESS');
    expect(r.status).toBe(0);
  });

  it('a job driven past its budget: JobSlaBreachCritical fires, reaches Alertmanager and the pager webhook; the warning is inhibited', async () => {
    const started = Date.now();
    const delivered = await waitFor(
      'JobSlaBreachCritical at the pager webhook',
      () =>
        hook.received.find(
          (h) => h.path === '/pager' && h.body.status === 'firing' && h.body.commonLabels.alertname === 'JobSlaBreachCritical',
        ),
      60_000,
      250,
    );
    const seconds = (Date.now() - started) / 1000;
    expect(seconds).toBeLessThan(60);
    const alert = delivered.body.alerts[0];
    expect(alert?.labels).toMatchObject({
      alertname: 'JobSlaBreachCritical',
      severity: 'critical',
      service: SERVICE,
      job_name: 'e2e_breach',
    });
    expect(alert?.annotations.runbook_url).toMatch(/\/JobSlaBreachCritical\.md$/);
    // It may fire while the run still runs (elapsed at the last scrape / budget, 100 … 130 %) or after it (130 %).
    expect(alert?.annotations.summary).toMatch(/Job e2e_breach exceeded its SLA budget \(1[0-3]\d(\.\d+)?% of 1 s\)/);
    // Prometheus has both the warning and the critical firing; Alertmanager suppresses the warning.
    const firing = (await (await fetch(`${prom.url}/api/v1/alerts`)).json()) as {
      data: { alerts: { labels: Record<string, string>; state: string }[] };
    };
    const names = firing.data.alerts
      .filter((a) => a.state === 'firing' && a.labels.job_name === 'e2e_breach')
      .map((a) => a.labels.alertname);
    expect(names.sort()).toEqual(['JobSlaBreachCritical', 'JobSlaBreachWarning']);
    const inAm = await waitFor('the warning in Alertmanager', async () => {
      const list = (await (await fetch(`${am.url}/api/v2/alerts`)).json()) as {
        labels: Record<string, string>;
        status: { state: string; inhibitedBy: string[] };
      }[];
      return list.find((a) => a.labels.alertname === 'JobSlaBreachWarning');
    });
    expect(inAm.status.state).toBe('suppressed');
    expect(inAm.status.inhibitedBy.length).toBeGreaterThan(0);
    expect(hook.received.some((h) => h.body.alerts.some((a) => a.labels.alertname === 'JobSlaBreachWarning'))).toBe(false);
  }, 90_000);

  it('routes by severity: JobConsecutiveFailures and QueueDepthCritical page, QueueDepthWarning is inhibited', async () => {
    for (const name of ['JobConsecutiveFailures', 'QueueDepthCritical']) {
      await waitFor(
        `${name} at the pager webhook`,
        () => hook.received.find((h) => h.path === '/pager' && h.body.alerts.some((a) => a.labels.alertname === name)),
        60_000,
        250,
      );
    }
    expect(
      hook.received.filter((h) => h.path === '/chat').flatMap((h) => h.body.alerts.map((a) => a.labels.alertname)),
    ).not.toContain('QueueDepthWarning');
  }, 90_000);

  it('PromQL over the recording rules agrees with the service view (exact counts, error ratio within 5 %)', async () => {
    const own = await ownCounts();
    expect(own.total - baseline.total).toBe(OK + FAILED);
    expect(own.errors - baseline.errors).toBe(FAILED);
    // Raw counts: exactly the service's own, once Prometheus scraped after the last request.
    await waitFor(
      'Prometheus to see every request',
      async () =>
        (await value(`sum(http_server_request_duration_seconds_count{service="${SERVICE}"})`)) === own.total ? true : undefined,
      30_000,
    );
    expect(
      await value(`sum(http_server_request_duration_seconds_count{service="${SERVICE}",http_response_status_code=~"5.."})`),
    ).toBe(own.errors);
    const expected = FAILED / (OK + FAILED);
    // The recording rule, evaluated after that scrape (evaluation every 1 s).
    const recorded = await waitFor(
      'the 5m availability error ratio',
      async () => {
        const v = await value(`slo:sli_error:ratio_rate5m{service="${SERVICE}",slo="availability"}`);
        return v !== undefined && Math.abs(v - expected) / expected < 0.05 ? v : undefined;
      },
      20_000,
    );
    expect(Math.abs(recorded - expected) / expected).toBeLessThan(0.05);
    // Every request was fast: the latency SLI's error ratio is 0, and the budget is burnt only by the 5xx.
    expect(await value(`slo:sli_error:ratio_rate5m{service="${SERVICE}",slo="latency"}`)).toBe(0);
    const remaining = await value(`slo:error_budget:remaining_ratio{service="${SERVICE}",slo="availability"}`);
    expect(remaining).toBeLessThan(0);
  }, 60_000);

  it('every metric a rule or a dashboard references is exported by the packages', async () => {
    const own = await ownCounts();
    const exprs = [
      ...generateRules(config).groups.flatMap((g) => g.rules.map((r) => r.expr)),
      ...dashboardQueries(generateDashboards(config)).map((q) => q.expr),
    ];
    const referenced = new Set<string>();
    for (const e of exprs)
      for (const m of e.matchAll(/\b((?:http|job|queue|health)_[a-z_]+)\s*[{[]/g)) referenced.add(m[1] as string);
    expect(referenced.size).toBeGreaterThanOrEqual(12);
    expect([...referenced].filter((n) => !own.names.has(n))).toEqual([]);
  });

  it('every dashboard query is valid PromQL and returns data', async () => {
    const queries = dashboardQueries(generateDashboards(config));
    const empty: string[] = [];
    for (const q of queries) {
      const expr = q.expr.replaceAll('$__rate_interval', '1m');
      const result = await query(prom.url, expr); // throws on a PromQL error
      if (result.length === 0) empty.push(`${q.dashboard} / ${q.panel}: ${expr}`);
    }
    expect(empty).toEqual([]);
  }, 60_000);

  it('slakit report prints PASS/FAIL rows matching the injected errors and exits 1', async () => {
    const bin = fileURLToPath(new URL('../packages/cli/bin/slakit.mjs', import.meta.url));
    const args = [bin, 'report', '--config', configFile, '--prometheus', prom.url, '--window', '5m'];
    const json = spawnSync(process.execPath, [...args, '--json'], { encoding: 'utf8', timeout: 30_000 });
    expect(json.status, json.stderr).toBe(1);
    const report = JSON.parse(json.stdout) as SlaReport;
    const rows = Object.fromEntries(report.rows.map((r) => [r.name, r]));
    expect(rows['availability (availability)']?.status).toBe('FAIL');
    expect(rows['availability (availability)']?.value).toBeCloseTo(1 - FAILED / (OK + FAILED + 2), 1);
    expect(rows['error rate (availability)']?.status).toBe('FAIL');
    expect(rows['requests within 200 ms (latency)']).toMatchObject({ status: 'PASS', value: 1 });
    expect(rows['p95 latency (latency)']?.status).toBe('PASS');
    expect(rows['job success rate (e2e_breach)']).toMatchObject({ status: 'PASS', value: 1 });
    expect(rows['job success rate (e2e_failing)']).toMatchObject({ status: 'FAIL', value: 0 });
    const table = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 30_000 });
    expect(table.status).toBe(1);
    expect(table.stdout).toMatch(/availability \(availability\)\s+\d+\.\d+%\s+>= 99\.9%\s+FAIL/);
    expect(table.stdout).toMatch(/job success rate \(e2e_breach\)\s+100%\s+>= 95%\s+PASS/);
    expect(table.stdout).toContain('Overall: FAIL (3 failing, 0 without data)');
  }, 60_000);
});
