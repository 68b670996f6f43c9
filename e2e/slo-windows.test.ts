// SLO burn-rate windows scale with the SLO period, and the error budget is traffic-weighted and never NaN (issue
// #22, defects 1–4): promtool unit tests over synthetic traffic, each a case that failed with the fixed 14.4/6/3/1
// factors over 1h…3d and the `sum_over_time(ratio5m) / count_over_time(…)` budget.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AlertingRule, burnWindows, generateRules, toYaml } from '@slakit/cli';
import { defineConfig } from '@slakit/core';
import { afterAll, describe, expect, it } from 'vitest';
import { binary } from '../test-support/services.js';

const promtool = binary('promtool', 'prometheus');
const dir = mkdtempSync(join(tmpdir(), 'slakit-slo-windows-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const H = 'http_server_request_duration_seconds';
const config = defineConfig({
  service: 't',
  prometheus: { evaluationInterval: '1m' },
  slos: [
    { name: 'daily', kind: 'availability', objective: 99.9, window: '1d' },
    { name: 'weekly', kind: 'availability', objective: 99.9, window: '7d' },
    { name: 'api-availability', kind: 'availability', objective: 99.9 },
  ],
});

/** The rules without annotations (the alert checks are about labels and timing; the text is checked below). */
function logicRules() {
  const file = generateRules(config);
  return {
    groups: file.groups.map((g) => ({
      ...g,
      rules: g.rules.map((r) => ('alert' in r ? { ...r, annotations: undefined } : r)),
    })),
  };
}

function promtoolTest(name: string, tests: object[], evaluationInterval = '1m'): { code: number; out: string } {
  writeFileSync(join(dir, 'rules.yml'), toYaml(logicRules()));
  const file = join(dir, `${name}.test.yml`);
  writeFileSync(file, toYaml({ rule_files: ['rules.yml'], evaluation_interval: evaluationInterval, tests }));
  const r = spawnSync(promtool, ['test', 'rules', file], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

const firing = (slo: string) => ({ exp_labels: { severity: 'critical', service: 't', slo } });

describe('SLO burn-rate windows follow the SLO period', () => {
  it('the windows table: 30d is the SRE workbook (14.4/6/3/1 over 1h/6h/1d/3d); shorter periods scale', () => {
    expect(burnWindows('30d').map((w) => [w.long, w.short, w.factor])).toEqual([
      ['1h', '5m', 14.4],
      ['6h', '30m', 6],
      ['1d', '2h', 3],
      ['3d', '6h', 1],
    ]);
    // 7d: the same budget shares (2 % in 1/720 of the period …) over scaled windows.
    expect(burnWindows('7d').map((w) => [w.long, w.factor])).toEqual([
      ['14m', 14.4],
      ['1h24m', 6],
      ['5h36m', 3],
      ['16h48m', 1],
    ]);
    // 1d: the page window would be 2 m, clamped to 5 m: the factor keeps its budget share (2 % of a day in 5 m).
    expect(burnWindows('1d')[0]).toMatchObject({ long: '5m', short: '5m', factor: 5.76, budgetShare: 0.02 });
  });

  it('refuses periods under 1d at configuration time, naming slos[].window', () => {
    expect(() =>
      defineConfig({ service: 't', slos: [{ name: 'a', kind: 'availability', objective: 99, window: '1h' }] }),
    ).toThrow(/slos\[0\]\.window must be at least 1d/);
  });

  it('a 12× burn for 2 h after a clean day pages the 1-day and 7-day SLOs, not the 30-day one', () => {
    // 1000 requests a minute; 1 day clean, then 1.2 % errors (12× a 0.1 % budget) for 2 h.
    const r = promtoolTest(
      'burn',
      [
        {
          interval: '1m',
          input_series: [
            { series: `${H}_count{http_response_status_code="200"}`, values: '0+1000x1440 1440988+988x120' },
            { series: `${H}_count{http_response_status_code="500"}`, values: '0x1440 12+12x120' },
          ],
          alert_rule_test: [
            { eval_time: '1430m', alertname: 'SloErrorBudgetBurnCritical', exp_alerts: [] },
            {
              eval_time: '1500m',
              alertname: 'SloErrorBudgetBurnCritical',
              // 1d: 12× > 5.76 over 5m (and 6× over 12m); 7d: 8.6× over 1h24m > 6; 30d: 12× < 14.4 over 1h, 2.5× over 6h.
              exp_alerts: [firing('daily'), firing('weekly')],
            },
          ],
        },
      ],
      '5m',
    ); // rules evaluated every 5 m over the 26 h of input: 5× fewer steps, the same windows
    expect(r.out).toContain('SUCCESS');
    expect(r.code).toBe(0);
  }, 120_000);

  it('names the value in the alert text: the error ratio over the long window', () => {
    const alert = generateRules(config)
      .groups.flatMap((g) => g.rules)
      .find(
        (rule): rule is AlertingRule => 'alert' in rule && rule.labels?.slo === 'daily' && rule.labels.severity === 'critical',
      );
    expect(alert?.annotations.description).toMatch(/Error ratio over the long window \(5m or 12m\): \{\{ \$value/);
    expect(alert?.annotations.description).not.toMatch(/Current 5m/);
  });
});

describe('the error budget is traffic-weighted and never NaN', () => {
  const remaining = (slo: string) => `slo:error_budget:remaining_ratio{slo="${slo}"}`;
  // `within(x, v, tol)`: 1 when |x − v| < tol — promtool compares values exactly, the check needs a tolerance.
  const within = (expr: string, value: number, tolerance: number) => `abs(${expr} - ${value}) < bool ${tolerance}`;
  const labels = (slo: string) => ({ service: 't', slo, window: slo === 'daily' ? '1d' : slo === 'weekly' ? '7d' : '30d' });

  it('1 h at 100 rps without errors, then 1 h at 0.1 rps with 10 % errors: ≈ 0.9 remaining (not −45)', () => {
    const r = promtoolTest('weighted', [
      {
        interval: '1m',
        input_series: [
          // per minute: 6000 good, then 5.4 good + 0.6 bad
          { series: `${H}_count{http_response_status_code="200"}`, values: '0+6000x60 360005.4+5.4x60' },
          { series: `${H}_count{http_response_status_code="500"}`, values: '0x60 0.6+0.6x60' },
        ],
        promql_expr_test: [
          {
            expr: within(remaining('api-availability'), 0.9, 0.009),
            eval_time: '125m',
            exp_samples: [{ labels: `{service="t",slo="api-availability",window="30d"}`, value: 1 }],
          },
        ],
      },
    ]);
    expect(r.out).toContain('SUCCESS');
    expect(r.code).toBe(0);
  });

  it('an idle hour (0 requests) leaves the budget finite: 1 h at 0.05 % errors then idle → 0.5 remaining', () => {
    const r = promtoolTest('idle', [
      {
        interval: '1m',
        input_series: [
          { series: `${H}_count{http_response_status_code="200"}`, values: '0+9995x60 599700x60' },
          { series: `${H}_count{http_response_status_code="500"}`, values: '0+5x60 300x60' },
        ],
        promql_expr_test: [
          {
            expr: within(remaining('api-availability'), 0.5, 0.005),
            eval_time: '125m',
            exp_samples: [{ labels: `{service="t",slo="api-availability",window="30d"}`, value: 1 }],
          },
          {
            // every SLO's budget is a number — NaN would fail the comparison — and 0.5 (the idle hour weighs nothing)
            expr: within('slo:error_budget:remaining_ratio', 0.5, 0.005),
            eval_time: '125m',
            exp_samples: ['daily', 'weekly', 'api-availability'].map((slo) => ({
              labels: `{service="t",slo="${slo}",window="${labels(slo).window}"}`,
              value: 1,
            })),
          },
        ],
      },
    ]);
    expect(r.out).toContain('SUCCESS');
    expect(r.code).toBe(0);
  });
});
