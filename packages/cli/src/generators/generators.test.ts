import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALERT_CATALOGUE, defineConfig, type SlakitConfigInput } from '@slakit/core';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { main } from '../cli.js';
import { generateAlertmanagerConfig } from './alertmanager.js';
import { dashboardQueries, generateDashboards } from './dashboards.js';
import { toJson, toYaml } from './output.js';
import { leMatcher } from './promql.js';
import { slaReport } from './report.js';
import { renderReportTable } from './report-table.js';
import { type AlertingRule, GENERATED_ALERTS, generateRules, type RecordingRule } from './rules.js';

const input: SlakitConfigInput = {
  service: 'shop',
  prometheus: { selector: 'namespace="prod"' },
  slos: [
    { name: 'availability', kind: 'availability', objective: 99.9 },
    { name: 'latency', kind: 'latency', objective: 95, thresholdSeconds: 0.2 },
  ],
  jobs: {
    cleanup_pdfs: { budgetSeconds: 600, schedule: '0 3 * * *' },
    cleanup_links: {
      budgetSeconds: 60,
      warningPercent: 70,
      criticalPercent: 90,
      consecutiveFailures: 5,
      stallSeconds: 300,
      minDurationSeconds: 5,
      minIntervalSeconds: 3000,
      recoveryRuns: 2,
    },
  },
  queues: { manual_resolution: {} },
  health: { criticalChecks: ['postgres', 'redis'] },
};
const config = defineConfig(input);

const alerts = (file = generateRules(config)) =>
  file.groups.flatMap((g) => g.rules).filter((r): r is AlertingRule => 'alert' in r);
const records = (file = generateRules(config)) =>
  file.groups.flatMap((g) => g.rules).filter((r): r is RecordingRule => 'record' in r);

describe('generateRules', () => {
  it('is deterministic and independent of the order of the config', () => {
    const reordered = defineConfig({
      ...input,
      slos: [...(input.slos ?? [])].reverse(),
      jobs: Object.fromEntries(Object.entries(input.jobs ?? {}).reverse()),
    });
    expect(toYaml(generateRules(reordered))).toBe(toYaml(generateRules(config)));
  });

  it('gives every alert severity, service, summary, description, runbook_url and recommended_action', () => {
    const all = alerts();
    expect(new Set(all.map((a) => a.alert))).toEqual(new Set(GENERATED_ALERTS));
    for (const a of all) {
      expect(['warning', 'critical']).toContain(a.labels.severity);
      expect(a.labels.service).toBe('shop');
      for (const key of ['summary', 'description', 'runbook_url', 'recommended_action'] as const)
        expect(a.annotations[key], `${a.alert}.${key}`).toMatch(/\S/);
      expect(a.annotations.runbook_url).toBe(`https://github.com/slakit/slakit/blob/main/docs/runbooks/${a.alert}.md`);
    }
  });

  it('records the error ratio of every SLO over 5m … 3d, the SLO window and the budget', () => {
    const byName = new Map<string, RecordingRule[]>();
    for (const r of records()) byName.set(r.record, [...(byName.get(r.record) ?? []), r]);
    for (const w of ['5m', '30m', '1h', '2h', '6h', '1d', '3d'])
      expect(byName.get(`slo:sli_error:ratio_rate${w}`)?.map((r) => r.labels?.slo)).toEqual(['availability', 'latency']);
    expect(byName.get('slo:sli_error:ratio_rate_window')?.[0]?.labels).toEqual({
      service: 'shop',
      slo: 'availability',
      window: '30d',
    });
    expect(byName.get('slo:error_budget:ratio')?.map((r) => r.expr)).toEqual(['vector(0.001)', 'vector(0.05)']);
    const latency5m = byName.get('slo:sli_error:ratio_rate5m')?.[1]?.expr;
    expect(latency5m).toContain('http_server_request_duration_seconds_bucket{namespace="prod",le=~"0\\\\.2"}[5m]');
  });

  it('builds the four burn-rate pairs with the workbook factors', () => {
    const critical = alerts().find((a) => a.alert === 'SloErrorBudgetBurnCritical' && a.labels.slo === 'availability');
    expect(critical?.expr).toContain('slo:sli_error:ratio_rate1h{service="shop",slo="availability"} > (14.4 * 0.001)');
    expect(critical?.expr).toContain('slo:sli_error:ratio_rate5m{service="shop",slo="availability"} > (14.4 * 0.001)');
    expect(critical?.expr).toContain('ratio_rate6h{service="shop",slo="availability"} > (6 * 0.001)');
    expect(critical?.expr).toContain('ratio_rate30m{service="shop",slo="availability"} > (6 * 0.001)');
    const warning = alerts().find((a) => a.alert === 'SloErrorBudgetBurnWarning' && a.labels.slo === 'latency');
    expect(warning?.expr).toContain('ratio_rate1d{service="shop",slo="latency"} > (3 * 0.05)');
    expect(warning?.expr).toContain('ratio_rate3d{service="shop",slo="latency"} > (1 * 0.05)');
  });

  it('takes job, queue and health thresholds from the config', () => {
    const find = (name: string, job: string) => alerts().find((a) => a.alert === name && a.labels.job_name === job)?.expr;
    expect(find('JobSlaBreachWarning', 'cleanup_links')).toMatch(/>= 0\.7$/);
    expect(find('JobSlaBreachCritical', 'cleanup_links')).toMatch(/>= 0\.9$/);
    // recoveryRuns 2: the alert holds (its own ALERTS series) until 2 successes in a row.
    expect(find('JobConsecutiveFailures', 'cleanup_links')).toMatch(
      />= 5\nor\n\(max by \(job_name\) .*job_consecutive_successes.* < 2 and on \(job_name\) ALERTS\{alertname="JobConsecutiveFailures",alertstate="firing",job_name="cleanup_links",service="shop"\}\)$/,
    );
    expect(find('JobConsecutiveFailures', 'cleanup_pdfs')).toMatch(/>= 3$/);
    expect(find('JobStalled', 'cleanup_links')).toMatch(/> 300$/);
    expect(find('JobRunTooFast', 'cleanup_links')).toContain('< 5');
    expect(find('JobRunTooOften', 'cleanup_links')).toMatch(/< 3000$/);
    expect(find('JobStartLate', 'cleanup_pdfs')).toMatch(/> 60$/);
    expect(find('JobConsecutiveFailures', 'cleanup_pdfs')).toMatch(/>= 3$/);
    // Daily job: period 86400 s + default grace 8640 s.
    expect(find('JobMissedRun', 'cleanup_pdfs')).toBe(
      'time() - max by (job_name) ({namespace="prod",__name__=~"job_last_success_timestamp_seconds|job_last_success_known_timestamp_seconds",job_name="cleanup_pdfs"}) > 95040\nor\n' +
        '(time() - min by (job_name) (job_schedule_start_timestamp_seconds{namespace="prod",job_name="cleanup_pdfs"}) > 95040' +
        ' unless on (job_name) max by (job_name) ({namespace="prod",__name__=~"job_last_success_timestamp_seconds|job_last_success_known_timestamp_seconds",job_name="cleanup_pdfs"}))',
    );
    // No schedule, no missed-run rule.
    expect(find('JobMissedRun', 'cleanup_links')).toBeUndefined();
    const queue = alerts().filter((a) => a.labels.queue === 'manual_resolution');
    const q = (metric: string) => `${metric}{namespace="prod",queue="manual_resolution"}`;
    const depth = q('queue_depth');
    const resolved = q('queue_resolved_per_day');
    // Per replica (each instance's series), then any: the union of the replicas' runtime alerts.
    expect(queue.map((a) => [a.alert, a.labels.severity, a.expr.replace(/\s*\n\s*/g, ' ')])).toEqual([
      ['QueueDepthWarning', 'warning', `max( ${depth} > 100 <= 500 )`],
      ['QueueDepthCritical', 'critical', `max( ${depth} > 500 )`],
      ['QueueAgeWarning', 'warning', `max( ${q('queue_average_item_age_seconds')} > ${48 * 3600} and ${depth} > 0 )`],
      ['QueueEscalationRequired', 'critical', `max( ${q('queue_oldest_item_age_seconds')} > ${168 * 3600} and ${depth} > 0 )`],
      [
        'QueueResolutionRateLow',
        'warning',
        `max( ${resolved} < 0.5 * avg_over_time(${resolved}[7d]) and count_over_time(${resolved}[6d] offset 1d) > 0 )`,
      ],
    ]);
    expect(queue.map((a) => a.annotations.recommended_action)).toEqual(
      queue.map((a) => ALERT_CATALOGUE[a.alert as 'QueueDepthWarning'].action),
    );
    const health = alerts().find((a) => a.alert === 'HealthCheckFailing');
    expect(health?.expr).toBe('health_check_status{namespace="prod",check=~"postgres|redis"} == 0');
    expect(health?.for).toBe('5m');
  });

  it('matches histogram boundaries on Prometheus 2 and 3', () => {
    const re = (m: string) => new RegExp(`^(?:${JSON.parse(m.slice(4)) as string})$`);
    expect(re(leMatcher(0.2)).test('0.2')).toBe(true);
    expect(re(leMatcher(0.2)).test('0x2')).toBe(false);
    expect(re(leMatcher(1)).test('1')).toBe(true);
    expect(re(leMatcher(1)).test('1.0')).toBe(true);
    expect(re(leMatcher(1)).test('10')).toBe(false);
  });
});

describe('generateAlertmanagerConfig', () => {
  it('routes by severity, groups by alertname and service, inhibits warnings under criticals', () => {
    const am = generateAlertmanagerConfig(config);
    expect(am.route.group_by).toEqual(['alertname', 'service']);
    expect(am.route.routes?.map((r) => [r.receiver, r.matchers?.[1], r.repeat_interval])).toEqual([
      ['pager', 'severity="critical"', '1h'],
      ['chat', 'severity="error"', '2h'],
      ['chat', 'severity="warning"', '4h'],
      ['null', 'severity="info"', undefined],
    ]);
    expect(am.inhibit_rules.slice(-2)).toEqual([
      {
        source_matchers: ['severity="critical"'],
        target_matchers: ['severity=~"error|warning"'],
        equal: ['alertname', 'service', 'job_name', 'queue', 'check', 'slo'],
      },
      {
        source_matchers: ['severity="error"'],
        target_matchers: ['severity="warning"'],
        equal: ['alertname', 'service', 'job_name', 'queue', 'check', 'slo'],
      },
    ]);
    expect(am.inhibit_rules[0]).toEqual({
      source_matchers: ['alertname="JobSlaBreachCritical"'],
      target_matchers: ['alertname="JobSlaBreachWarning"'],
      equal: ['service', 'job_name'],
    });
    expect(am.receivers.map((r) => r.name)).toEqual(['pager', 'chat', 'null']);
    // every notifier refuses redirects, like slakit's own sinks
    for (const receiver of am.receivers)
      for (const [key, list] of Object.entries(receiver))
        if (key.endsWith('_configs'))
          for (const c of list as { http_config?: unknown }[])
            expect(c.http_config, receiver.name).toEqual({ follow_redirects: false });
    expect(am.receivers.filter((r) => Object.keys(r).some((k) => k.endsWith('_configs')))).toHaveLength(2);
  });

  it('never inlines a secret: ${ENV} placeholders or *_file paths', () => {
    const env = { PAGERDUTY_ROUTING_KEY: 'pd-secret-123', SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T/B/secret' };
    Object.assign(process.env, env);
    try {
      const text = toYaml(generateAlertmanagerConfig(config));
      expect(text).toContain('routing_key: ${PAGERDUTY_ROUTING_KEY}');
      expect(text).toContain('api_url: ${SLACK_WEBHOOK_URL}');
      const files = toYaml(generateAlertmanagerConfig(config, { secrets: 'file', secretsDir: '/run/secrets/' }));
      expect(files).toContain('routing_key_file: /run/secrets/PAGERDUTY_ROUTING_KEY');
      expect(files).toContain('api_url_file: /run/secrets/SLACK_WEBHOOK_URL');
      for (const t of [text, files]) for (const secret of Object.values(env)) expect(t).not.toContain(secret);
    } finally {
      for (const k of Object.keys(env)) delete process.env[k];
    }
  });

  it('refuses a webhook from the environment in file mode (no url_file before Alertmanager 0.26)', () => {
    const c = defineConfig({ ...input, alerting: { chat: { type: 'webhook', urlEnv: 'CHAT_HOOK' } } });
    expect(toYaml(generateAlertmanagerConfig(c))).toContain('url: ${CHAT_HOOK}');
    expect(() => generateAlertmanagerConfig(c, { secrets: 'file' })).toThrow(/alerting\.chat\.urlEnv must be a plain url/);
    expect(() => generateAlertmanagerConfig(c, { secrets: 'vault' as never })).toThrow(/secrets must be "env" or "file"/);
  });
});

describe('generateDashboards', () => {
  it('builds the HTTP/SLO, jobs, queues and health dashboards with the config selector', () => {
    const set = generateDashboards(config);
    expect(Object.keys(set)).toEqual(['shop-http.json', 'shop-jobs.json', 'shop-queues.json', 'shop-health.json']);
    const titles = Object.values(set).flatMap((d) => (d.panels ?? []).map((p) => p.title));
    for (const t of [
      'Request rate by route',
      'Error ratio (5xx)',
      'Latency p50 / p95 / p99',
      'availability: error budget remaining',
    ])
      expect(titles).toContain(t);
    for (const t of [
      'SLA utilization of the last run (1 = budget used)',
      'Success rate (24 h)',
      'Throughput of the last successful run against its baseline (records/s)',
      'Run duration p50 / p95 / p99',
      'Depth',
      'Oldest item age',
      'Check status (1 pass, 0.5 warn, 0 fail)',
      'Check latency p95',
    ])
      expect(titles).toContain(t);
    for (const q of dashboardQueries(set)) {
      if (/(http_|job_|queue_|health_)[a-z_]+\{/.test(q.expr)) expect(q.expr, q.panel).toContain('namespace="prod"');
    }
    // Panels never overlap on the 24-column grid.
    for (const d of Object.values(set)) {
      const cells = new Set<string>();
      for (const p of d.panels ?? []) {
        const g = p.gridPos as { x: number; y: number; w: number; h: number };
        expect(g.x + g.w).toBeLessThanOrEqual(24);
        for (let x = g.x; x < g.x + g.w; x++)
          for (let y = g.y; y < g.y + g.h; y++) {
            expect(cells.has(`${x},${y}`), `${d.title}: ${p.title}`).toBe(false);
            cells.add(`${x},${y}`);
          }
      }
    }
    expect(toJson(generateDashboards(config))).toBe(toJson(set));
  });
});

describe('slaReport', () => {
  const answers = new Map<string, number | undefined>();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const query = new URLSearchParams(body).get('query') ?? '';
      const hit = [...answers].find(([k]) => query.includes(k));
      const result = hit && hit[1] !== undefined ? [{ metric: {}, value: [0, String(hit[1])] }] : [];
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result } }));
    });
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('marks each objective PASS, FAIL or NO_DATA and fails the report on any FAIL', async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    answers.set('1 - ((sum', 0.9991); // availability
    answers.set('or vector(0))\n/\nsum(rate(http', 0.0009); // error rate (rates over the whole window)
    answers.set('histogram_quantile(0.95', 0.25); // p95 latency 250 ms > 200 ms
    answers.set('le=~"0\\\\.2"', 0.93); // 93 % within 200 ms < 95 %
    answers.set('job_name="cleanup_links"', undefined); // no data
    answers.set('job_name="cleanup_pdfs"', 1);
    const report = await slaReport(config, { prometheus: url, window: '7d', time: new Date('2026-11-22T00:00:00Z') });
    expect(report.rows.map((r) => [r.name, r.status])).toEqual([
      ['availability (availability)', 'PASS'],
      ['error rate (availability)', 'PASS'],
      ['requests within 200 ms (latency)', 'FAIL'],
      ['p95 latency (latency)', 'FAIL'],
      ['job success rate (cleanup_links)', 'NO_DATA'],
      ['job success rate (cleanup_pdfs)', 'PASS'],
    ]);
    expect(report.pass).toBe(false);
    const table = renderReportTable(report);
    expect(table).toMatch(/p95 latency \(latency\)\s+250 ms\s+<= 200 ms\s+FAIL/);
    expect(table).toMatch(/availability \(availability\)\s+99\.91%\s+>= 99\.9%\s+PASS/);
    expect(table).toContain('Overall: FAIL (2 failing, 1 without data)');
    await expect(slaReport(config, { prometheus: url, window: '30 days' })).rejects.toThrow(
      /window must be a Prometheus duration/,
    );
  });

  it('a row without data is not a pass (a CI gate on an empty Prometheus fails) unless allowNoData', async () => {
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    answers.clear(); // Prometheus knows none of the series (a wrong selector, a new deploy)
    const time = new Date('2026-11-22T00:00:00Z');
    const empty = await slaReport(config, { prometheus: url, window: '7d', time });
    expect(empty.rows.every((r) => r.status === 'NO_DATA')).toBe(true);
    expect(empty.pass).toBe(false);
    expect(renderReportTable(empty)).toContain(
      `Overall: FAIL (0 failing, ${empty.rows.length} without data: no data is not a pass (--allow-no-data accepts it))`,
    );
    const allowed = await slaReport(config, { prometheus: url, window: '7d', time, allowNoData: true });
    expect(allowed.pass).toBe(true);
    expect(renderReportTable(allowed)).toContain(`Overall: PASS (0 failing, ${allowed.rows.length} without data)`);
  });
});

describe('slakit CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'slakit-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = async (argv: string[], cwd = dir) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t), cwd });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('finds slakit.config.* in the current directory and writes every artefact with --out', async () => {
    writeFileSync(join(dir, 'slakit.config.json'), JSON.stringify(input));
    expect((await run(['validate'])).code).toBe(0);
    for (const cmd of ['rules', 'alertmanager', 'dashboards']) expect((await run([cmd, '--out', 'gen'])).code).toBe(0);
    expect(readdirSync(join(dir, 'gen')).sort()).toEqual([
      'alertmanager.yml',
      'shop-health.json',
      'shop-http.json',
      'shop-jobs.json',
      'shop-queues.json',
      'shop.rules.yml',
    ]);
    const rules = parse(readFileSync(join(dir, 'gen/shop.rules.yml'), 'utf8'));
    expect(rules).toEqual(JSON.parse(JSON.stringify(generateRules(config))));
    expect(readFileSync(join(dir, 'gen/shop.rules.yml'), 'utf8')).toMatch(/^# Generated by slakit/);
    // stdout when --out is not given, and identical across runs.
    const a = await run(['rules']);
    expect(a.out).toBe((await run(['rules'])).out);
    expect(parse(a.out)).toEqual(rules);
  });

  it('exit code 2 with the reason for usage and config errors, 3 when Prometheus is unreachable', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'slakit-cli-empty-'));
    try {
      expect(await run(['rules'], empty)).toMatchObject({ code: 2, err: expect.stringContaining('no config file') });
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
    expect(await run(['frobnicate'])).toMatchObject({ code: 2, err: expect.stringContaining('unknown command "frobnicate"') });
    expect(await run(['rules', '--bogus'])).toMatchObject({ code: 2, err: expect.stringContaining("Unknown option '--bogus'") });
    writeFileSync(join(dir, 'bad.yaml'), 'service: shop\nslos:\n  - {name: a, kind: availability, objective: 100}\n');
    expect(await run(['rules', '--config', 'bad.yaml'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('slos[0].objective must be < 100, got 100'),
    });
    expect(await run(['report'])).toMatchObject({ code: 2, err: expect.stringContaining('--prometheus <url> is required') });
    expect(await run(['report', '--prometheus', 'http://127.0.0.1:9', '--timeout', '2000'])).toMatchObject({
      code: 3,
      err: expect.stringContaining('query for "availability (availability)" failed'),
    });
    expect((await run(['--help'])).code).toBe(0);
    expect(existsSync(join(dir, 'gen'))).toBe(true);
  });
});

describe('docs/runbooks', () => {
  it('has a page for every generated alert and every alert the packages raise', () => {
    const doc = readFileSync(new URL('../../../../docs/alerts.md', import.meta.url), 'utf8');
    const runtime = [...doc.matchAll(/^\| `([A-Z][A-Za-z]+)`(?: \/ `([A-Z][A-Za-z]+)`)? \|/gm)].flatMap((m) => [m[1], m[2]]);
    const names = new Set([...GENERATED_ALERTS, ...runtime.filter((n): n is string => n !== undefined)]);
    expect(names.size).toBeGreaterThanOrEqual(16);
    const dir = new URL('../../../../docs/runbooks/', import.meta.url);
    for (const name of names) {
      const page = readFileSync(new URL(`${name}.md`, dir), 'utf8');
      expect(page.startsWith(`# ${name}\n`), name).toBe(true);
      for (const section of ['## What it means', '## Triage', '## Remediation', '## Escalation'])
        expect(page, name).toContain(section);
    }
    const index = readFileSync(new URL('README.md', dir), 'utf8');
    for (const name of names) expect(index, name).toContain(`[${name}](${name}.md)`);
  });
});
