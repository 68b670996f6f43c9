// The rules of withSla's series, per job: SLA budget, success rate, throughput and zero records, consecutive failures,
// missed run and lease contention. Thresholds come from the config, whose defaults are the catalogue's
// JOB_RULE_DEFAULTS — the values withSla() evaluates with at run time (JOB_RULE_PARITY says where the two differ).
// Replica-safe: a gauge that holds "the last run" of one process is read only from the replica that ran last
// (`job_last_run_timestamp_seconds`) or succeeded last (`job_last_success_timestamp_seconds`), never a stale one.
import { ALERT_CATALOGUE, cronPeriodSeconds, defaultGraceSeconds, formatDuration, type SlakitConfig } from '@slakit/core';
import { EXECUTED_OUTCOMES, jobGroup, latestBy, METRICS, num, quote, selector } from './promql.js';
import { type AlertingRule, alertRule, pct, type RuleGroup } from './rule-model.js';
import { attemptRules } from './rules-job-attempts.js';
import { oddRunRules, recoveryClause } from './rules-odd-runs.js';

type JobConfig = SlakitConfig['jobs'][string];

/** One job's rule inputs, resolved once: its config, its selector `s` and its grouping labels `g`. */
interface JobScope {
  config: SlakitConfig;
  name: string;
  job: JobConfig;
  s: string;
  g: string;
}

const ACTION = 'Review batch size, check database load, verify indexes. Never kill a running cleanup job.';

function slaRules({ config, name, job, s, g }: JobScope): AlertingRule[] {
  const lastRun = latestBy(METRICS.jobUtilization, METRICS.jobLastRun, s, g);
  // A run still running: its elapsed time at the last scrape (timestamp() of that sample, so a run that has ended
  // since is never over-estimated) against the budget, like the run-time budget timers.
  const start = `${METRICS.jobCurrentRunStart}${s}`;
  const running = `(timestamp(${start}) - ${start}) / ${num(job.budgetSeconds)} and ${start} > 0`;
  return (['warning', 'critical'] as const).map((severity) => {
    const ratio = (severity === 'warning' ? job.warningPercent : job.criticalPercent) / 100;
    const definition = severity === 'warning' ? ALERT_CATALOGUE.JobSlaBreachWarning : ALERT_CATALOGUE.JobSlaBreachCritical;
    return alertRule(
      config,
      definition.name,
      severity,
      `max by (${g}) ${lastRun} >= ${num(ratio)}\nor\nmax by (${g}) (${running}) >= ${num(ratio)}`,
      { job_name: name },
      {
        summary:
          severity === 'warning'
            ? `Job ${name} approaching its SLA budget ({{ $value | humanizePercentage }} of ${num(job.budgetSeconds)} s)`
            : `Job ${name} exceeded its SLA budget ({{ $value | humanizePercentage }} of ${num(job.budgetSeconds)} s)`,
        description: `The last (or the running) run of ${name} used at least ${pct(ratio)} of its ${num(job.budgetSeconds)} s budget.`,
        action: ACTION,
      },
    );
  });
}

function successRateRule({ config, name, job, s, g }: JobScope): AlertingRule {
  const window = formatDuration(job.successRateWindowSeconds);
  const runs = (outcomes: string) => `sum by (${g}) (increase(${METRICS.jobRuns}${s.slice(0, -1)},${outcomes}}[${window}]))`;
  const executed = runs(`outcome=~"${EXECUTED_OUTCOMES}"`);
  return alertRule(
    config,
    ALERT_CATALOGUE.JobSuccessRateLow.name,
    'critical',
    `(\n  (${runs('outcome="succeeded"')} or 0 * ${executed})\n  /\n  ${executed}\n) < ${num(job.successRateThreshold)}\nand\n${executed} >= ${job.minRuns}`,
    { job_name: name },
    {
      summary: `Job ${name} success rate over ${window} is {{ $value | humanizePercentage }}`,
      description: `Fewer than ${pct(job.successRateThreshold)} of the runs of ${name} in the last ${window} succeeded (at least ${job.minRuns} runs).`,
      action: 'Read the failed runs in the ledger (GET /ops/jobs/<name>), fix the cause, then re-run the job.',
    },
  );
}

function throughputRules({ config, name, job, s, g }: JobScope): AlertingRule[] {
  const last = `max by (${g}) ${latestBy(METRICS.jobLastRunThroughput, METRICS.jobLastSuccess, s, g)}`;
  const baseline = `max by (${g}) ${latestBy(METRICS.jobBaselineThroughput, METRICS.jobLastSuccess, s, g)}`;
  return [
    alertRule(
      config,
      ALERT_CATALOGUE.JobThroughputLow.name,
      'warning',
      `${last}\n< ${num(job.throughputRatio)} * ${baseline}\nand\n${last} > 0`,
      { job_name: name },
      {
        summary: `Job ${name} throughput is below ${pct(job.throughputRatio)} of its baseline`,
        description: `The last successful run of ${name} processed {{ $value | humanize }} records/s, less than ${pct(job.throughputRatio)} of its ledger baseline (median of the last successful runs).`,
        action: 'Check for lock contention, slow queries or a shrinking batch size; compare with the ledger baseline.',
      },
    ),
    alertRule(
      config,
      ALERT_CATALOGUE.JobNoRecordsProcessed.name,
      'warning',
      `${last} == 0\nand\n${baseline} > 0`,
      { job_name: name },
      {
        summary: `Job ${name} processed no records`,
        description: `The last successful run of ${name} processed nothing while its ledger baseline is above zero.`,
        action: 'Check the job input (source query, filters, upstream export); compare with the previous runs in the ledger.',
      },
    ),
  ];
}

function consecutiveFailuresRule(scope: JobScope): AlertingRule {
  const { config, name, job, s, g } = scope;
  return alertRule(
    config,
    ALERT_CATALOGUE.JobConsecutiveFailures.name,
    'critical',
    `max by (${g}) ${latestBy(METRICS.jobConsecutiveFailures, METRICS.jobLastRun, s, g)} >= ${job.consecutiveFailures}${recoveryClause(scope)}`,
    { job_name: name },
    {
      summary: `Job ${name} failed {{ $value }} times in a row`,
      description: `${name} has failed at least ${job.consecutiveFailures} consecutive runs.`,
      action: 'Read the last errors in the ledger or logs, fix the cause, re-run the job manually.',
    },
  );
}

function contentionRule({ config, name, s, g }: JobScope, window: string): AlertingRule {
  const runs = (outcomes: string) => `sum by (${g}) (increase(${METRICS.jobRuns}${s.slice(0, -1)},${outcomes}}[${window}]))`;
  return alertRule(
    config,
    ALERT_CATALOGUE.JobLeaseContention.name,
    'warning',
    `${runs('outcome="skipped_locked"')} > 0\nunless on (${g})\n${runs(`outcome=~"${EXECUTED_OUTCOMES}"`)} > 0\nunless on (${g})\nsum by (${g}) (${METRICS.jobActive}${s}) > 0`,
    { job_name: name },
    {
      summary: `Job ${name} is locked out: runs are skipped on a lease nobody is running under`,
      description: `In the last ${window} every run of ${name} was skipped because its lease was held, and no replica ran it — a zombie lease.`,
      action: 'List the lease (owner host, pid, heartbeat); if the owner is gone, let the TTL expire or release it.',
    },
    '15m',
  );
}

function missedRunRule({ config, name, job, s, g }: JobScope, period: number): AlertingRule {
  const grace = job.graceSeconds ?? defaultGraceSeconds(period);
  const limit = num(period + grace);
  // The last success any replica ran or knows of (schedule() learns other replicas' from the shared ledger); the
  // pushed series of a short-lived job count too.
  const names = `__name__=~"${METRICS.jobLastSuccess}|${METRICS.jobLastSuccessKnown}"`;
  const lastSuccess = `max by (${g}) (${selector(config, names, `job_name=${quote(name)}`)})`;
  // Before any success (no replica exports one): count from the earliest running schedule() of the job.
  const started = `min by (${g}) (${METRICS.jobScheduleStart}${s})`;
  return alertRule(
    config,
    ALERT_CATALOGUE.JobMissedRun.name,
    'critical',
    `time() - ${lastSuccess} > ${limit}\nor\n(time() - ${started} > ${limit} unless on (${g}) ${lastSuccess})`,
    { job_name: name },
    {
      summary: `Job ${name} has not succeeded for {{ $value | humanizeDuration }}`,
      description: `${name} runs on "${job.schedule}" (every ${formatDuration(period)}); no run succeeded for more than one period plus ${formatDuration(grace)} grace (since the schedule started, before any success).`,
      action: 'Check that the scheduler runs and that the lease is not held by a zombie process; run the job manually.',
    },
  );
}

/**
 * Per job: SLA, success-rate, throughput, zero-records, consecutive-failure, lease-contention, retry-rate,
 * retries-exhausted, late-start and (with a schedule) missed-run rules.
 */
export function jobsGroup(config: SlakitConfig): RuleGroup | undefined {
  const names = Object.keys(config.jobs).sort();
  if (names.length === 0) return undefined;
  const rules: AlertingRule[] = [];
  const g = jobGroup(config);
  for (const name of names) {
    const job = config.jobs[name] as JobConfig;
    const scope: JobScope = { config, name, job, s: selector(config, `job_name=${quote(name)}`), g };
    const period = job.schedule ? cronPeriodSeconds(job.schedule, job.timezone) : undefined;
    rules.push(
      ...slaRules(scope),
      successRateRule(scope),
      ...throughputRules(scope),
      consecutiveFailuresRule(scope),
      contentionRule(scope, formatDuration(Math.max(3600, 2 * (period ?? 0)))),
      ...attemptRules(scope),
      ...oddRunRules(scope),
    );
    if (period !== undefined) rules.push(missedRunRule(scope, period));
  }
  return { name: `slakit:${config.service}:jobs`, interval: config.prometheus.evaluationInterval, rules };
}
