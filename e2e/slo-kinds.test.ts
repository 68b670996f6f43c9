// Every SLI kind (availability, latency, ratio, raw) fires as Sloth's golden outputs do on the 30-day scenarios of
// issue #22 (promtool unit tests, synthetic traffic): page at ~43 min of a 20× burn, nothing for 0.05 % errors over
// 4 days, ticket from 48 h of a 1.5× burn, page and ticket on a sustained 10× burn by 8 h — and the per-SLO alert
// controls (page/ticket off, own names, extra labels) and filters (routes, error classes).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateRules, type PrometheusRuleFile, toYaml } from '@slakit/cli';
import { defineConfig, type SlakitConfigInput } from '@slakit/core';
import { afterAll, describe, expect, it } from 'vitest';
import { binary } from '../test-support/services.js';

const promtool = binary('promtool', 'prometheus');
const dir = mkdtempSync(join(tmpdir(), 'slakit-slo-kinds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const H = 'http_server_request_duration_seconds';
const PER_MINUTE = 1000; // requests a minute; a 0.1 % budget → 1 error a minute is a 1× burn

/** A counter's promtool values from segments of [minutes, increase per minute] (the first sample is 0 at t=0). */
function counter(segments: [number, number][]): string {
  let value = 0;
  return segments
    .map(([minutes, step], i) => {
      const start = i === 0 ? 0 : value + step;
      value = start + step * (i === 0 ? minutes : minutes - 1);
      return `${Number(start.toFixed(6))}+${step}x${i === 0 ? minutes : minutes - 1}`;
    })
    .join(' ');
}

/** A gauge's promtool values from segments of [minutes, value]. */
const gauge = (segments: [number, number][]) => segments.map(([m, v], i) => `${v}x${i === 0 ? m : m - 1}`).join(' ');

/** Input series of one kind for segments of [minutes, burn factor] (errors = factor × budget). */
function traffic(kind: string, segments: [number, number][]): { series: string; values: string }[] {
  const bad = segments.map(([m, f]) => [m, f] as [number, number]);
  const good = segments.map(([m, f]) => [m, PER_MINUTE - f] as [number, number]);
  const all = segments.map(([m]) => [m, PER_MINUTE] as [number, number]);
  switch (kind) {
    case 'availability':
      return [
        { series: `${H}_count{http_route="/api",http_response_status_code="200"}`, values: counter(good) },
        { series: `${H}_count{http_route="/api",http_response_status_code="500"}`, values: counter(bad) },
      ];
    case 'latency':
      return [
        { series: `${H}_count{http_route="/api",http_response_status_code="200"}`, values: counter(all) },
        { series: `${H}_bucket{http_route="/api",http_response_status_code="200",le="0.2"}`, values: counter(good) },
      ];
    case 'ratio':
      return [
        { series: 'orders_processed_total{result="ok"}', values: counter(good) },
        { series: 'orders_processed_total{result="failed"}', values: counter(bad) },
      ];
    default:
      return [{ series: 'payments_error_ratio', values: gauge(segments.map(([m, f]) => [m, f / PER_MINUTE])) }];
  }
}

const SLO: Record<string, NonNullable<SlakitConfigInput['slos']>[number]> = {
  availability: { name: 'availability', kind: 'availability', objective: 99.9 },
  latency: { name: 'latency', kind: 'latency', objective: 99.9, thresholdSeconds: 0.2 },
  ratio: {
    name: 'orders',
    kind: 'ratio',
    objective: 99.9,
    bad: 'sum(rate(orders_processed_total{result="failed"}[$window]))',
    total: 'sum(rate(orders_processed_total[$window]))',
  },
  raw: { name: 'payments', kind: 'raw', objective: 99.9, errorRatio: 'avg_over_time(payments_error_ratio[$window])' },
};

function logic(file: PrometheusRuleFile): PrometheusRuleFile {
  return {
    groups: file.groups.map((g) => ({
      ...g,
      rules: g.rules.map((r) => ('alert' in r ? { ...r, annotations: undefined as never } : r)),
    })),
  };
}

function runPromtool(name: string, config: SlakitConfigInput, tests: object[], interval = '1m') {
  writeFileSync(join(dir, `${name}.rules.yml`), toYaml(logic(generateRules(defineConfig(config)))));
  const file = join(dir, `${name}.test.yml`);
  writeFileSync(file, toYaml({ rule_files: [`${name}.rules.yml`], evaluation_interval: interval, tests }));
  const r = spawnSync(promtool, ['test', 'rules', file], { encoding: 'utf8', timeout: 600_000 });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

const alerts = (slo: string, severity: 'critical' | 'warning') => [{ exp_labels: { severity, service: 't', slo } }];
const DAY = 1440;

describe.each(Object.keys(SLO))('SLI kind %s: the Sloth scenarios of a 30-day 99.9 % SLO', (kind) => {
  const slo = SLO[kind] as NonNullable<SlakitConfigInput['slos']>[number];
  const config: SlakitConfigInput = { service: 't', slos: [slo] };
  const name = slo.name;

  it('pages at ~43 min of a 20× burn (not at 40 min), after 2 h of clean traffic', () => {
    const r = runPromtool(`${kind}-page`, config, [
      {
        interval: '1m',
        input_series: traffic(kind, [
          [120, 0],
          [60, 20],
        ]),
        alert_rule_test: [
          { eval_time: '160m', alertname: 'SloErrorBudgetBurnCritical', exp_alerts: [] },
          { eval_time: '166m', alertname: 'SloErrorBudgetBurnCritical', exp_alerts: alerts(name, 'critical') },
        ],
      },
    ]);
    expect(r.out).toContain('SUCCESS');
    expect(r.code).toBe(0);
  }, 600_000);

  it('stays silent for 0.05 % errors over 4 days; tickets from 48 h of a 1.5× burn after 3 clean days', () => {
    const r = runPromtool(
      `${kind}-slow`,
      config,
      [
        {
          interval: '1m',
          input_series: traffic(kind, [[4 * DAY, 0.5]]),
          alert_rule_test: ['SloErrorBudgetBurnCritical', 'SloErrorBudgetBurnWarning'].map((alertname) => ({
            eval_time: `${4 * DAY}m`,
            alertname,
            exp_alerts: [],
          })),
        },
        {
          interval: '1m',
          input_series: traffic(kind, [
            [3 * DAY, 0],
            [50 * 60, 1.5],
          ]),
          alert_rule_test: [
            { eval_time: `${3 * DAY + 46 * 60}m`, alertname: 'SloErrorBudgetBurnWarning', exp_alerts: [] },
            { eval_time: `${3 * DAY + 49 * 60}m`, alertname: 'SloErrorBudgetBurnWarning', exp_alerts: alerts(name, 'warning') },
            { eval_time: `${3 * DAY + 49 * 60}m`, alertname: 'SloErrorBudgetBurnCritical', exp_alerts: [] },
          ],
        },
      ],
      '10m',
    );
    expect(r.out).toContain('SUCCESS');
    expect(r.code).toBe(0);
  }, 600_000);

  it('pages and tickets on a sustained 10× burn by 8 h, after a clean day', () => {
    const r = runPromtool(
      `${kind}-sustained`,
      config,
      [
        {
          interval: '1m',
          input_series: traffic(kind, [
            [DAY, 0],
            [8 * 60, 10],
          ]),
          alert_rule_test: [
            { eval_time: `${DAY + 8 * 60}m`, alertname: 'SloErrorBudgetBurnCritical', exp_alerts: alerts(name, 'critical') },
            { eval_time: `${DAY + 8 * 60}m`, alertname: 'SloErrorBudgetBurnWarning', exp_alerts: alerts(name, 'warning') },
          ],
        },
      ],
      '5m',
    );
    expect(r.out).toContain('SUCCESS');
    expect(r.code).toBe(0);
  }, 600_000);
});

describe('per-SLO alert control and HTTP filters', () => {
  it('page off, own ticket name and labels; routes and error classes (429 counted, other routes not)', () => {
    const config: SlakitConfigInput = {
      service: 't',
      slos: [
        {
          name: 'api-availability',
          kind: 'availability',
          objective: 99.9,
          routes: ['/api'],
          errorStatus: ['5xx', '429'],
          alerting: { page: false, names: { ticket: 'ApiBudgetBurn' }, labels: { team: 'payments' } },
        },
      ],
    };
    const rules = generateRules(defineConfig(config))
      .groups.filter((g) => g.name.includes(':slo:'))
      .flatMap((g) => g.rules);
    expect(rules.filter((r) => 'alert' in r).map((r) => (r as { alert: string }).alert)).toEqual(['ApiBudgetBurn']);
    const r = runPromtool('control', config, [
      {
        interval: '1m',
        input_series: [
          { series: `${H}_count{http_route="/api",http_response_status_code="200"}`, values: counter([[180, 950]]) },
          // 429s are errors of this SLO: 5 % errors
          { series: `${H}_count{http_route="/api",http_response_status_code="429"}`, values: counter([[180, 50]]) },
          // another route's 5xx are not this SLO's
          { series: `${H}_count{http_route="/other",http_response_status_code="503"}`, values: counter([[180, 900]]) },
        ],
        alert_rule_test: [
          {
            eval_time: '150m',
            alertname: 'ApiBudgetBurn',
            exp_alerts: [{ exp_labels: { severity: 'warning', service: 't', slo: 'api-availability', team: 'payments' } }],
          },
          { eval_time: '150m', alertname: 'SloErrorBudgetBurnCritical', exp_alerts: [] },
        ],
        promql_expr_test: [
          {
            // exactly 5 %: the /other route's 503s are not counted
            expr: 'abs(slo:sli_error:ratio_rate1h{slo="api-availability"} - 0.05) < bool 0.0001',
            eval_time: '150m',
            exp_samples: [{ labels: '{service="t",slo="api-availability"}', value: 1 }],
          },
        ],
      },
    ]);
    expect(r.out).toContain('SUCCESS');
    expect(r.code).toBe(0);
  }, 600_000);
});
