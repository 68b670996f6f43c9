import type { Alerter } from '@slakit/core';
import type { RunLedger } from './ledger.js';
import { runbookFor } from './runbook.js';
import type { RunResult } from './with-sla.js';

/** Thresholds of the rules evaluated after every run (defaults from the seeds / `loadEnvConfig()`). */
export interface RuleOptions {
  /** Success rate below which the job is critical; default `SLA_SUCCESS_RATE_THRESHOLD` (0.95). */
  successRateThreshold?: number;
  /** Window of the success rate, in seconds; default 86400 (24 h). */
  successRateWindowSeconds?: number;
  /** Executed runs needed in the window before the success rate can alert; default 5. */
  minRuns?: number;
  /** Throughput below this share of the baseline warns; default 0.5. */
  throughputRatio?: number;
  /** Successful runs the baseline is the median of; default 10. */
  baselineRuns?: number;
  /** Runs the baseline needs before it can alert; default 5. */
  minBaselineRuns?: number;
  /** Consecutive failed runs that are critical; default 3. */
  consecutiveFailures?: number;
}

/** Alert names of the job rules (also used by the generated Prometheus rules). */
export const JOB_RULE_ALERTS = {
  successRate: 'JobSuccessRateLow',
  throughput: 'JobThroughputLow',
  zeroRecords: 'JobNoRecordsProcessed',
  consecutiveFailures: 'JobConsecutiveFailures',
} as const;

export interface RuleContext {
  job: string;
  ledger: RunLedger;
  alerter: Alerter | undefined;
  options: Required<RuleOptions>;
  runbookUrl: string | ((alertname: string) => string) | undefined;
  recommendedAction: string;
  budgetSeconds: number;
}

/** Baseline before the run is recorded (so a run never counts in its own baseline). */
export async function baselineBefore(ctx: RuleContext) {
  return ctx.ledger.baselineThroughput(ctx.job, { runs: ctx.options.baselineRuns });
}

/** Evaluates the rules for the run just recorded; fires or resolves the job's alerts. Never throws. */
export async function evaluateRules(
  ctx: RuleContext,
  result: RunResult,
  baseline: { perHour: number | undefined; runs: number },
): Promise<void> {
  const { job, ledger, alerter, options } = ctx;
  if (!alerter || result.outcome === 'skipped_locked' || result.outcome === 'skipped_overlap') return;
  const common = (
    alertname: string,
    severity: 'warning' | 'critical',
    summary: string,
    values: Record<string, number | string>,
  ) =>
    alerter.fire({
      labels: { alertname, severity, job },
      annotations: {
        summary,
        runbook_url: runbookFor(ctx.runbookUrl, alertname),
        recommended_action: ctx.recommendedAction,
      },
      values: { sla_budget_seconds: ctx.budgetSeconds, actual_duration_seconds: result.durationSeconds, ...values },
    });

  const { rate, runs } = await ledger.successRate(job, options.successRateWindowSeconds);
  if (rate !== undefined && runs >= options.minRuns) {
    if (rate < options.successRateThreshold) {
      const pct = Math.round(rate * 1000) / 10;
      common(
        JOB_RULE_ALERTS.successRate,
        'critical',
        `Job ${job} success rate ${pct}% over the last 24 h (< ${options.successRateThreshold * 100}%)`,
        {
          success_rate_percent: pct,
          threshold_percent: options.successRateThreshold * 100,
          runs,
        },
      );
    } else alerter.resolve({ alertname: JOB_RULE_ALERTS.successRate, job });
  }

  const failures = await ledger.consecutiveFailures(job);
  if (failures >= options.consecutiveFailures) {
    common(JOB_RULE_ALERTS.consecutiveFailures, 'critical', `Job ${job} failed ${failures} times in a row`, {
      consecutive_failures: failures,
      last_error: result.error?.code ?? result.error?.type ?? result.outcome,
    });
  } else if (result.outcome === 'succeeded') alerter.resolve({ alertname: JOB_RULE_ALERTS.consecutiveFailures, job });

  if (
    result.outcome === 'succeeded' &&
    baseline.perHour !== undefined &&
    baseline.runs >= options.minBaselineRuns &&
    baseline.perHour > 0
  ) {
    const base = Math.round(baseline.perHour * 10) / 10;
    if (result.processed === 0) {
      common(JOB_RULE_ALERTS.zeroRecords, 'warning', `Job ${job} processed no records (baseline ${base}/h)`, {
        baseline_per_hour: base,
        processed: 0,
      });
    } else {
      alerter.resolve({ alertname: JOB_RULE_ALERTS.zeroRecords, job });
      const ratio = result.throughputPerHour / baseline.perHour;
      if (ratio < options.throughputRatio) {
        common(
          JOB_RULE_ALERTS.throughput,
          'warning',
          `Job ${job} throughput ${Math.round(result.throughputPerHour)}/h is ${Math.round(ratio * 100)}% of its baseline ${base}/h`,
          {
            throughput_per_hour: Math.round(result.throughputPerHour * 10) / 10,
            baseline_per_hour: base,
            threshold_percent: options.throughputRatio * 100,
          },
        );
      } else alerter.resolve({ alertname: JOB_RULE_ALERTS.throughput, job });
    }
  }
}
