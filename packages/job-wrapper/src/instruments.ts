import { type Counter, createNoopMeter, type Gauge, type Histogram, type Meter, type UpDownCounter } from '@opentelemetry/api';

/** Duration boundaries (s) for job runs: fine below a minute, then around common budgets and their 80 % points. */
export const JOB_DURATION_BUCKETS: readonly number[] = Object.freeze([
  0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 240, 300, 480, 600, 900, 1800, 2880, 3600, 5760, 7200, 10800, 21600, 43200,
  86400,
]);

/** The job instruments of the DESIGN metric catalogue. */
export interface JobInstruments {
  duration: Histogram;
  runs: Counter;
  utilization: Gauge;
  processed: Counter;
  lastSuccess: Gauge;
  consecutiveFailures: Gauge;
  active: UpDownCounter;
  contention: Counter;
}

const cache = new WeakMap<Meter, JobInstruments>();
let noop: JobInstruments | undefined;

/** Instruments for a meter, created once per meter (several wrapped jobs share them). */
export function jobInstruments(meter: Meter | undefined): JobInstruments {
  if (!meter) {
    noop ??= create(createNoopMeter());
    return noop;
  }
  let instruments = cache.get(meter);
  if (!instruments) {
    instruments = create(meter);
    cache.set(meter, instruments);
  }
  return instruments;
}

function create(meter: Meter): JobInstruments {
  return {
    duration: meter.createHistogram('job.run.duration', {
      unit: 's',
      description: 'Duration of one job run.',
      advice: { explicitBucketBoundaries: [...JOB_DURATION_BUCKETS] },
    }),
    runs: meter.createCounter('job.runs', { description: 'Job runs by outcome.' }),
    utilization: meter.createGauge('job.sla.utilization', {
      unit: '1',
      description: 'Last run duration divided by the SLA budget.',
    }),
    processed: meter.createCounter('job.records.processed', { description: 'Records processed by job runs.' }),
    lastSuccess: meter.createGauge('job.last_success.timestamp', {
      unit: 's',
      description: 'Unix time of the last successful run.',
    }),
    consecutiveFailures: meter.createGauge('job.consecutive_failures', { description: 'Failed runs since the last success.' }),
    active: meter.createUpDownCounter('job.active', { description: 'Job runs in progress.' }),
    contention: meter.createCounter('job.lease.contention', {
      description: 'Runs skipped because another holder had the lease.',
    }),
  };
}
