// The rules of retried runs and late starts, per job (catalogue `alerts-jobs-attempts.ts`): retry rate over the
// counters, retries exhausted and late start from the gauges of the replica that ran last (`latestBy()`), so a
// replica that stopped running the job never keeps one firing. Thresholds from the config (defaults: the
// catalogue's JOB_RULE_DEFAULTS and JOB_START_DELAY_THRESHOLDS, the values withSla() evaluates with at run time).
import { ALERT_CATALOGUE, formatDuration, JOB_START_DELAY_THRESHOLDS, type SlakitConfig } from '@slakit/core';
import { EXECUTED_OUTCOMES, latestBy, METRICS, num } from './promql.js';
import { type AlertingRule, alertRule } from './rule-model.js';

type JobConfig = SlakitConfig['jobs'][string];

/** One job's rule inputs: its config, its selector `s` and its grouping labels `g`. */
export interface AttemptScope {
  config: SlakitConfig;
  name: string;
  job: JobConfig;
  s: string;
  g: string;
}

function retryRateRule({ config, name, job, s, g }: AttemptScope): AlertingRule {
  const window = formatDuration(job.retryRateWindowSeconds);
  const executed = `sum by (${g}) (increase(${METRICS.jobRuns}${s.slice(0, -1)},outcome=~"${EXECUTED_OUTCOMES}"}[${window}]))`;
  const retries = `sum by (${g}) (increase(${METRICS.jobRetries}${s}[${window}]))`;
  return alertRule(
    config,
    ALERT_CATALOGUE.JobRetryRateHigh.name,
    'warning',
    `(\n  ${retries}\n  /\n  ${executed}\n) > ${num(job.retryRateThreshold)}\nand\n${executed} >= ${job.minRuns}`,
    { job_name: name },
    {
      summary: `Job ${name} retry rate over ${window} is {{ $value | humanizePercentage }}`,
      description: `${name} needed more than ${num(job.retryRateThreshold)} retries per run over the last ${window} (at least ${job.minRuns} runs).`,
      action:
        'Find the failing dependency in the attempts of the ledger (error codes), fix it or make the job idempotent and cheaper to retry.',
    },
  );
}

function exhaustedRule({ config, name, s, g }: AttemptScope): AlertingRule {
  return alertRule(
    config,
    ALERT_CATALOGUE.JobRetriesExhausted.name,
    'critical',
    `max by (${g}) ${latestBy(METRICS.jobLastRunRetriesExhausted, METRICS.jobLastRun, s, g)} == 1`,
    { job_name: name },
    {
      summary: `Job ${name} failed after all its retries`,
      description: `The last run of ${name} failed on its last allowed attempt: retrying did not help.`,
      action: 'Read the errors of the attempts in the ledger, fix the cause, then re-run the job.',
    },
  );
}

function startLateRule({ config, name, job, s, g }: AttemptScope): AlertingRule {
  const threshold = job.lateStartSeconds ?? JOB_START_DELAY_THRESHOLDS[job.priority];
  return alertRule(
    config,
    ALERT_CATALOGUE.JobStartLate.name,
    'warning',
    `max by (${g}) ${latestBy(METRICS.jobLastStartDelay, METRICS.jobLastRun, s, g)} > ${num(threshold)}`,
    { job_name: name },
    {
      summary: `Job ${name} started {{ $value | humanizeDuration }} after its slot`,
      description: `The last scheduled run of ${name} (priority ${job.priority}) started more than ${num(threshold)} s after its slot.`,
      action:
        'Check that the scheduler process is not blocked (event loop, CPU) and that the previous run or the lease did not hold it up.',
    },
  );
}

/** Per job: retry-rate, retries-exhausted and late-start rules. */
export function attemptRules(scope: AttemptScope): AlertingRule[] {
  return [retryRateRule(scope), exhaustedRule(scope), startLateRule(scope)];
}
