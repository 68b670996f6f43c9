import { JOB_PRIORITIES } from '../catalogue/labels.js';
import { SEVERITIES } from '../env.js';
import { opt } from './options.js';

/**
 * Option schemas shared by the SLO/SLA config (`defineConfig`) and the factories (`withSla`, `watchQueue`,
 * `createAlerter`, the sinks): one definition per limit, so the config can never accept what a factory rejects.
 */

/** Longest duration slakit accepts for a budget, TTL, interval or deadline: 10 years, in seconds. */
export const MAX_SECONDS = 10 * 366 * 86_400;
/** The same limit in ms. */
export const MAX_MS = MAX_SECONDS * 1000;

/** `> 0` seconds, at most {@link MAX_SECONDS}. */
export const positiveSeconds = (accepted = 'a number of seconds > 0') => opt.number(accepted, (v) => v > 0 && v <= MAX_SECONDS);
/** `≥ 0` seconds, at most {@link MAX_SECONDS}. */
export const nonNegativeSeconds = (accepted = 'a number of seconds ≥ 0') =>
  opt.number(accepted, (v) => v >= 0 && v <= MAX_SECONDS);
/** `> 0` ms, at most {@link MAX_MS}. */
export const positiveMs = (accepted = 'a number of ms > 0') => opt.number(accepted, (v) => v > 0 && v <= MAX_MS);
/** `≥ 0` ms, at most {@link MAX_MS}. */
export const nonNegativeMs = (accepted = 'a number of ms ≥ 0') => opt.number(accepted, (v) => v >= 0 && v <= MAX_MS);
/** An integer `≥ min` (and `≤ max`). */
export const integerAtLeast = (min: number, accepted = `an integer ≥ ${min}`, max = Number.MAX_SAFE_INTEGER) =>
  opt.integer(accepted, (v) => v >= min && v <= max);
/** A ratio strictly between 0 and 1. */
export const openRatio = (accepted = 'a ratio > 0 and < 1 (e.g. 0.95)') => opt.number(accepted, (v) => v > 0 && v < 1);
/** A number from 0 to 1. */
export const unitRatio = (accepted = 'a number from 0 to 1') => opt.number(accepted, (v) => v >= 0 && v <= 1);
/** An alert severity. */
export const severity = () => opt.oneOf(SEVERITIES);
/** A runbook URL or a function of the alert name. */
export const runbookUrlOption = () =>
  opt.union([opt.string(), opt.function()], 'a URL string or a function (alertname) => string');

/** The SLA thresholds of one job, as `withSla()` and the config's `jobs.<name>` both accept them. */
export const SLA_FIELDS = {
  /** SLA budget of one run, in seconds (> 0, at most 10 years). */
  budgetSeconds: positiveSeconds(),
  /** Share of the budget that warns, in percent (> 0 and ≤ 1000); default 80. */
  warningPercent: opt.number('a percentage > 0 and ≤ 1000', (v) => v > 0 && v <= 1000),
  /** Share of the budget that is critical (breach), in percent (> 0 and ≤ 1000); default 100. */
  criticalPercent: opt.number('a percentage > 0 and ≤ 1000', (v) => v > 0 && v <= 1000),
  /** Priority of the job: picks its late-start threshold (`JobStartLate`); default `normal`. */
  priority: opt.oneOf(JOB_PRIORITIES),
  /** Start delay after the schedule slot above which a run is late, in seconds (≥ 0); default by priority. */
  lateStartSeconds: nonNegativeSeconds('a number of seconds ≥ 0 (at most 10 years)'),
  /** A successful run shorter than this is suspicious (`JobRunTooFast`); default off. */
  minDurationSeconds: positiveSeconds('a number of seconds > 0 (at most 10 years)'),
  /** An executed run that starts sooner than this after the previous one runs too often (`JobRunTooOften`); default off. */
  minIntervalSeconds: positiveSeconds('a number of seconds > 0 (at most 10 years)'),
  /** A running run without progress for this long is stalled (`JobStalled`); default off. */
  stallSeconds: positiveSeconds('a number of seconds > 0 (at most 10 years)'),
} as const;

/** The run rules of one job, as `withSla({ rules })` and the config's `jobs.<name>` both accept them. */
export const RULE_FIELDS = {
  successRateThreshold: openRatio(),
  throughputRatio: openRatio(),
  consecutiveFailures: integerAtLeast(1, 'an integer ≥ 1', 1_000_000),
  minRuns: integerAtLeast(1, 'an integer ≥ 1', 1_000_000),
  successRateWindowSeconds: integerAtLeast(60, 'an integer number of seconds ≥ 60 (at most a year)', 31_536_000),
  retryRateThreshold: opt.number('a number of retries per run > 0 and ≤ 100 (e.g. 0.2)', (v) => v > 0 && v <= 100),
  retryRateWindowSeconds: integerAtLeast(60, 'an integer number of seconds ≥ 60 (at most a year)', 31_536_000),
  utilizationStreakRuns: integerAtLeast(1, 'an integer from 1 to 100', 100),
  recoveryRuns: integerAtLeast(1, 'an integer from 1 to 100', 100),
} as const;

/** Queue thresholds, as `watchQueue({ thresholds })` and the config's `queues.<name>` both accept them. */
export const QUEUE_FIELDS = {
  depthWarning: integerAtLeast(1, 'an integer ≥ 1', 1e9),
  depthCritical: integerAtLeast(1, 'an integer ≥ 1', 1e9),
  ageWarningHours: opt.number('a number of hours > 0', (v) => v > 0 && v <= 1e6),
  ageEscalationHours: opt.number('a number of hours > 0', (v) => v > 0 && v <= 1e6),
  /** Resolutions per day below this share of their baseline warn (`QueueResolutionRateLow`). */
  resolutionRateRatio: openRatio('a ratio > 0 and < 1 (e.g. 0.5)'),
  /** The window the resolution baseline averages over, in hours. */
  resolutionBaselineHours: opt.number('a number of hours > 0', (v) => v > 0 && v <= 1e6),
  /** How old the oldest sample of the baseline must be before it counts, in hours (< the baseline window). */
  resolutionMinHistoryHours: opt.number('a number of hours ≥ 0', (v) => v >= 0 && v <= 1e6),
} as const;

/** The upper limits of a sink's delivery options. */
export const DELIVERY_LIMITS = { retries: 100, maxQueue: 1_000_000, concurrency: 1000 } as const;

/** A sink's `delivery` options (see `DeliveryOptions`), validated by `createAlerter()` and by each sink factory. */
export const deliveryOptionsSchema = opt.object(
  {
    timeoutMs: positiveMs('a number of ms > 0 (at most 10 years)'),
    retries: opt.integer(`an integer from 0 to ${DELIVERY_LIMITS.retries}`, (v) => v >= 0 && v <= DELIVERY_LIMITS.retries),
    backoffMs: nonNegativeMs('a number of ms ≥ 0'),
    maxBackoffMs: nonNegativeMs('a number of ms ≥ 0'),
    maxQueue: opt.integer(`an integer from 1 to ${DELIVERY_LIMITS.maxQueue}`, (v) => v >= 1 && v <= DELIVERY_LIMITS.maxQueue),
    concurrency: opt.integer(
      `an integer from 1 to ${DELIVERY_LIMITS.concurrency}`,
      (v) => v >= 1 && v <= DELIVERY_LIMITS.concurrency,
    ),
  },
  'an object { timeoutMs?, retries?, backoffMs?, maxBackoffMs?, maxQueue?, concurrency? }',
);

/** The options every sink factory shares. */
export const SINK_COMMON_FIELDS = {
  name: opt.text('a non-empty sink name'),
  delivery: deliveryOptionsSchema,
  refreshSeconds: positiveSeconds(),
  sendResolved: opt.boolean(),
} as const;
