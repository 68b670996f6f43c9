import {
  cronPeriodSeconds,
  defaultGraceSeconds,
  formatDuration,
  runbookUrl,
  type SlakitConfig,
  type SlakitConfigInput,
  type SloConfig,
  validateConfig,
} from '@slakit/core';
import { EXECUTED_OUTCOMES, leMatcher, METRICS, num, quote, selector } from './promql.js';

/** A Prometheus recording rule. */
export interface RecordingRule {
  record: string;
  expr: string;
  labels?: Record<string, string>;
}

/** A Prometheus alerting rule; every generated one carries the labels and annotations below. */
export interface AlertingRule {
  alert: string;
  expr: string;
  for?: string;
  labels: { severity: 'warning' | 'critical'; service: string } & Record<string, string>;
  annotations: { summary: string; description: string; runbook_url: string; recommended_action: string };
}

/** A Prometheus rule group. */
export interface RuleGroup {
  name: string;
  interval?: string;
  rules: (RecordingRule | AlertingRule)[];
}

/** A Prometheus rule file (`rule_files:` entry). */
export interface PrometheusRuleFile {
  groups: RuleGroup[];
}

/** Names of every alert the rule generator can produce (each has a page in `docs/runbooks/`). */
export const GENERATED_ALERTS = [
  'SloErrorBudgetBurnCritical',
  'SloErrorBudgetBurnWarning',
  'JobSlaBreachWarning',
  'JobSlaBreachCritical',
  'JobSuccessRateLow',
  'JobThroughputLow',
  'JobConsecutiveFailures',
  'JobMissedRun',
  'JobLeaseContention',
  'QueueDepthWarning',
  'QueueDepthCritical',
  'QueueAgeWarning',
  'QueueEscalationRequired',
  'HealthCheckFailing',
] as const;
export type GeneratedAlert = (typeof GENERATED_ALERTS)[number];

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

const pct = (value: number) => `${num(value * 100)}%`;

function alertRule(
  config: SlakitConfig,
  alert: GeneratedAlert,
  severity: 'warning' | 'critical',
  expr: string,
  extraLabels: Record<string, string>,
  text: { summary: string; description: string; action: string },
  forDuration?: string,
): AlertingRule {
  return {
    alert,
    expr,
    ...(forDuration ? { for: forDuration } : {}),
    labels: { severity, service: config.service, ...extraLabels },
    annotations: {
      summary: text.summary,
      description: text.description,
      runbook_url: runbookUrl(config, alert),
      recommended_action: text.action,
    },
  };
}

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
        severity === 'critical' ? 'SloErrorBudgetBurnCritical' : 'SloErrorBudgetBurnWarning',
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

function jobsGroup(config: SlakitConfig): RuleGroup | undefined {
  const names = Object.keys(config.jobs).sort();
  if (names.length === 0) return undefined;
  const rules: (RecordingRule | AlertingRule)[] = [];
  for (const name of names) {
    const job = config.jobs[name] as SlakitConfig['jobs'][string];
    const j = `job=${quote(name)}`;
    const period = job.schedule ? cronPeriodSeconds(job.schedule, job.timezone) : undefined;
    const throughputWindow = formatDuration(Math.max(3600, period ?? 0));
    const contentionWindow = formatDuration(Math.max(3600, 2 * (period ?? 0)));
    const warn = job.warningPercent / 100;
    const crit = job.criticalPercent / 100;
    const action = 'Review batch size, check database load, verify indexes. Never kill a running cleanup job.';
    rules.push(
      alertRule(
        config,
        'JobSlaBreachWarning',
        'warning',
        `max by (job) (${METRICS.jobUtilization}${selector(config, j)}) >= ${num(warn)}`,
        { job: name },
        {
          summary: `Job ${name} approaching its SLA budget ({{ $value | humanizePercentage }} of ${num(job.budgetSeconds)} s)`,
          description: `The last run of ${name} used at least ${pct(warn)} of its ${num(job.budgetSeconds)} s budget.`,
          action,
        },
      ),
      alertRule(
        config,
        'JobSlaBreachCritical',
        'critical',
        `max by (job) (${METRICS.jobUtilization}${selector(config, j)}) >= ${num(crit)}`,
        { job: name },
        {
          summary: `Job ${name} exceeded its SLA budget ({{ $value | humanizePercentage }} of ${num(job.budgetSeconds)} s)`,
          description: `The last run of ${name} took at least ${pct(crit)} of its ${num(job.budgetSeconds)} s budget.`,
          action,
        },
      ),
      alertRule(
        config,
        'JobSuccessRateLow',
        'critical',
        `(\n  sum(increase(${METRICS.jobRuns}${selector(config, j, 'outcome="succeeded"')}[24h])) or vector(0)\n)\n/\nsum(increase(${METRICS.jobRuns}${selector(config, j, `outcome=~"${EXECUTED_OUTCOMES}"`)}[24h]))\n< ${num(job.successRateThreshold)}`,
        { job: name },
        {
          summary: `Job ${name} success rate over 24 h is {{ $value | humanizePercentage }}`,
          description: `Fewer than ${pct(job.successRateThreshold)} of the runs of ${name} in the last 24 h succeeded.`,
          action: 'Read the failed runs in the ledger (GET /ops/jobs/<name>), fix the cause, then re-run the job.',
        },
      ),
      {
        record: 'job:records_processed:rate_period',
        expr: `sum(rate(${METRICS.jobRecords}${selector(config, j)}[${throughputWindow}]))`,
        labels: { service: config.service, job: name },
      },
      alertRule(
        config,
        'JobThroughputLow',
        'warning',
        `job:records_processed:rate_period{service=${quote(config.service)},${j}}\n< ${num(job.throughputRatio)} * avg_over_time(job:records_processed:rate_period{service=${quote(config.service)},${j}}[7d])`,
        { job: name },
        {
          summary: `Job ${name} throughput is below ${pct(job.throughputRatio)} of its 7-day average`,
          description: `${name} processed {{ $value | humanize }} records/s over the last ${throughputWindow}, less than ${pct(job.throughputRatio)} of its 7-day average.`,
          action: 'Check for lock contention, slow queries or a shrinking batch size; compare with the ledger baseline.',
        },
        '15m',
      ),
      alertRule(
        config,
        'JobConsecutiveFailures',
        'critical',
        `max by (job) (${METRICS.jobConsecutiveFailures}${selector(config, j)}) >= ${job.consecutiveFailures}`,
        { job: name },
        {
          summary: `Job ${name} failed {{ $value }} times in a row`,
          description: `${name} has failed at least ${job.consecutiveFailures} consecutive runs.`,
          action: 'Read the last errors in the ledger or logs, fix the cause, re-run the job manually.',
        },
      ),
      alertRule(
        config,
        'JobLeaseContention',
        'warning',
        `sum by (job) (increase(${METRICS.jobRuns}${selector(config, j, 'outcome="skipped_locked"')}[${contentionWindow}])) > 0\nunless on (job)\nsum by (job) (increase(${METRICS.jobRuns}${selector(config, j, `outcome=~"${EXECUTED_OUTCOMES}"`)}[${contentionWindow}])) > 0\nunless on (job)\nsum by (job) (${METRICS.jobActive}${selector(config, j)}) > 0`,
        { job: name },
        {
          summary: `Job ${name} is locked out: runs are skipped on a lease nobody is running under`,
          description: `In the last ${contentionWindow} every run of ${name} was skipped because its lease was held, and no replica ran it — a zombie lease.`,
          action: 'List the lease (owner host, pid, heartbeat); if the owner is gone, let the TTL expire or release it.',
        },
        '15m',
      ),
    );
    if (period !== undefined) {
      const grace = job.graceSeconds ?? defaultGraceSeconds(period);
      rules.push(
        alertRule(
          config,
          'JobMissedRun',
          'critical',
          `time() - max by (job) (${METRICS.jobLastSuccess}${selector(config, j)}) > ${num(period + grace)}`,
          { job: name },
          {
            summary: `Job ${name} has not succeeded for {{ $value | humanizeDuration }}`,
            description: `${name} runs on "${job.schedule}" (every ${formatDuration(period)}); no run succeeded for more than one period plus ${formatDuration(grace)} grace.`,
            action: 'Check that the scheduler runs and that the lease is not held by a zombie process; run the job manually.',
          },
        ),
      );
    }
  }
  return { name: `slakit:${config.service}:jobs`, interval: config.prometheus.evaluationInterval, rules };
}

function queuesGroup(config: SlakitConfig): RuleGroup | undefined {
  const names = Object.keys(config.queues).sort();
  if (names.length === 0) return undefined;
  const rules: AlertingRule[] = [];
  for (const name of names) {
    const q = config.queues[name] as SlakitConfig['queues'][string];
    const s = selector(config, `queue=${quote(name)}`);
    const action = 'Review the oldest items first; escalate items past the escalation age to the team lead.';
    rules.push(
      alertRule(
        config,
        'QueueDepthWarning',
        'warning',
        `max(${METRICS.queueDepth}${s}) > ${q.depthWarning}`,
        { queue: name },
        {
          summary: `Queue ${name} holds {{ $value }} items (warning above ${q.depthWarning})`,
          description: `More than ${q.depthWarning} items wait in ${name}.`,
          action,
        },
      ),
      alertRule(
        config,
        'QueueDepthCritical',
        'critical',
        `max(${METRICS.queueDepth}${s}) > ${q.depthCritical}`,
        { queue: name },
        {
          summary: `Queue ${name} holds {{ $value }} items (critical above ${q.depthCritical})`,
          description: `More than ${q.depthCritical} items wait in ${name}: the queue is overflowing.`,
          action: `${action} Add reviewers or pause the producer.`,
        },
      ),
      alertRule(
        config,
        'QueueAgeWarning',
        'warning',
        `max(${METRICS.queueAverageAge}${s}) > ${num(q.ageWarningHours * 3600)}`,
        { queue: name },
        {
          summary: `Items in queue ${name} wait {{ $value | humanizeDuration }} on average`,
          description: `The average age of the items in ${name} is above ${num(q.ageWarningHours)} h.`,
          action,
        },
      ),
      alertRule(
        config,
        'QueueEscalationRequired',
        'critical',
        `max(${METRICS.queueOldestAge}${s}) > ${num(q.ageEscalationHours * 3600)}`,
        { queue: name },
        {
          summary: `The oldest item in queue ${name} waits {{ $value | humanizeDuration }}`,
          description: `An item in ${name} is older than ${num(q.ageEscalationHours)} h and needs escalation.`,
          action: 'Escalate the oldest items to the team lead now.',
        },
      ),
    );
  }
  return { name: `slakit:${config.service}:queues`, interval: config.prometheus.evaluationInterval, rules };
}

function healthGroup(config: SlakitConfig): RuleGroup {
  const checks = config.health.criticalChecks;
  const s =
    checks && checks.length > 0
      ? selector(config, `check=~${quote(checks.map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'))}`)
      : selector(config);
  return {
    name: `slakit:${config.service}:health`,
    interval: config.prometheus.evaluationInterval,
    rules: [
      alertRule(
        config,
        'HealthCheckFailing',
        'critical',
        `${METRICS.healthStatus}${s} == 0`,
        {},
        {
          summary: `Health check {{ $labels.check }} is failing on {{ $labels.instance }}`,
          description: `The critical check {{ $labels.check }} has failed for ${config.health.failingFor}; readiness is failing, so traffic is held off this instance.`,
          action: 'Check the dependency behind the check (database, cache, upstream); see the detailed /health view.',
        },
        config.health.failingFor,
      ),
    ],
  };
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
  return { groups };
}
