import { ALERT_CATALOGUE, type SlakitConfig, type SlakitConfigInput, type SloConfig, validateConfig } from '@slakit/core';
import { leMatcher, METRICS, num, quote, selector } from './promql.js';
import { type AlertingRule, alertRule, type PrometheusRuleFile, type RecordingRule, type RuleGroup } from './rule-model.js';
import { jobsGroup } from './rules-jobs.js';
import { healthGroup, queuesGroup } from './rules-queues-health.js';
import { runtimeGroup } from './rules-runtime.js';

export {
  type AlertingRule,
  GENERATED_ALERTS,
  type GeneratedAlert,
  type PrometheusRuleFile,
  type RecordingRule,
  type RuleGroup,
} from './rule-model.js';

/** Windows of the SLO error-ratio recording rules (`slo:sli_error:ratio_rate<w>`). */
export const SLO_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;

/**
 * Multi-window multi-burn-rate alerts (Google SRE workbook, ch. 5): both the long and the short window must burn
 * faster than `factor` × the error budget.
 */
export const BURN_RATE_ALERTS = [
  { severity: 'critical', long: '1h', short: '5m', factor: 14.4 },
  { severity: 'critical', long: '6h', short: '30m', factor: 6 },
  { severity: 'warning', long: '1d', short: '2h', factor: 3 },
  { severity: 'warning', long: '3d', short: '6h', factor: 1 },
] as const;

/** The error ratio of an SLO over a window, as a PromQL expression over the raw HTTP histogram. */
export function sloErrorRatioExpr(config: SlakitConfig, slo: SloConfig, window: string): string {
  const count = `${METRICS.httpDuration}_count`;
  if (slo.kind === 'availability') {
    return `(sum(rate(${count}${selector(config, 'http_response_status_code=~"5.."')}[${window}])) or vector(0))\n/\nsum(rate(${count}${selector(config)}[${window}]))`;
  }
  return `1 - (\n  sum(rate(${METRICS.httpDuration}_bucket${selector(config, leMatcher(slo.thresholdSeconds))}[${window}]))\n  /\n  sum(rate(${count}${selector(config)}[${window}]))\n)`;
}

function sloGroup(config: SlakitConfig, slo: SloConfig): RuleGroup {
  const labels = { service: config.service, slo: slo.name };
  const match = `{service=${quote(config.service)},slo=${quote(slo.name)}}`;
  const budget = 1 - slo.objective / 100;
  const rules: (RecordingRule | AlertingRule)[] = SLO_WINDOWS.map((w) => ({
    record: `slo:sli_error:ratio_rate${w}`,
    expr: sloErrorRatioExpr(config, slo, w),
    labels,
  }));
  rules.push(
    {
      record: 'slo:sli_error:ratio_rate_window',
      expr: `sum_over_time(slo:sli_error:ratio_rate5m${match}[${slo.window}])\n/\ncount_over_time(slo:sli_error:ratio_rate5m${match}[${slo.window}])`,
      labels: { ...labels, window: slo.window },
    },
    { record: 'slo:objective:ratio', expr: `vector(${num(slo.objective / 100)})`, labels },
    { record: 'slo:error_budget:ratio', expr: `vector(${num(budget)})`, labels },
    {
      record: 'slo:error_budget:remaining_ratio',
      expr: `1 - (slo:sli_error:ratio_rate_window${match} / ${num(budget)})`,
      labels: { ...labels, window: slo.window },
    },
  );
  const what =
    slo.kind === 'availability'
      ? `availability (non-5xx share) objective ${num(slo.objective)}%`
      : `latency objective: ${num(slo.objective)}% of requests within ${num(slo.thresholdSeconds * 1000)} ms`;
  for (const severity of ['critical', 'warning'] as const) {
    const pairs = BURN_RATE_ALERTS.filter((a) => a.severity === severity);
    const expr = pairs
      .map(
        (p) =>
          `(\n  slo:sli_error:ratio_rate${p.long}${match} > (${num(p.factor)} * ${num(budget)})\n  and\n  slo:sli_error:ratio_rate${p.short}${match} > (${num(p.factor)} * ${num(budget)})\n)`,
      )
      .join('\nor\n');
    rules.push(
      alertRule(
        config,
        severity === 'critical'
          ? ALERT_CATALOGUE.SloErrorBudgetBurnCritical.name
          : ALERT_CATALOGUE.SloErrorBudgetBurnWarning.name,
        severity,
        expr,
        { slo: slo.name },
        {
          summary: `${config.service}: SLO ${slo.name} is burning its error budget ${severity === 'critical' ? 'fast' : 'steadily'}`,
          description: `The ${what} over ${slo.window} is at risk: the error ratio burns the budget at ${pairs.map((p) => `${p.factor}× over ${p.long}/${p.short}`).join(' or ')}. Current ${pairs[0]?.short} error ratio: {{ $value | humanizePercentage }}.`,
          action:
            severity === 'critical'
              ? 'Page: find the failing route or dependency (HTTP dashboard), roll back the last deploy if it correlates.'
              : 'Open a ticket: review the error budget trend and the slowest/failing routes this week.',
        },
      ),
    );
  }
  return { name: `slakit:${config.service}:slo:${slo.name}`, interval: config.prometheus.evaluationInterval, rules };
}

/**
 * Generates the Prometheus rule file of a config: per SLO the error-ratio recording rules (5m … 3d and the SLO
 * window), error budget, and multi-window multi-burn-rate alerts; per job the SLA, success-rate, throughput,
 * consecutive-failure, missed-run and lease-contention alerts; per queue the depth and age alerts; and the health
 * check alert; the event-loop delay and heap usage alerts of the runtime metrics. Deterministic: the same config gives byte-identical output.
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
