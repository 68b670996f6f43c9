import { ALERT_CATALOGUE } from '@slakit/core';
import type { GuardedLedger } from './ledger-guard.js';
import { retriesExhausted } from './outcome.js';
import type { AlertTarget, JobRules } from './rule-types.js';
import { runbookFor } from './runbook.js';
import type { RuleOptions, RunResult } from './types.js';

// The rules of retried runs and of late starts (catalogue `alerts-jobs-attempts.ts`): retry rate over the ledger,
// retries exhausted and late start from the run just recorded — what the generated rules read from the gauges of
// the replica that ran last (`job_last_run_retries_exhausted`, `job_last_run_start_delay_seconds`).

/** Alert names of the retry and lateness rules (also used by the generated Prometheus rules). */
export const ATTEMPT_ALERTS = {
  retryRate: ALERT_CATALOGUE.JobRetryRateHigh.name,
  retriesExhausted: ALERT_CATALOGUE.JobRetriesExhausted.name,
  startLate: ALERT_CATALOGUE.JobStartLate.name,
} as const;

/** Fires one job alert with its runbook and action (the retry, lateness and odd-run rules). */
export function fire(
  rules: JobRules,
  alerter: AlertTarget,
  alertname: string,
  severity: 'warning' | 'critical',
  summary: string,
  values: Record<string, number | string>,
  action: string,
): void {
  alerter.fire({
    labels: { alertname, severity, job_name: rules.job },
    annotations: { summary, runbook_url: runbookFor(rules.runbookUrl, alertname), recommended_action: action },
    values,
  });
}

/** `JobRetryRateHigh`: retries per executed run over the window (the ledger's), with at least `minRuns` runs. */
export async function retryRateRule(
  rules: JobRules,
  t: Required<RuleOptions>,
  ledger: GuardedLedger,
  alerter: AlertTarget,
): Promise<void> {
  const read = await ledger.retryRate(rules.job, t.retryRateWindowSeconds);
  if (read === undefined) return; // unreadable (or a ledger without retryRate): the last verdict holds
  const { rate, runs } = read;
  if (rate === undefined || runs < t.minRuns || rate <= t.retryRateThreshold)
    return void alerter.resolve({ alertname: ATTEMPT_ALERTS.retryRate, job_name: rules.job });
  const pct = Math.round(rate * 1000) / 10;
  fire(
    rules,
    alerter,
    ATTEMPT_ALERTS.retryRate,
    'warning',
    `Job ${rules.job} retry rate ${pct}% (> ${Math.round(t.retryRateThreshold * 1000) / 10}%)`,
    { retry_rate_percent: pct, threshold_percent: t.retryRateThreshold * 100, runs },
    'Find the failing dependency in the attempts of the ledger (error codes), fix it or make the job idempotent and cheaper to retry.',
  );
}

/** `JobRetriesExhausted` and `JobStartLate`: judged on the run just recorded (an executed or refused run). */
export function runRules(rules: JobRules, result: RunResult, alerter: AlertTarget): void {
  const { job } = rules;
  if (retriesExhausted(result.outcome, result.attempts, rules.maxAttempts)) {
    fire(
      rules,
      alerter,
      ATTEMPT_ALERTS.retriesExhausted,
      'critical',
      `Job ${job} failed after ${result.attempts} attempts`,
      { attempts: result.attempts, last_error: result.error?.code ?? result.error?.type ?? result.outcome },
      'Read the errors of the attempts in the ledger, fix the cause, then re-run the job.',
    );
  } else alerter.resolve({ alertname: ATTEMPT_ALERTS.retriesExhausted, job_name: job });
  const delay = result.startDelaySeconds;
  if (delay === undefined) return; // a run without a schedule slot says nothing about lateness
  if (delay <= rules.lateStartSeconds) return void alerter.resolve({ alertname: ATTEMPT_ALERTS.startLate, job_name: job });
  fire(
    rules,
    alerter,
    ATTEMPT_ALERTS.startLate,
    'warning',
    `Job ${job} started ${Math.round(delay * 10) / 10} s after its slot (threshold ${rules.lateStartSeconds} s)`,
    { start_delay_seconds: Math.round(delay * 1000) / 1000, threshold_seconds: rules.lateStartSeconds },
    'Check that the scheduler process is not blocked (event loop, CPU) and that the previous run or the lease did not hold it up.',
  );
}
