// The rules of the runtime packages' series: per job (SLA, success rate, throughput, consecutive failures, missed
// run, lease contention), per queue (depth, age, escalation) and the health check alert.
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
        ALERT_CATALOGUE.JobSlaBreachWarning.name,
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
        ALERT_CATALOGUE.JobSlaBreachCritical.name,
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
        ALERT_CATALOGUE.JobSuccessRateLow.name,
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
        ALERT_CATALOGUE.JobThroughputLow.name,
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
        ALERT_CATALOGUE.JobConsecutiveFailures.name,
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
        ALERT_CATALOGUE.JobLeaseContention.name,
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
          ALERT_CATALOGUE.JobMissedRun.name,
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

/** Per queue: depth, age and escalation alerts. */
export function queuesGroup(config: SlakitConfig): RuleGroup | undefined {
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
        ALERT_CATALOGUE.QueueDepthWarning.name,
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
        ALERT_CATALOGUE.QueueDepthCritical.name,
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
        ALERT_CATALOGUE.QueueAgeWarning.name,
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
        ALERT_CATALOGUE.QueueEscalationRequired.name,
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

/** The critical health check alert. */
export function healthGroup(config: SlakitConfig): RuleGroup {
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
        ALERT_CATALOGUE.HealthCheckFailing.name,
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
