// The odd-run rules, per job (catalogue `alerts-jobs-attempts.ts`): stalled (jobs with `stallSeconds`), too fast
// (`minDurationSeconds`), too often (`minIntervalSeconds`) and the utilisation streak (every job), and the
// recovery clause of `JobConsecutiveFailures` (`recoveryRuns` > 1). "Last run" gauges are read from the replica that
// ran last (`latestBy()`); the stall from the process that runs the job now (`job_current_run_start_timestamp_seconds`).
import { ALERT_CATALOGUE, type SlakitConfig } from '@slakit/core';
import { latestBy, METRICS, num, quote } from './promql.js';
import { type AlertingRule, alertRule } from './rule-model.js';

type JobConfig = SlakitConfig['jobs'][string];

/** One job's rule inputs: its config, its selector `s` and its grouping labels `g`. */
export interface OddRunScope {
  config: SlakitConfig;
  name: string;
  job: JobConfig;
  s: string;
  g: string;
}

function stalledRule({ config, name, s, g }: OddRunScope, stallSeconds: number): AlertingRule {
  const progress = `${METRICS.jobLastProgress}${s} > 0 and ${METRICS.jobCurrentRunStart}${s} > 0`;
  return alertRule(
    config,
    ALERT_CATALOGUE.JobStalled.name,
    'critical',
    `time() - max by (${g}) (${progress}) > ${num(stallSeconds)}`,
    { job_name: name },
    {
      summary: `Job ${name} made no progress for {{ $value | humanizeDuration }}`,
      description: `A run of ${name} is running but reported no progress for more than ${num(stallSeconds)} s.`,
      action:
        'Look at what the run waits on (locks: pg_stat_activity, a hung HTTP call); the job keeps running — never kill a running cleanup job blindly.',
    },
  );
}

function tooFastRule({ config, name, s, g }: OddRunScope, minSeconds: number): AlertingRule {
  const duration = `max by (${g}) ${latestBy(METRICS.jobLastRunDuration, METRICS.jobLastRun, s, g)}`;
  // The latest runner's last run is its last success (both timestamps are the same run's end).
  const succeeded = `max by (${g}) ${latestBy(METRICS.jobLastSuccess, METRICS.jobLastRun, s, g)} >= on (${g}) max by (${g}) (${METRICS.jobLastRun}${s})`;
  return alertRule(
    config,
    ALERT_CATALOGUE.JobRunTooFast.name,
    'warning',
    `${duration} < ${num(minSeconds)}\nand on (${g})\n${succeeded}`,
    { job_name: name },
    {
      summary: `Job ${name} succeeded in {{ $value | humanizeDuration }}`,
      description: `The last run of ${name} succeeded in less than ${num(minSeconds)} s: it probably did nothing.`,
      action: 'Check that the job found its input (empty source query, wrong filter, missing credentials that short-circuit).',
    },
  );
}

function tooOftenRule({ config, name, s, g }: OddRunScope, minSeconds: number): AlertingRule {
  return alertRule(
    config,
    ALERT_CATALOGUE.JobRunTooOften.name,
    'warning',
    `max by (${g}) ${latestBy(METRICS.jobLastRunInterval, METRICS.jobLastRun, s, g)} < ${num(minSeconds)}`,
    { job_name: name },
    {
      summary: `Job ${name} started {{ $value | humanizeDuration }} after its previous run`,
      description: `The last run of ${name} started less than ${num(minSeconds)} s after the previous one.`,
      action: 'Look for a second scheduler (a duplicated cron entry, two deployments) or a retry loop outside slakit.',
    },
  );
}

function streakRule({ config, name, job, s, g }: OddRunScope): AlertingRule {
  return alertRule(
    config,
    ALERT_CATALOGUE.JobUtilizationStreak.name,
    'critical',
    `max by (${g}) ${latestBy(METRICS.jobHighUtilizationStreak, METRICS.jobLastRun, s, g)} >= ${job.utilizationStreakRuns}`,
    { job_name: name },
    {
      summary: `Job ${name} used ≥ ${num(job.warningPercent)}% of its budget {{ $value }} runs in a row`,
      description: `The last ${job.utilizationStreakRuns} runs of ${name} each used at least ${num(job.warningPercent)} % of the ${num(job.budgetSeconds)} s budget.`,
      action:
        'Escalate to the engineering lead: raise the budget or make the job faster (batch size, indexes) before it breaches.',
    },
  );
}

/**
 * The recovery clause of `JobConsecutiveFailures` (`recoveryRuns` > 1): while the alert fires, it keeps firing until
 * the latest runner counts `recoveryRuns` successes in a row — the rule reads its own `ALERTS` series.
 */
export function recoveryClause({ config, name, job, s, g }: OddRunScope): string {
  if (job.recoveryRuns <= 1) return '';
  const successes = `max by (${g}) ${latestBy(METRICS.jobConsecutiveSuccesses, METRICS.jobLastRun, s, g)}`;
  const firing = `ALERTS{alertname="${ALERT_CATALOGUE.JobConsecutiveFailures.name}",alertstate="firing",job_name=${quote(name)},service=${quote(config.service)}}`;
  return `\nor\n(${successes} < ${job.recoveryRuns} and on (${g}) ${firing})`;
}

/** Per job: the utilisation streak, and stalled / too fast / too often when the job sets their thresholds. */
export function oddRunRules(scope: OddRunScope): AlertingRule[] {
  const { job } = scope;
  return [
    ...(job.stallSeconds === undefined ? [] : [stalledRule(scope, job.stallSeconds)]),
    ...(job.minDurationSeconds === undefined ? [] : [tooFastRule(scope, job.minDurationSeconds)]),
    ...(job.minIntervalSeconds === undefined ? [] : [tooOftenRule(scope, job.minIntervalSeconds)]),
    streakRule(scope),
  ];
}
