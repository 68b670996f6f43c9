import {
  DUCK,
  integerAtLeast,
  MAX_MS,
  nonNegativeMs,
  nonNegativeSeconds,
  opt,
  positiveMs,
  positiveSeconds,
  QUEUE_FIELDS,
  RULE_FIELDS,
  runbookUrlOption,
  SLA_FIELDS,
} from '@slakit/core';

/**
 * Options schemas of job-wrapper's factories, built from core's shared fields (`SLA_FIELDS`, `RULE_FIELDS`,
 * `QUEUE_FIELDS`) so `withSla()` and the config's `jobs.<name>` accept exactly the same values. Each factory calls
 * `validateOptions(<schema>, options)` first: unknown keys are `ERR_SLAKIT_UNKNOWN_OPTION` with a did-you-mean.
 */

const leaseStore = opt.custom(
  'a LeaseStore (memoryLeases(), redisLeases(), postgresLeases(), …)',
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    typeof (v as { acquire?: unknown }).acquire === 'function' &&
    typeof (v as { listLeases?: unknown }).listLeases === 'function',
);
const ledger = opt.custom(
  'a RunLedger (memoryLedger(), postgresLedger(pool)) or false',
  (v) => v === false || (typeof v === 'object' && v !== null && typeof (v as { record?: unknown }).record === 'function'),
);
const ruleOptions = opt.object(
  {
    successRateThreshold: RULE_FIELDS.successRateThreshold,
    successRateWindowSeconds: RULE_FIELDS.successRateWindowSeconds,
    minRuns: RULE_FIELDS.minRuns,
    throughputRatio: RULE_FIELDS.throughputRatio,
    baselineRuns: integerAtLeast(1, 'an integer ≥ 1', 100_000),
    minBaselineRuns: integerAtLeast(1, 'an integer ≥ 1', 100_000),
    consecutiveFailures: RULE_FIELDS.consecutiveFailures,
    retryRateThreshold: RULE_FIELDS.retryRateThreshold,
    retryRateWindowSeconds: RULE_FIELDS.retryRateWindowSeconds,
    utilizationStreakRuns: RULE_FIELDS.utilizationStreakRuns,
    recoveryRuns: RULE_FIELDS.recoveryRuns,
  },
  'false or an object { successRateThreshold?, successRateWindowSeconds?, minRuns?, throughputRatio?, baselineRuns?, minBaselineRuns?, consecutiveFailures?, retryRateThreshold?, retryRateWindowSeconds?, utilizationStreakRuns?, recoveryRuns? }',
);
const retryOptions = opt.object(
  {
    attempts: opt.integer('an integer from 1 to 100 (attempts in all, the first included)', (v) => v >= 1 && v <= 100),
    backoff: opt.oneOf(['exponential', 'fixed'] as const),
    baseMs: nonNegativeMs('a number of ms ≥ 0 (at most 10 years)'),
    maxMs: nonNegativeMs('a number of ms ≥ retry.baseMs (at most 10 years)'),
    jitter: opt.union(
      [opt.number('a number from 0 to 1', (v) => v >= 0 && v <= 1), opt.boolean()],
      'a number from 0 to 1, or true / false',
    ),
    retryOn: opt.function('a function (error, attempt) => boolean'),
  },
  'an object { attempts?, backoff?, baseMs?, maxMs?, jitter?, retryOn? }',
);

/** `withSla(name, fn, options)`. */
export const withSlaOptionsSchema = opt.object(
  {
    budgetSeconds: SLA_FIELDS.budgetSeconds,
    warningPercent: SLA_FIELDS.warningPercent,
    criticalPercent: SLA_FIELDS.criticalPercent,
    leases: leaseStore,
    leaseTtlMs: opt.integer('an integer number of ms ≥ 1000 (the lease is renewed every TTL/3)', (v) => v >= 1000 && v <= MAX_MS),
    hardTimeoutSeconds: positiveSeconds(),
    dryRun: opt.boolean(),
    telemetry: DUCK.telemetry,
    alerter: DUCK.alerter,
    logger: DUCK.logger,
    runbookUrl: runbookUrlOption(),
    recommendedAction: opt.string(),
    owner: opt.custom('a LeaseOwner { host, pid, id }', (v) => typeof v === 'object' && v !== null),
    leaseTimeoutMs: positiveMs(),
    clock: DUCK.clock,
    env: DUCK.env,
    ledger,
    rules: opt.falseOr(ruleOptions, 'false or an object of rule thresholds'),
    ledgerTimeoutMs: positiveMs(),
    retry: retryOptions,
    priority: SLA_FIELDS.priority,
    lateStartSeconds: SLA_FIELDS.lateStartSeconds,
    minDurationSeconds: SLA_FIELDS.minDurationSeconds,
    minIntervalSeconds: SLA_FIELDS.minIntervalSeconds,
    stallSeconds: SLA_FIELDS.stallSeconds,
  },
  'an options object { budgetSeconds, … }',
  { required: ['budgetSeconds'] },
);
/** The `rules` object of `withSla()` (validated with its own field names: `rules.minRuns`). */
export const ruleOptionsSchema = ruleOptions;

/** `schedule(cron, job, options)`. */
export const scheduleOptionsSchema = opt.object(
  {
    timezone: opt.string('an IANA time zone such as Europe/Paris'),
    graceSeconds: nonNegativeSeconds(),
    protect: opt.boolean(),
    alerter: DUCK.alerter,
    runbookUrl: runbookUrlOption(),
    telemetry: DUCK.telemetry,
    logger: DUCK.logger,
    clock: DUCK.clock,
    lastSuccessAt: opt.custom('a valid Date (e.g. await ledger.lastSuccess(job)) or undefined', (v) => v instanceof Date),
    watchdogIntervalMs: positiveMs(),
  },
  'an object of schedule options',
);

/** `watchQueue(name, options)`. */
export const watchQueueOptionsSchema = opt.object(
  {
    probe: opt.function('a function returning a QueueSnapshot'),
    intervalMs: positiveMs(),
    thresholds: opt.object(
      QUEUE_FIELDS,
      `an object { ${Object.keys(QUEUE_FIELDS)
        .map((k) => `${k}?`)
        .join(', ')} }`,
    ),
    alerter: DUCK.alerter,
    runbookUrl: runbookUrlOption(),
    telemetry: DUCK.telemetry,
    logger: DUCK.logger,
    clock: DUCK.clock,
    env: DUCK.env,
  },
  'an options object { probe, … }',
  { required: ['probe'] },
);

/** `postgresQueueProbe(pool, options)`. */
export const postgresQueueProbeOptionsSchema = opt.object(
  {
    table: opt.string('a table name like manual_resolution_queue or ops.queue (lower-case identifiers)'),
    idColumn: opt.string('a lower-case column name'),
    createdAtColumn: opt.string('a lower-case column name'),
    resolvedAtColumn: opt.string('a lower-case column name'),
    where: opt.string('an SQL condition'),
    slaHours: opt.number('a number of hours > 0', (v) => v > 0 && v <= 1e6),
    escalationHours: opt.number('a number of hours > 0', (v) => v > 0 && v <= 1e6),
  },
  'an options object { table, … }',
  { required: ['table'] },
);

/** `memoryLeases(options)`. */
export const memoryLeasesOptionsSchema = opt.object(
  { clock: DUCK.clock, maxKeys: integerAtLeast(1) },
  'an object { clock?, maxKeys? }',
);
/** `redisLeases(client, options)`. */
export const redisLeasesOptionsSchema = opt.object(
  {
    prefix: opt.string(),
    retentionMs: opt.integer('an integer number of ms > 0', (v) => v > 0 && v <= MAX_MS),
    clock: DUCK.clock,
  },
  'an object { prefix?, retentionMs?, clock? }',
);
/** `postgresLeases(pool, options)`. */
export const postgresLeasesOptionsSchema = opt.object(
  { table: opt.string('a table name like slakit_leases or ops.slakit_leases (lower-case identifiers)'), clock: DUCK.clock },
  'an object { table?, clock? }',
);
/** `postgresAdvisoryLeases(connect, options)`. */
export const postgresAdvisoryLeasesOptionsSchema = opt.object(
  {
    fenceTable: opt.string('a table name like slakit_fences (lower-case identifiers)'),
    clock: DUCK.clock,
  },
  'an object { fenceTable?, clock? }',
);
/** `memoryLedger(options)`. */
export const memoryLedgerOptionsSchema = opt.object(
  { maxRuns: integerAtLeast(1), now: DUCK.now },
  'an object { maxRuns?, now? }',
);
/** `postgresLedger(pool, options)`. */
export const postgresLedgerOptionsSchema = opt.object(
  { table: opt.string('a table name like slakit_job_runs (lower-case identifiers)') },
  'an object { table? }',
);
/** `pushgatewayPush(options)`. */
export const pushgatewayOptionsSchema = opt.object(
  {
    url: opt.string('an http(s) URL of a Pushgateway'),
    job: opt.text('a non-empty grouping job name'),
    grouping: DUCK.stringRecord('an object of label values'),
    headers: DUCK.stringRecord('an object of header values'),
    timeoutMs: opt.number('a number of ms > 0', (v) => v > 0),
  },
  'an options object { url, … }',
  { required: ['url'] },
);
/** `runOnce(job, options)`. */
export const runOnceOptionsSchema = opt.object(
  {
    telemetry: DUCK.telemetry,
    push: opt.function('a function (telemetry, result) => Promise (pushgatewayPush(...))'),
    input: opt.any(),
    run: opt.object(
      {
        scheduledAt: opt.custom('a valid Date', (v) => v instanceof Date && !Number.isNaN(v.getTime())),
        dryRun: opt.boolean(),
      },
      'an object { scheduledAt?, dryRun? }',
    ),
    deadlineMs: positiveMs(),
    ledger: opt.custom(
      'a RunLedger',
      (v) => typeof v === 'object' && v !== null && typeof (v as { recent?: unknown }).recent === 'function',
    ),
    minIntervalSeconds: nonNegativeSeconds(),
  },
  'an options object { telemetry, … }',
  { required: ['telemetry'] },
);
