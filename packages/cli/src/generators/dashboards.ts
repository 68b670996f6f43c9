import type { Dashboard } from '@grafana/schema';
import { type SlakitConfig, type SlakitConfigInput, validateConfig } from '@slakit/core';
import { attemptPanels } from './dashboard-job-attempts.js';
import { dashboard, Layout } from './dashboard-layout.js';
import { runtimeRow } from './dashboard-runtime.js';
import type { GrafanaDashboard, GrafanaPanel } from './grafana.js';
import { EXECUTED_OUTCOMES, latestBy, METRICS, quote, selector } from './promql.js';
import { sliExpressions } from './slo-sli.js';
import { burnWindows } from './slo-windows.js';

/** The dashboards of one service, keyed by file name (`<service>-http.json`, …). */
export type DashboardSet = Record<string, GrafanaDashboard>;

const RED = [
  { color: 'green', value: null },
  { color: 'orange', value: 0.8 },
  { color: 'red', value: 1 },
];

function httpDashboard(config: SlakitConfig): Dashboard {
  const d = METRICS.httpDuration;
  const all = selector(config);
  const errors = selector(config, 'http_response_status_code=~"5.."');
  const l = new Layout();
  l.row('Requests (RED)');
  l.add({
    title: 'Request rate by route',
    unit: 'reqps',
    queries: [[`sum by (http_route) (rate(${d}_count${all}[$__rate_interval]))`, '{{http_route}}']],
  });
  l.add({
    title: 'Error ratio (5xx)',
    unit: 'percentunit',
    queries: [
      [
        `(sum(rate(${d}_count${errors}[$__rate_interval])) or vector(0)) / sum(rate(${d}_count${all}[$__rate_interval]))`,
        '5xx ratio',
      ],
    ],
  });
  l.add({
    title: 'Latency p50 / p95 / p99',
    unit: 's',
    queries: ([0.5, 0.95, 0.99] as const).map((q) => [
      `histogram_quantile(${q}, sum by (le) (rate(${d}_bucket${all}[$__rate_interval])))`,
      `p${Math.round(q * 100)}`,
    ]),
  });
  l.add({
    title: 'p95 latency by route',
    unit: 's',
    queries: [
      [`histogram_quantile(0.95, sum by (le, http_route) (rate(${d}_bucket${all}[$__rate_interval])))`, '{{http_route}}'],
    ],
  });
  l.add({
    title: 'Active requests',
    queries: [[`sum(${METRICS.httpActive}${all})`, 'active']],
  });
  l.add({
    title: 'Requests by status code',
    unit: 'reqps',
    queries: [[`sum by (http_response_status_code) (rate(${d}_count${all}[$__rate_interval]))`, '{{http_response_status_code}}']],
  });
  for (const slo of [...config.slos].sort((a, b) => a.name.localeCompare(b.name))) {
    const m = `{service=${quote(config.service)},slo=${quote(slo.name)}}`;
    const burns = burnWindows(slo.window);
    l.row(
      `SLO ${slo.name} (${slo.objective}%${slo.kind === 'latency' ? ` within ${slo.thresholdSeconds * 1000} ms` : ''}, ${slo.window})`,
    );
    l.add({
      title: `${slo.name}: error budget remaining`,
      type: 'stat',
      unit: 'percentunit',
      width: 6,
      queries: [[`slo:error_budget:remaining_ratio${m}`, 'remaining']],
      thresholds: [
        { color: 'red', value: null },
        { color: 'orange', value: 0.25 },
        { color: 'green', value: 0.5 },
      ],
    });
    l.add({
      title: `${slo.name}: burn rate (1 = budget spent exactly over the window)`,
      width: 18,
      // 5m and each alert's long window (they scale with the SLO period), with the page/ticket factors as thresholds.
      queries: ['5m', ...burns.map((b) => b.long)].map((w) => [
        `slo:sli_error:ratio_rate${w}${m} / on (service, slo) slo:error_budget:ratio${m}`,
        w,
      ]),
      thresholds: [
        { color: 'green', value: null },
        { color: 'orange', value: burns.find((b) => b.severity === 'warning')?.factor ?? 3 },
        { color: 'red', value: Math.max(...burns.map((b) => b.factor)) },
      ],
    });
    if (slo.kind === 'latency') {
      l.add({
        title: `${slo.name}: share of requests within ${slo.thresholdSeconds * 1000} ms`,
        unit: 'percentunit',
        width: 24,
        queries: [
          [
            // the SLI itself (its route/method filters included), at Grafana's resolution
            `1 - (${sliExpressions(config, slo).ratio('$__rate_interval')})`,
            'within threshold',
          ],
        ],
      });
    }
  }
  runtimeRow(l, config);
  return dashboard(config, 'http', 'HTTP and SLOs', l, ['http', 'slo']);
}

function jobsDashboard(config: SlakitConfig): Dashboard {
  const all = selector(config);
  const l = new Layout();
  l.row('Jobs');
  l.add({
    title: 'SLA utilization of the last run (1 = budget used)',
    unit: 'percentunit',
    thresholds: RED,
    // The replica that ran last, never a stale replica's gauge.
    queries: [[`max by (job_name) ${latestBy(METRICS.jobUtilization, METRICS.jobLastRun, all)}`, '{{job_name}}']],
  });
  l.add({
    title: 'Success rate (24 h)',
    unit: 'percentunit',
    min: 0,
    max: 1,
    queries: [
      [
        `(sum by (job_name) (increase(${METRICS.jobRuns}${selector(config, 'outcome="succeeded"')}[24h]))) / sum by (job_name) (increase(${METRICS.jobRuns}${selector(config, `outcome=~"${EXECUTED_OUTCOMES}"`)}[24h]))`,
        '{{job_name}}',
      ],
    ],
  });
  l.add({
    title: 'Throughput of the last successful run against its baseline (records/s)',
    queries: [
      [`max by (job_name) ${latestBy(METRICS.jobLastRunThroughput, METRICS.jobLastSuccess, all)}`, '{{job_name}}'],
      [`max by (job_name) ${latestBy(METRICS.jobBaselineThroughput, METRICS.jobLastSuccess, all)}`, '{{job_name}} baseline'],
    ],
  });
  l.add({
    title: 'Run duration p50 / p95 / p99',
    unit: 's',
    queries: ([0.5, 0.95, 0.99] as const).map((q) => [
      `histogram_quantile(${q}, sum by (le, job_name) (rate(${METRICS.jobDuration}_bucket${all}[$__rate_interval])))`,
      `{{job_name}} p${Math.round(q * 100)}`,
    ]),
  });
  l.add({
    title: 'Runs by outcome',
    queries: [[`sum by (job_name, outcome) (increase(${METRICS.jobRuns}${all}[$__rate_interval]))`, '{{job_name}} {{outcome}}']],
  });
  l.add({
    title: 'Since last success',
    type: 'table',
    unit: 's',
    queries: [[`time() - max by (job_name) (${METRICS.jobLastSuccess}${all})`, '{{job_name}}']],
  });
  l.add({
    title: 'Consecutive failures',
    queries: [[`max by (job_name) ${latestBy(METRICS.jobConsecutiveFailures, METRICS.jobLastRun, all)}`, '{{job_name}}']],
  });
  l.add({ title: 'Running now', queries: [[`sum by (job_name) (${METRICS.jobActive}${all})`, '{{job_name}}']] });
  attemptPanels(config, l);
  return dashboard(config, 'jobs', 'Jobs', l, ['jobs']);
}

function queuesDashboard(config: SlakitConfig): Dashboard {
  const all = selector(config);
  const l = new Layout();
  l.row('Queues');
  l.add({ title: 'Depth', queries: [[`max by (queue) (${METRICS.queueDepth}${all})`, '{{queue}}']] });
  l.add({
    title: 'Oldest item age',
    unit: 's',
    queries: [[`max by (queue) (${METRICS.queueOldestAge}${all})`, '{{queue}}']],
  });
  l.add({
    title: 'Average item age',
    unit: 's',
    queries: [[`max by (queue) (${METRICS.queueAverageAge}${all})`, '{{queue}}']],
  });
  return dashboard(config, 'queues', 'Queues', l, ['queues']);
}

function healthDashboard(config: SlakitConfig): Dashboard {
  const all = selector(config);
  const l = new Layout();
  l.row('Health checks');
  l.add({
    title: 'Check status (1 pass, 0.5 warn, 0 fail)',
    type: 'table',
    queries: [[`min by (check) (${METRICS.healthStatus}${all})`, '{{check}}']],
    thresholds: [
      { color: 'red', value: null },
      { color: 'orange', value: 0.5 },
      { color: 'green', value: 1 },
    ],
  });
  l.add({
    title: 'Check latency p95',
    unit: 's',
    queries: [
      [
        `histogram_quantile(0.95, sum by (le, check) (rate(${METRICS.healthDuration}_bucket${all}[$__rate_interval])))`,
        '{{check}}',
      ],
    ],
  });
  return dashboard(config, 'health', 'Health', l, ['health']);
}

/**
 * Generates the Grafana dashboards of a config (built with `@grafana/schema`'s types): HTTP RED and SLO burn, jobs (SLA
 * utilization, success rate, throughput, duration percentiles), queues (depth, age) and health (status table,
 * check latency). Every query uses the config's selector; a `datasource` variable picks the Prometheus.
 * Deterministic output; the queues dashboard is included only when the config has queues.
 */
export function generateDashboards(input: SlakitConfig | SlakitConfigInput): DashboardSet {
  const config = validateConfig(input);
  const out: DashboardSet = { [`${config.service}-http.json`]: httpDashboard(config) };
  out[`${config.service}-jobs.json`] = jobsDashboard(config);
  if (Object.keys(config.queues).length > 0) out[`${config.service}-queues.json`] = queuesDashboard(config);
  out[`${config.service}-health.json`] = healthDashboard(config);
  return out;
}

/** Every PromQL expression of a dashboard set (for validation against a Prometheus). */
export function dashboardQueries(set: DashboardSet): { dashboard: string; panel: string; expr: string }[] {
  const out: { dashboard: string; panel: string; expr: string }[] = [];
  for (const [file, d] of Object.entries(set)) {
    for (const p of d.panels ?? []) {
      for (const t of (p as GrafanaPanel).targets ?? [])
        out.push({ dashboard: file, panel: (p as GrafanaPanel).title ?? '', expr: String(t.expr) });
    }
  }
  return out;
}
