import { DUCK, nonNegativeMs, type OptionSchema, opt, positiveMs } from '@slakit/core';

/**
 * Options schemas of @slakit/health's factories (`createHealth` and every check factory), built with core's
 * `opt` helpers: each factory calls `validateOptions(<schema>, options)` first, so unknown keys are
 * `ERR_SLAKIT_UNKNOWN_OPTION` with a did-you-mean and values are named as `createHealth`'s own checks name them.
 */

const ROLES = ['readiness', 'liveness', 'startup'] as const;

/** The options every check factory shares (`HealthCheck` without `run` and `kind`). */
const CHECK_FIELDS: Record<string, OptionSchema> = {
  roles: opt.array(opt.oneOf(ROLES), `a non-empty array of ${ROLES.join(', ')}`, { min: 1 }),
  severity: opt.oneOf(['critical', 'degraded'], 'critical or degraded'),
  ttlMs: positiveMs(),
  timeoutMs: positiveMs(),
  componentType: opt.string(),
  measurement: opt.string(),
};

const checkOptions = (extra: Record<string, OptionSchema>, what: string) =>
  opt.object({ ...CHECK_FIELDS, ...extra }, `an object of ${what} check options`);

const nonNegative = (accepted: string) => opt.number(accepted, (v) => v >= 0);

/** Options of each check factory, by factory name. */
export const CHECK_OPTION_SCHEMAS = {
  postgres: checkOptions(
    {
      requiredIndexes: opt.array(opt.text('an index name'), 'an array of index names'),
      requiredTables: opt.array(
        opt.object(
          { name: opt.text('a table name'), columns: opt.array(opt.text('a column name'), 'an array of column names') },
          'a table { name, columns? }',
          { required: ['name'] },
        ),
        'an array of tables { name, columns? }',
      ),
    },
    'postgres',
  ),
  redis: checkOptions({ lockRoundTrip: opt.boolean(), probeKey: opt.text('a non-empty key') }, 'redis'),
  http: checkOptions(
    {
      method: opt.string('an HTTP method such as GET', (v) => /^[A-Za-z]{1,20}$/.test(v)),
      headers: DUCK.stringRecord('an object of header values'),
      expectStatus: opt.union(
        [opt.integer('an HTTP status', (v) => v >= 100 && v <= 599), opt.function()],
        'an HTTP status (100–599) or a function (status) => boolean',
      ),
    },
    'http',
  ),
  env: checkOptions(
    {
      formats: opt.record(
        opt.custom('"url", "nonEmpty" or a RegExp', (v) => v === 'url' || v === 'nonEmpty' || v instanceof RegExp),
        'an object of formats by variable name',
      ),
      source: DUCK.env,
    },
    'env',
  ),
  eventLoopDelay: checkOptions(
    { warnMs: nonNegative('a number of ms ≥ 0'), failMs: nonNegative('a number of ms ≥ 0') },
    'eventLoopDelay',
  ),
  memory: checkOptions(
    {
      heapRatioWarn: opt.number('a ratio > 0 and ≤ 1', (v) => v > 0 && v <= 1),
      heapRatioFail: opt.number('a ratio > 0 and ≤ 1', (v) => v > 0 && v <= 1),
    },
    'memory',
  ),
  diskSpace: checkOptions({ minFreeBytes: nonNegative('a number of bytes ≥ 0') }, 'diskSpace'),
  staleLeases: checkOptions({ maxAgeSeconds: opt.number('a number of seconds > 0', (v) => v > 0), now: DUCK.now }, 'staleLeases'),
  custom: checkOptions({ kind: opt.oneOf(['dependency', 'local'], 'dependency or local') }, 'custom'),
} as const;

/** `createHealth(options)`. The checks themselves are validated by `resolveChecks` (names, roles, deadlines). */
export const healthOptionsSchema = opt.object(
  {
    checks: opt.custom(
      'an object of named checks, or an array of checks with a name',
      (v) => typeof v === 'object' && v !== null,
    ),
    version: opt.string(),
    releaseId: opt.string(),
    serviceId: opt.string(),
    description: opt.string(),
    endpointDeadlineMs: positiveMs(),
    authorize: opt.function('a function (req) => boolean'),
    authorizeHeaders: opt.array(
      opt.string('an HTTP header name', (v) => /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(v)),
      'an array of HTTP header names',
    ),
    telemetry: DUCK.telemetry,
    alerter: DUCK.alerter,
    failingForMs: nonNegativeMs(),
    logger: DUCK.logger,
    server: opt.client(['close'], 'a node:http Server'),
    handleSignals: opt.array(
      opt.string('a signal name like SIGTERM', (v) => /^SIG[A-Z0-9]+$/.test(v)),
      'an array of signal names like SIGTERM',
    ),
    drainDelayMs: positiveMs(),
    gracefulTimeoutMs: positiveMs(),
    onShutdown: opt.array(opt.function(), 'an array of functions'),
    hookTimeoutMs: positiveMs(),
    exitProcess: opt.boolean(),
    basePath: opt.string('a path such as /internal', (v) => v === '' || /^\/[A-Za-z0-9._~/-]*$/.test(v)),
    clock: DUCK.clock,
  },
  'an options object { checks, … }',
  { required: ['checks'] },
);
