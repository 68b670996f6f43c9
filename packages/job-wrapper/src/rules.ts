import { ALERT_CATALOGUE, JOB_RULE_DEFAULTS as D } from '@slakit/core';
import type { GuardedLedger } from './ledger-guard.js';
import { type RunShape, shapeRules, tooFastRule } from './odd-runs.js';
import { retryRateRule, runRules } from './retry-rules.js';
import type { AlertTarget, JobRules } from './rule-types.js';
import { runbookFor } from './runbook.js';
import type { RuleOptions, RunResult } from './types.js';

export type { AlertTarget, JobRules } from './rule-types.js';
export type { RuleOptions } from './types.js';

// Every rule of a job: the budget rules (while the run runs and when it ends) and the rules over the ledger (success
// rate, consecutive failures, throughput, zero records). The ledger rules read their own inputs from the ledger after
// the run is recorded; the consecutive-failure count they read is also what `job_consecutive_failures` exports.

/** Alert names raised by `withSla` (also used by the generated Prometheus rules). */
export const JOB_ALERTS = {
  warning: ALERT_CATALOGUE.JobSlaBreachWarning.name,
  critical: ALERT_CATALOGUE.JobSlaBreachCritical.name,
} as const;

/** Alert names of the job rules (also used by the generated Prometheus rules). */
export const JOB_RULE_ALERTS = {
  successRate: ALERT_CATALOGUE.JobSuccessRateLow.name,
  throughput: ALERT_CATALOGUE.JobThroughputLow.name,
  zeroRecords: ALERT_CATALOGUE.JobNoRecordsProcessed.name,
  consecutiveFailures: ALERT_CATALOGUE.JobConsecutiveFailures.name,
} as const;

/** `recommended_action` of the job alerts unless `withSla({ recommendedAction })` says otherwise. */
export const DEFAULT_ACTION = 'Review batch size, check database load, verify indexes';

/** Which budget alerts the run's timers already raised. */
export interface BudgetFired {
  warning: boolean;
  critical: boolean;
}

/** The thresholds of the ledger rules with their defaults (`successRateThreshold` from `SLA_SUCCESS_RATE_THRESHOLD`). */
export function ruleThresholds(options: RuleOptions | undefined, successRateThreshold: number): Required<RuleOptions> {
  return {
    successRateThreshold: options?.successRateThreshold ?? successRateThreshold,
    successRateWindowSeconds: options?.successRateWindowSeconds ?? D.successRateWindowSeconds,
    minRuns: options?.minRuns ?? D.minRuns,
    throughputRatio: options?.throughputRatio ?? D.throughputRatio,
    baselineRuns: options?.baselineRuns ?? D.baselineRuns,
    minBaselineRuns: options?.minBaselineRuns ?? D.minBaselineRuns,
    consecutiveFailures: options?.consecutiveFailures ?? D.consecutiveFailures,
    retryRateThreshold: options?.retryRateThreshold ?? D.retryRateThreshold,
    retryRateWindowSeconds: options?.retryRateWindowSeconds ?? D.retryRateWindowSeconds,
    utilizationStreakRuns: options?.utilizationStreakRuns ?? D.utilizationStreakRuns,
    recoveryRuns: options?.recoveryRuns ?? D.recoveryRuns,
  };
}

/** Budget rule: logs and fires the warning or critical SLA breach for `elapsedMs` of run time. */
export function budgetAlert(rules: JobRules, severity: 'warning' | 'critical', elapsedMs: number): void {
  const { job, budgetSeconds, logger } = rules;
  const pct = Math.round((elapsedMs / (budgetSeconds * 1000)) * 1000) / 10;
  const threshold = severity === 'warning' ? rules.warningPercent : rules.criticalPercent;
  const summary =
    severity === 'warning'
      ? `Job ${job} approaching SLA limit (${pct}% utilization)`
      : `Job ${job} exceeded its SLA budget (${pct}% utilization)`;
  const values = {
    alert_type: `sla_breach_${severity}`,
    sla_budget_seconds: budgetSeconds,
    actual_duration_seconds: Math.round(elapsedMs / 100) / 10,
    utilization_percent: pct,
    threshold_percent: threshold,
  };
  (severity === 'warning' ? logger.warn : logger.error).call(logger, values, summary);
  rules.alerter?.fire({
    labels: { alertname: JOB_ALERTS[severity], severity, job_name: job },
    annotations: {
      summary,
      description: `${job} has run ${values.actual_duration_seconds} s of its ${budgetSeconds} s budget (threshold ${threshold}%). The job keeps running: never kill a running cleanup job.`,
      runbook_url: runbookFor(rules.runbookUrl, JOB_ALERTS[severity]),
      recommended_action: rules.recommendedAction,
    },
    values,
  });
}

/** Budget rule at the end of a run: raises what a coarse clock skipped; a run back within budget resolves. */
function budgetAtEnd(rules: JobRules, result: RunResult, fired: BudgetFired): void {
  const pct = result.utilization * 100;
  const durationMs = result.finishedAt.getTime() - result.startedAt.getTime();
  if (pct >= rules.warningPercent && !fired.warning) budgetAlert(rules, 'warning', durationMs);
  if (pct >= rules.criticalPercent && !fired.critical) budgetAlert(rules, 'critical', durationMs);
  if (pct < rules.criticalPercent && rules.alerter) {
    rules.alerter.resolve({ alertname: JOB_ALERTS.critical, job_name: rules.job });
    if (pct < rules.warningPercent) rules.alerter.resolve({ alertname: JOB_ALERTS.warning, job_name: rules.job });
  }
}

type Fire = (
  alertname: string,
  severity: 'warning' | 'critical',
  summary: string,
  values: Record<string, number | string>,
) => void;

function firer(rules: JobRules, alerter: AlertTarget, result: RunResult): Fire {
  return (alertname, severity, summary, values) =>
    alerter.fire({
      labels: { alertname, severity, job_name: rules.job },
      annotations: {
        summary,
        runbook_url: runbookFor(rules.runbookUrl, alertname),
        recommended_action: rules.recommendedAction,
      },
      values: { sla_budget_seconds: rules.budgetSeconds, actual_duration_seconds: result.durationSeconds, ...values },
    });
}

async function successRateRule(
  rules: JobRules,
  t: Required<RuleOptions>,
  ledger: GuardedLedger,
  fire: Fire,
  alerter: AlertTarget,
) {
  const read = await ledger.successRate(rules.job, t.successRateWindowSeconds);
  if (read === undefined) return; // the ledger could not be read: the last verdict holds
  const { rate, runs } = read;
  // Too few runs left in the window to judge (or a rate at or above the threshold): resolved, as the generated rule.
  if (rate === undefined || runs < t.minRuns || rate >= t.successRateThreshold)
    return alerter.resolve({ alertname: JOB_RULE_ALERTS.successRate, job_name: rules.job });
  const pct = Math.round(rate * 1000) / 10;
  fire(
    JOB_RULE_ALERTS.successRate,
    'critical',
    `Job ${rules.job} success rate ${pct}% over the last 24 h (< ${t.successRateThreshold * 100}%)`,
    { success_rate_percent: pct, threshold_percent: t.successRateThreshold * 100, runs },
  );
}

function consecutiveFailuresRule(
  t: Required<RuleOptions>,
  failures: number,
  result: RunResult,
  fire: Fire,
  alerter: AlertTarget,
  job: string,
  successes: number | undefined,
) {
  if (failures >= t.consecutiveFailures) {
    fire(JOB_RULE_ALERTS.consecutiveFailures, 'critical', `Job ${job} failed ${failures} times in a row`, {
      consecutive_failures: failures,
      last_error: result.error?.code ?? result.error?.type ?? result.outcome,
    });
  } else if (result.outcome === 'succeeded' && (t.recoveryRuns <= 1 || (successes ?? 0) >= t.recoveryRuns))
    // The recovery threshold: resolved only after `recoveryRuns` successes in a row (an unreadable count holds).
    alerter.resolve({ alertname: JOB_RULE_ALERTS.consecutiveFailures, job_name: job });
}

/**
 * The usable throughput baseline (records/hour) a successful run is judged against: the median of the last
 * `runs` successful runs in the ledger, the run just recorded left out (a run never counts in its own baseline);
 * undefined with fewer than `minRuns` runs, a zero baseline, or an unreadable ledger.
 */
export async function readBaseline(
  job: string,
  ledger: GuardedLedger,
  settings: { runs: number; minRuns: number },
  result: RunResult,
): Promise<number | undefined> {
  const baseline = await ledger.baselineThroughput(job, { runs: settings.runs, excludeRunId: result.runId });
  if (baseline?.perHour === undefined || baseline.runs < settings.minRuns || baseline.perHour <= 0) return undefined;
  return baseline.perHour;
}

/**
 * Throughput and zero-records rules for a successful run against `baselinePerHour` (undefined: no usable baseline,
 * both resolve). A run that processed nothing raises `JobNoRecordsProcessed` and resolves `JobThroughputLow` — what
 * the generated rules over `job_last_run_records_per_second` and `job_baseline_records_per_second` do.
 */
function throughputRules(
  rules: JobRules,
  t: Required<RuleOptions>,
  baselinePerHour: number | undefined,
  result: RunResult,
  fire: Fire,
  alerter: AlertTarget,
) {
  if (result.outcome !== 'succeeded') return;
  const { job } = rules;
  if (baselinePerHour === undefined) {
    alerter.resolve({ alertname: JOB_RULE_ALERTS.zeroRecords, job_name: job });
    return alerter.resolve({ alertname: JOB_RULE_ALERTS.throughput, job_name: job });
  }
  const base = Math.round(baselinePerHour * 10) / 10;
  if (result.processed === 0) {
    fire(JOB_RULE_ALERTS.zeroRecords, 'warning', `Job ${job} processed no records (baseline ${base}/h)`, {
      baseline_per_hour: base,
      processed: 0,
    });
    return alerter.resolve({ alertname: JOB_RULE_ALERTS.throughput, job_name: job });
  }
  alerter.resolve({ alertname: JOB_RULE_ALERTS.zeroRecords, job_name: job });
  const ratio = result.throughputPerHour / baselinePerHour;
  if (ratio >= t.throughputRatio) return alerter.resolve({ alertname: JOB_RULE_ALERTS.throughput, job_name: job });
  fire(
    JOB_RULE_ALERTS.throughput,
    'warning',
    `Job ${job} throughput ${Math.round(result.throughputPerHour)}/h is ${Math.round(ratio * 100)}% of its baseline ${base}/h`,
    {
      throughput_per_hour: Math.round(result.throughputPerHour * 10) / 10,
      baseline_per_hour: base,
      threshold_percent: t.throughputRatio * 100,
    },
  );
}

/**
 * The consecutive-failure count after a run: the ledger's (read after the run is recorded, so it survives a restart
 * with a shared ledger); with `ledger: false`, a count of this wrapper's runs (the only count then).
 */
export function failureCounter(
  job: string,
  ledger: GuardedLedger | undefined,
): (result: RunResult) => Promise<number | undefined> {
  if (ledger) return () => ledger.consecutiveFailures(job);
  let streak = 0;
  return async (result) => {
    streak = result.outcome === 'succeeded' ? 0 : streak + 1;
    return streak;
  };
}

/** Inputs of {@link evaluateRules}. */
export interface RuleInputs {
  rules: JobRules;
  /** The run just recorded (skipped runs evaluate nothing). */
  result: RunResult;
  /** The job's ledger, undefined with `ledger: false`. */
  ledger: GuardedLedger | undefined;
  /** The consecutive-failure count after this run: the ledger's, read once (undefined when it could not be read). */
  consecutiveFailures: number | undefined;
  /** For a successful run: the usable baseline from {@link readBaseline}, read once (also exported as a gauge). */
  baselinePerHour: number | undefined;
  /** For a run that executed: the budget alerts its timers raised; undefined for a run refused before it started. */
  budget: BudgetFired | undefined;
  /** The ledger's shape of the run ({@link readShape}), read once; undefined without a ledger or when unreadable. */
  shape?: RunShape | undefined;
}

/**
 * Evaluates every rule of the job for the run just recorded: success rate, consecutive failures, throughput and zero
 * records (reading the ledger), then the budget rules. Fires or resolves the job's alerts; never throws.
 */
export async function evaluateRules({
  rules,
  result,
  ledger,
  consecutiveFailures,
  baselinePerHour,
  budget,
  shape,
}: RuleInputs): Promise<void> {
  if (result.outcome === 'skipped_locked' || result.outcome === 'skipped_overlap') return;
  const { alerter, ledgerRules: t } = rules;
  if (alerter && ledger && t) {
    const fire = firer(rules, alerter, result);
    await successRateRule(rules, t, ledger, fire, alerter);
    if (consecutiveFailures !== undefined)
      consecutiveFailuresRule(t, consecutiveFailures, result, fire, alerter, rules.job, shape?.consecutiveSuccesses);
    if (shape) shapeRules(rules, shape, t.utilizationStreakRuns, alerter);
    throughputRules(rules, t, baselinePerHour, result, fire, alerter);
    await retryRateRule(rules, t, ledger, alerter);
  }
  if (alerter && rules.runRules) {
    runRules(rules, result, alerter);
    tooFastRule(rules, result, alerter);
  }
  if (budget) budgetAtEnd(rules, result, budget);
}
