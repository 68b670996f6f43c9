import { METRIC_CATALOGUE, type SlakitConfig } from '@slakit/core';

/** Prometheus metric names the generators query, from the catalogue (`METRIC_CATALOGUE`, docs/metrics.md). */
export const METRICS = {
  httpDuration: METRIC_CATALOGUE.httpDuration.prometheus,
  httpActive: METRIC_CATALOGUE.httpActive.prometheus,
  jobDuration: METRIC_CATALOGUE.jobDuration.prometheus,
  jobRuns: METRIC_CATALOGUE.jobRuns.prometheus,
  jobUtilization: METRIC_CATALOGUE.jobUtilization.prometheus,
  jobRecords: METRIC_CATALOGUE.jobRecords.prometheus,
  jobLastSuccess: METRIC_CATALOGUE.jobLastSuccess.prometheus,
  jobConsecutiveFailures: METRIC_CATALOGUE.jobConsecutiveFailures.prometheus,
  jobActive: METRIC_CATALOGUE.jobActive.prometheus,
  jobLastRun: METRIC_CATALOGUE.jobLastRun.prometheus,
  jobCurrentRunStart: METRIC_CATALOGUE.jobCurrentRunStart.prometheus,
  jobLastRunThroughput: METRIC_CATALOGUE.jobLastRunThroughput.prometheus,
  jobBaselineThroughput: METRIC_CATALOGUE.jobBaselineThroughput.prometheus,
  jobScheduleStart: METRIC_CATALOGUE.jobScheduleStart.prometheus,
  jobLastSuccessKnown: METRIC_CATALOGUE.jobLastSuccessKnown.prometheus,
  jobRetries: METRIC_CATALOGUE.jobRetries.prometheus,
  jobAttempts: METRIC_CATALOGUE.jobAttempts.prometheus,
  jobLastRunRetriesExhausted: METRIC_CATALOGUE.jobLastRunRetriesExhausted.prometheus,
  jobStartDelay: METRIC_CATALOGUE.jobStartDelay.prometheus,
  jobLastStartDelay: METRIC_CATALOGUE.jobLastStartDelay.prometheus,
  jobLastProgress: METRIC_CATALOGUE.jobLastProgress.prometheus,
  jobLastRunInterval: METRIC_CATALOGUE.jobLastRunInterval.prometheus,
  jobLastRunDuration: METRIC_CATALOGUE.jobLastRunDuration.prometheus,
  jobHighUtilizationStreak: METRIC_CATALOGUE.jobHighUtilizationStreak.prometheus,
  jobConsecutiveSuccesses: METRIC_CATALOGUE.jobConsecutiveSuccesses.prometheus,
  queueDepth: METRIC_CATALOGUE.queueDepth.prometheus,
  queueOldestAge: METRIC_CATALOGUE.queueOldestAge.prometheus,
  queueAverageAge: METRIC_CATALOGUE.queueAverageAge.prometheus,
  queueResolvedPerDay: METRIC_CATALOGUE.queueResolvedPerDay.prometheus,
  healthStatus: METRIC_CATALOGUE.healthStatus.prometheus,
  healthDuration: METRIC_CATALOGUE.healthDuration.prometheus,
  runtimeEventLoopDelayP99: METRIC_CATALOGUE.runtimeEventLoopDelayP99.prometheus,
  runtimeEventLoopUtilization: METRIC_CATALOGUE.runtimeEventLoopUtilization.prometheus,
  runtimeHeapUsed: METRIC_CATALOGUE.runtimeHeapUsed.prometheus,
  runtimeHeapSizeLimit: METRIC_CATALOGUE.runtimeHeapSizeLimit.prometheus,
  runtimeGcDuration: METRIC_CATALOGUE.runtimeGcDuration.prometheus,
} as const;

/** Outcomes of runs that executed (the denominator of a success rate). */
export const EXECUTED_OUTCOMES = 'succeeded|failed|timed_out|lease_lost';

/**
 * The labels a job's series are grouped by: `job_name` and `prometheus.groupBy`, so a selector that spans
 * deployments (`namespace=~"shop|shop-staging"`, `groupBy: ['namespace']`) keeps them apart instead of letting one
 * hide the other — never a per-replica label, which would judge each replica alone.
 */
export function jobGroup(config: SlakitConfig): string {
  return ['job_name', ...new Set(config.prometheus.groupBy)].join(', ');
}

/**
 * `metric` of the replica(s) whose `by` timestamp is the newest for the job (per `group`, default `job_name`):
 * `metric and (by == on (group) group_left () max by (group) (by))`. `and` matches on every label but the name, so
 * each replica's gauge pairs with its own timestamp.
 */
export function latestBy(metric: string, by: string, s: string, group = 'job_name'): string {
  return `(${metric}${s} and (${by}${s} == on (${group}) group_left () max by (${group}) (${by}${s})))`;
}

/** Quotes a PromQL string literal. */
export function quote(value: string): string {
  return JSON.stringify(value);
}

/** A selector `{…}` with the config's base matchers plus extra ones (`job_name="x"`). */
export function selector(config: SlakitConfig, ...extra: string[]): string {
  const parts = [config.prometheus.selector.trim().replace(/,\s*$/, ''), ...extra].filter((p) => p !== '');
  return `{${parts.join(',')}}`;
}

/**
 * An `le` matcher for a histogram boundary that matches both Prometheus 2 (`le="1"` as exposed) and Prometheus 3
 * (which normalises integral boundaries to `le="1.0"`).
 */
export function leMatcher(seconds: number): string {
  const text = String(seconds).replace(/\./g, '\\\\.');
  return Number.isInteger(seconds) ? `le=~"${text}(\\\\.0)?"` : `le=~"${text}"`;
}

/** A number as PromQL/YAML-friendly text without float noise (`1 - 0.999` → `0.001`). */
export function num(value: number): string {
  return String(Number(value.toPrecision(12)));
}
