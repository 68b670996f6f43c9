import { ALERT_CATALOGUE, type SlakitConfig, type SlakitConfigInput, type SloConfig, validateConfig } from '@slakit/core';
import { num, quote } from './promql.js';
import { type AlertingRule, alertRule, type PrometheusRuleFile, type RecordingRule, type RuleGroup } from './rule-model.js';
import { jobsGroup } from './rules-jobs.js';
import { healthGroup, queuesGroup } from './rules-queues-health.js';
import { runtimeGroup } from './rules-runtime.js';
import { sliExpressions, sliText } from './slo-sli.js';
import { burnWindows, recordedWindows } from './slo-windows.js';

export {
  type AlertingRule,
  GENERATED_ALERTS,
  type GeneratedAlert,
  type PrometheusRuleFile,
  type RecordingRule,
  type RuleGroup,
} from './rule-model.js';

/** Windows of the SLO error-ratio recording rules (`slo:sli_error:ratio_rate<w>`) of a 30-day SLO; see {@link recordedWindows}. */
export const SLO_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;

/**
 * Multi-window multi-burn-rate alerts (Google SRE workbook, ch. 5) of a 30-day SLO: both the long and the short
 * window must burn faster than `factor` × the error budget. Other periods scale them: {@link burnWindows}.
 */
export const BURN_RATE_ALERTS = [
  { severity: 'critical', long: '1h', short: '5m', factor: 14.4 },
  { severity: 'critical', long: '6h', short: '30m', factor: 6 },
  { severity: 'warning', long: '1d', short: '2h', factor: 3 },
  { severity: 'warning', long: '3d', short: '6h', factor: 1 },
] as const;

/** The error ratio of an SLO over a window, as a PromQL expression (slakit's HTTP histogram or the SLO's own PromQL). */
export function sloErrorRatioExpr(config: SlakitConfig, slo: SloConfig, window: string): string {
  return sliExpressions(config, slo).ratio(window);
}

/**
 * The error budget rules. For the event kinds (availability, latency, ratio) the period's error ratio is
 * traffic-weighted — the sum over the period of the 5-minute bad-event rates over the sum of the 5-minute event rates
 * (a rate of sums, as `slakit report`'s `increase` ratio) — so an idle 5-minute window weighs nothing (never NaN)
 * and a quiet hour with errors weighs as little as its traffic. A `raw` SLO has no events: its period ratio is the
 * time average of its 5-minute ratio (NaN samples dropped).
 */
function budgetRules(
  config: SlakitConfig,
  slo: SloConfig,
  labels: Record<string, string>,
  match: string,
  budget: number,
): RecordingRule[] {
  const sli = sliExpressions(config, slo);
  const errors = sli.errors('5m');
  const total = sli.total('5m');
  const windowLabels = { ...labels, window: slo.window };
  const period: RecordingRule[] =
    errors !== undefined && total !== undefined
      ? [
          { record: 'slo:sli_errors:rate5m', expr: errors, labels },
          { record: 'slo:sli_events:rate5m', expr: total, labels },
          {
            record: 'slo:sli_error:ratio_rate_window',
            expr: `sum_over_time(slo:sli_errors:rate5m${match}[${slo.window}])\n/\nclamp_min(sum_over_time(slo:sli_events:rate5m${match}[${slo.window}]), 1e-12)`,
            labels: windowLabels,
          },
        ]
      : [
          {
            record: 'slo:sli_error:ratio_rate_window',
            expr: `avg_over_time(slo:sli_error:ratio_rate5m${match}[${slo.window}])`,
            labels: windowLabels,
          },
        ];
  return [
    ...period,
    { record: 'slo:objective:ratio', expr: `vector(${num(slo.objective / 100)})`, labels },
    { record: 'slo:error_budget:ratio', expr: `vector(${num(budget)})`, labels },
    {
      record: 'slo:error_budget:remaining_ratio',
      expr: `1 - (slo:sli_error:ratio_rate_window${match} / ${num(budget)})`,
      labels: windowLabels,
    },
  ];
}

function burnAlert(
  config: SlakitConfig,
  slo: SloConfig,
  severity: 'critical' | 'warning',
  match: string,
  budget: number,
): AlertingRule {
  const pairs = burnWindows(slo.window).filter((a) => a.severity === severity);
  const expr = pairs
    .map(
      (p) =>
        `(\n  slo:sli_error:ratio_rate${p.long}${match} > (${num(p.factor)} * ${num(budget)})\n  and\n  slo:sli_error:ratio_rate${p.short}${match} > (${num(p.factor)} * ${num(budget)})\n)`,
    )
    .join('\nor\n');
  const burns = pairs.map(
    (p) => `${num(p.factor)}× over ${p.long}/${p.short} (${num(p.budgetShare * 100)}% of the budget in ${p.long})`,
  );
  const catalogueName =
    severity === 'critical' ? ALERT_CATALOGUE.SloErrorBudgetBurnCritical.name : ALERT_CATALOGUE.SloErrorBudgetBurnWarning.name;
  const own = slo.alerting;
  const rule = alertRule(
    config,
    catalogueName,
    severity,
    expr,
    { ...own?.labels, slo: slo.name },
    {
      summary: `${config.service}: SLO ${slo.name} is burning its error budget ${severity === 'critical' ? 'fast' : 'steadily'}`,
      // $value is the left-hand side of the matching pair: the error ratio over its long window.
      description: `The ${sliText(slo)} over ${slo.window} is at risk: the error ratio burns the budget at ${burns.join(' or ')}. Error ratio over the long window (${pairs.map((p) => p.long).join(' or ')}): {{ $value | humanizePercentage }}; budget ${num(budget * 100)}%.`,
      action:
        severity === 'critical'
          ? 'Page: find the failing route or dependency (HTTP dashboard), roll back the last deploy if it correlates.'
          : 'Open a ticket: review the error budget trend and the slowest/failing routes this week.',
    },
  );
  const name = severity === 'critical' ? own?.names?.page : own?.names?.ticket;
  // Own annotations never replace the runbook link and the text slakit's alerts carry.
  return { ...rule, alert: name ?? rule.alert, annotations: { ...own?.annotations, ...rule.annotations } };
}

function sloGroup(config: SlakitConfig, slo: SloConfig): RuleGroup {
  const labels = { service: config.service, slo: slo.name };
  const match = `{service=${quote(config.service)},slo=${quote(slo.name)}}`;
  const budget = 1 - slo.objective / 100;
  const rules: (RecordingRule | AlertingRule)[] = recordedWindows(slo.window).map((w) => ({
    record: `slo:sli_error:ratio_rate${w}`,
    expr: sloErrorRatioExpr(config, slo, w),
    labels,
  }));
  rules.push(...budgetRules(config, slo, labels, match, budget));
  if (slo.alerting?.page !== false) rules.push(burnAlert(config, slo, 'critical', match, budget));
  if (slo.alerting?.ticket !== false) rules.push(burnAlert(config, slo, 'warning', match, budget));
  return { name: `slakit:${config.service}:slo:${slo.name}`, interval: config.prometheus.evaluationInterval, rules };
}

/**
 * Generates the Prometheus rule file of a config: per SLO the error-ratio recording rules (5m … 3d and the SLO
 * window), error budget, and multi-window multi-burn-rate alerts; per job the SLA, success-rate, throughput,
 * consecutive-failure, missed-run and lease-contention alerts; per queue the depth and age alerts; and the health
 * check alert. Deterministic: the same config gives byte-identical output.
 */
export function generateRules(input: SlakitConfig | SlakitConfigInput): PrometheusRuleFile {
  const config = validateConfig(input);
  const groups: RuleGroup[] = [...config.slos].sort((a, b) => a.name.localeCompare(b.name)).map((s) => sloGroup(config, s));
  const jobs = jobsGroup(config);
  if (jobs) groups.push(jobs);
  const queues = queuesGroup(config);
  if (queues) groups.push(queues);
  groups.push(healthGroup(config));
  groups.push(runtimeGroup(config));
  return { groups };
}
