import { type SlakitConfig } from '@slakit/core';

/** Metric names the generators query — exactly what the packages export (see docs/metrics.md). */
export const METRICS = {
  httpDuration: 'http_server_request_duration_seconds',
  httpActive: 'http_server_active_requests',
  jobDuration: 'job_run_duration_seconds',
  jobRuns: 'job_runs_total',
  jobUtilization: 'job_sla_utilization_ratio',
  jobRecords: 'job_records_processed_total',
  jobLastSuccess: 'job_last_success_timestamp_seconds',
  jobConsecutiveFailures: 'job_consecutive_failures',
  jobActive: 'job_active',
  queueDepth: 'queue_depth',
  queueOldestAge: 'queue_oldest_item_age_seconds',
  queueAverageAge: 'queue_average_item_age_seconds',
  healthStatus: 'health_check_status',
  healthDuration: 'health_check_duration_seconds',
} as const;

/** Outcomes of runs that executed (the denominator of a success rate). */
export const EXECUTED_OUTCOMES = 'succeeded|failed|timed_out|lease_lost';

/** Quotes a PromQL string literal. */
export function quote(value: string): string {
  return JSON.stringify(value);
}

/** A selector `{…}` with the config's base matchers plus extra ones (`job="x"`). */
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
