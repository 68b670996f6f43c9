import type { MetricDefinition } from './metric-types.js';

/**
 * The metrics of retried runs and of start lateness (recorded by @slakit/job-wrapper's `withSla`), in catalogue
 * order. Pure data.
 */
export const JOB_ATTEMPT_METRICS = {
  jobAttempts: {
    otel: 'job.attempts',
    unit: '',
    instrument: 'counter',
    type: 'counter',
    prometheus: 'job_attempts_total',
    series: ['job_attempts_total'],
    labels: ['job_name', 'outcome'],
    help: 'Attempts of job runs, by the outcome of each attempt.',
    meaning:
      'attempts of executed runs (`withSla({ retry })`), counted as each attempt ends, by its outcome (`succeeded`, `failed`, `timed_out`, `lease_lost`); a run without retries is one attempt',
    labelValues: { outcome: ['succeeded', 'failed', 'timed_out', 'lease_lost'] },
    package: 'job-wrapper',
  },
  jobRetries: {
    otel: 'job.retries',
    unit: '',
    instrument: 'counter',
    type: 'counter',
    prometheus: 'job_retries_total',
    series: ['job_retries_total'],
    labels: ['job_name'],
    help: 'Retries of job runs (attempts after the first).',
    meaning: 'attempts after the first, counted when the run ends: `JobRetryRateHigh` divides it by the executed runs',
    package: 'job-wrapper',
  },
  jobLastRunRetriesExhausted: {
    otel: 'job.last_run.retries_exhausted',
    unit: '',
    instrument: 'gauge',
    type: 'gauge',
    prometheus: 'job_last_run_retries_exhausted',
    series: ['job_last_run_retries_exhausted'],
    labels: ['job_name'],
    help: '1 when the last executed run of this process failed after all its attempts, else 0.',
    meaning:
      '1 when the last executed run failed on its last allowed attempt (`retry.attempts`), else 0: `JobRetriesExhausted` reads it from the replica that ran last',
    package: 'job-wrapper',
  },
  jobStartDelay: {
    otel: 'job.start.delay',
    unit: 's',
    instrument: 'histogram',
    type: 'histogram',
    prometheus: 'job_start_delay_seconds',
    series: ['job_start_delay_seconds_bucket', 'job_start_delay_seconds_sum', 'job_start_delay_seconds_count'],
    labels: ['job_name', 'priority'],
    help: 'Time from the schedule slot of a run to its start.',
    meaning:
      'schedule slot (`scheduledAt`) → start of the run, for runs with a slot; buckets include the per-priority thresholds 5/30/60/300 s, so `bucket{le="<threshold>"} / count` is an on-time ratio (SLI)',
    package: 'job-wrapper',
  },
  jobLastStartDelay: {
    otel: 'job.last_run.start_delay',
    unit: 's',
    instrument: 'gauge',
    type: 'gauge',
    prometheus: 'job_last_run_start_delay_seconds',
    series: ['job_last_run_start_delay_seconds'],
    labels: ['job_name'],
    help: 'Start delay of the last executed run of this process with a schedule slot.',
    meaning: 'slot → start of the last executed run that had a slot: `JobStartLate` reads it from the replica that ran last',
    package: 'job-wrapper',
  },
} as const satisfies Record<string, MetricDefinition>;
