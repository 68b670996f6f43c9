// The rules of withSla's series, per job: SLA budget, success rate, throughput, consecutive failures, missed run and
// lease contention.
import { ALERT_CATALOGUE, cronPeriodSeconds, defaultGraceSeconds, formatDuration, type SlakitConfig } from '@slakit/core';
import { EXECUTED_OUTCOMES, METRICS, num, quote, selector } from './promql.js';
import { type AlertingRule, alertRule, pct, type RecordingRule, type RuleGroup } from './rule-model.js';

/** Per job: SLA, success-rate, throughput, consecutive-failure, missed-run and lease-contention rules. */
export function jobsGroup(config: SlakitConfig): RuleGroup | undefined {
  const names = Object.keys(config.jobs).sort();
  if (names.length === 0) return undefined;
  const rules: (RecordingRule | AlertingRule)[] = [];
  for (const name of names) {
    const job = config.jobs[name] as SlakitConfig['jobs'][string];
    const j = `job_name=${quote(name)}`;
    const period = job.schedule ? cronPeriodSeconds(job.schedule, job.timezone) : undefined;
    const throughputWindow = formatDuration(Math.max(3600, period ?? 0));
    const contentionWindow = formatDuration(Math.max(3600, 2 * (period ?? 0)));
    const warn = job.warningPercent / 100;
    const crit = job.criticalPercent / 100;
    const action = 'Review batch size, check database load, verify indexes. Never kill a running cleanup job.';
    rules.push(
      alertRule(
        config,
        ALERT_CATALOGUE.JobSlaBreachWarning.name,
        'warning',
        `max by (job_name) (${METRICS.jobUtilization}${selector(config, j)}) >= ${num(warn)}`,
        { job_name: name },
        {
          summary: `Job ${name} approaching its SLA budget ({{ $value | humanizePercentage }} of ${num(job.budgetSeconds)} s)`,
          description: `The last run of ${name} used at least ${pct(warn)} of its ${num(job.budgetSeconds)} s budget.`,
          action,
        },
      ),
      alertRule(
        config,
        ALERT_CATALOGUE.JobSlaBreachCritical.name,
        'critical',
        `max by (job_name) (${METRICS.jobUtilization}${selector(config, j)}) >= ${num(crit)}`,
        { job_name: name },
        {
          summary: `Job ${name} exceeded its SLA budget ({{ $value | humanizePercentage }} of ${num(job.budgetSeconds)} s)`,
          description: `The last run of ${name} took at least ${pct(crit)} of its ${num(job.budgetSeconds)} s budget.`,
          action,
        },
      ),
      alertRule(
        config,
        ALERT_CATALOGUE.JobSuccessRateLow.name,
        'critical',
        `(\n  sum(increase(${METRICS.jobRuns}${selector(config, j, 'outcome="succeeded"')}[24h])) or vector(0)\n)\n/\nsum(increase(${METRICS.jobRuns}${selector(config, j, `outcome=~"${EXECUTED_OUTCOMES}"`)}[24h]))\n< ${num(job.successRateThreshold)}`,
        { job_name: name },
        {
          summary: `Job ${name} success rate over 24 h is {{ $value | humanizePercentage }}`,
          description: `Fewer than ${pct(job.successRateThreshold)} of the runs of ${name} in the last 24 h succeeded.`,
          action: 'Read the failed runs in the ledger (GET /ops/jobs/<name>), fix the cause, then re-run the job.',
        },
      ),
      {
        record: 'job:records_processed:rate_period',
        expr: `sum(rate(${METRICS.jobRecords}${selector(config, j)}[${throughputWindow}]))`,
        labels: { service: config.service, job_name: name },
      },
      alertRule(
        config,
        ALERT_CATALOGUE.JobThroughputLow.name,
        'warning',
        `job:records_processed:rate_period{service=${quote(config.service)},${j}}\n< ${num(job.throughputRatio)} * avg_over_time(job:records_processed:rate_period{service=${quote(config.service)},${j}}[7d])`,
        { job_name: name },
        {
          summary: `Job ${name} throughput is below ${pct(job.throughputRatio)} of its 7-day average`,
          description: `${name} processed {{ $value | humanize }} records/s over the last ${throughputWindow}, less than ${pct(job.throughputRatio)} of its 7-day average.`,
          action: 'Check for lock contention, slow queries or a shrinking batch size; compare with the ledger baseline.',
        },
        '15m',
      ),
      alertRule(
        config,
        ALERT_CATALOGUE.JobConsecutiveFailures.name,
        'critical',
        `max by (job_name) (${METRICS.jobConsecutiveFailures}${selector(config, j)}) >= ${job.consecutiveFailures}`,
        { job_name: name },
        {
          summary: `Job ${name} failed {{ $value }} times in a row`,
          description: `${name} has failed at least ${job.consecutiveFailures} consecutive runs.`,
          action: 'Read the last errors in the ledger or logs, fix the cause, re-run the job manually.',
        },
      ),
      alertRule(
        config,
        ALERT_CATALOGUE.JobLeaseContention.name,
        'warning',
        `sum by (job_name) (increase(${METRICS.jobRuns}${selector(config, j, 'outcome="skipped_locked"')}[${contentionWindow}])) > 0\nunless on (job_name)\nsum by (job_name) (increase(${METRICS.jobRuns}${selector(config, j, `outcome=~"${EXECUTED_OUTCOMES}"`)}[${contentionWindow}])) > 0\nunless on (job_name)\nsum by (job_name) (${METRICS.jobActive}${selector(config, j)}) > 0`,
        { job_name: name },
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
          ALERT_CATALOGUE.JobMissedRun.name,
          'critical',
          `time() - max by (job_name) (${METRICS.jobLastSuccess}${selector(config, j)}) > ${num(period + grace)}`,
          { job_name: name },
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
