import {
  type Attributes,
  type Counter,
  createNoopMeter,
  type Gauge,
  type Histogram,
  type Meter,
  type SpanContext,
  type UpDownCounter,
} from '@opentelemetry/api';
import { type BoundHistogram, type FastMetrics, METRIC_CATALOGUE as M } from '@slakit/core';

/** Duration boundaries (s) for job runs: fine below a minute, then around common budgets and their 80 % points. */
export const JOB_DURATION_BUCKETS: readonly number[] = Object.freeze([
  0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 240, 300, 480, 600, 900, 1800, 2880, 3600, 5760, 7200, 10800, 21600, 43200,
  86400,
]);

/** `job_run_duration_seconds`: bound once per (job, outcome); a sampled run span becomes the bucket's exemplar. */
export interface JobDuration {
  record(seconds: number, attributes: { job_name: string; outcome: string }, spanContext?: SpanContext): void;
}

/**
 * Start-delay boundaries (s): fine around the per-priority late-start thresholds (5 / 30 / 60 / 300 s,
 * `JOB_START_DELAY_THRESHOLDS`), so `bucket{le="<threshold>"} / count` is an exact on-time ratio.
 */
export const JOB_START_DELAY_BUCKETS: readonly number[] = Object.freeze([
  0.1, 0.5, 1, 2, 5, 10, 15, 30, 45, 60, 90, 120, 300, 600, 900, 1800, 3600,
]);

/** The job instruments of the DESIGN metric catalogue. */
export interface JobInstruments {
  duration: JobDuration;
  runs: Counter;
  utilization: Gauge;
  processed: Counter;
  lastSuccess: Gauge;
  consecutiveFailures: Gauge;
  active: UpDownCounter;
  contention: Counter;
  /** End of the last executed run of this process: selects the latest runner across replicas. */
  lastRun: Gauge;
  /** Start of the run in progress in this process, 0 when none runs. */
  currentRunStart: Gauge;
  lastRunThroughput: Gauge;
  baselineThroughput: Gauge;
  attempts: Counter;
  retries: Counter;
  retriesExhausted: Gauge;
  startDelay: Histogram;
  lastStartDelay: Gauge;
  lastProgress: Gauge;
  lastRunInterval: Gauge;
  lastRunDuration: Gauge;
  highUtilizationStreak: Gauge;
  consecutiveSuccesses: Gauge;
}

/** The duration histogram on the telemetry's fast instruments (exemplars), else on the meter. */
function duration(meter: Meter, fast: FastMetrics | undefined): JobDuration {
  const options = { unit: M.jobDuration.unit, description: M.jobDuration.help };
  if (!fast) {
    const h = meter.createHistogram(M.jobDuration.otel, {
      ...options,
      advice: { explicitBucketBoundaries: [...JOB_DURATION_BUCKETS] },
    });
    return { record: (seconds, attributes) => h.record(seconds, attributes as Attributes) };
  }
  const h = fast.histogram(M.jobDuration.otel, { ...options, boundaries: JOB_DURATION_BUCKETS });
  const bound = new Map<string, BoundHistogram>();
  return {
    record(seconds, attributes, spanContext) {
      const key = `${attributes.job_name}\u0000${attributes.outcome}`;
      let series = bound.get(key);
      if (!series) {
        series = h.bind({ job_name: attributes.job_name, outcome: attributes.outcome });
        bound.set(key, series);
      }
      series.record(seconds, spanContext);
    },
  };
}

/**
 * The job instruments of a telemetry (none: no-op instruments). Several wrapped jobs on one telemetry each call this:
 * the OpenTelemetry SDK and slakit's fast instruments hand back the same instrument for an identical name, so no
 * cache (module state) is kept here.
 */
export function jobInstruments(telemetry: { meter: Meter; fast?: FastMetrics } | undefined): JobInstruments {
  return create(telemetry?.meter ?? createNoopMeter(), telemetry?.fast);
}

function create(meter: Meter, fast: FastMetrics | undefined): JobInstruments {
  return {
    duration: duration(meter, fast),
    runs: meter.createCounter(M.jobRuns.otel, { description: M.jobRuns.help }),
    utilization: meter.createGauge(M.jobUtilization.otel, { unit: M.jobUtilization.unit, description: M.jobUtilization.help }),
    processed: meter.createCounter(M.jobRecords.otel, { description: M.jobRecords.help }),
    lastSuccess: meter.createGauge(M.jobLastSuccess.otel, { unit: M.jobLastSuccess.unit, description: M.jobLastSuccess.help }),
    consecutiveFailures: meter.createGauge(M.jobConsecutiveFailures.otel, { description: M.jobConsecutiveFailures.help }),
    active: meter.createUpDownCounter(M.jobActive.otel, { description: M.jobActive.help }),
    contention: meter.createCounter(M.jobLeaseContention.otel, { description: M.jobLeaseContention.help }),
    lastRun: meter.createGauge(M.jobLastRun.otel, { unit: M.jobLastRun.unit, description: M.jobLastRun.help }),
    currentRunStart: meter.createGauge(M.jobCurrentRunStart.otel, {
      unit: M.jobCurrentRunStart.unit,
      description: M.jobCurrentRunStart.help,
    }),
    lastRunThroughput: meter.createGauge(M.jobLastRunThroughput.otel, { description: M.jobLastRunThroughput.help }),
    baselineThroughput: meter.createGauge(M.jobBaselineThroughput.otel, { description: M.jobBaselineThroughput.help }),
    attempts: meter.createCounter(M.jobAttempts.otel, { description: M.jobAttempts.help }),
    retries: meter.createCounter(M.jobRetries.otel, { description: M.jobRetries.help }),
    retriesExhausted: meter.createGauge(M.jobLastRunRetriesExhausted.otel, { description: M.jobLastRunRetriesExhausted.help }),
    startDelay: meter.createHistogram(M.jobStartDelay.otel, {
      unit: M.jobStartDelay.unit,
      description: M.jobStartDelay.help,
      advice: { explicitBucketBoundaries: [...JOB_START_DELAY_BUCKETS] },
    }),
    lastProgress: meter.createGauge(M.jobLastProgress.otel, {
      unit: M.jobLastProgress.unit,
      description: M.jobLastProgress.help,
    }),
    lastRunInterval: meter.createGauge(M.jobLastRunInterval.otel, {
      unit: M.jobLastRunInterval.unit,
      description: M.jobLastRunInterval.help,
    }),
    lastRunDuration: meter.createGauge(M.jobLastRunDuration.otel, {
      unit: M.jobLastRunDuration.unit,
      description: M.jobLastRunDuration.help,
    }),
    highUtilizationStreak: meter.createGauge(M.jobHighUtilizationStreak.otel, { description: M.jobHighUtilizationStreak.help }),
    consecutiveSuccesses: meter.createGauge(M.jobConsecutiveSuccesses.otel, { description: M.jobConsecutiveSuccesses.help }),
    lastStartDelay: meter.createGauge(M.jobLastStartDelay.otel, {
      unit: M.jobLastStartDelay.unit,
      description: M.jobLastStartDelay.help,
    }),
  };
}
