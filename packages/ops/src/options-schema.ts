import { DUCK, opt } from '@slakit/core';

/**
 * Options schemas of @slakit/ops' factories (`createOps`/`opsRouter`, `createSloTracker`), built with core's `opt`
 * helpers. Each factory calls `validateOptions(<schema>, options)` first: unknown keys are `ERR_SLAKIT_UNKNOWN_OPTION`
 * with a did-you-mean, wrong types name the field.
 */

const authorize = opt.function('a function (req) => boolean');
const isObject = (v: unknown) => typeof v === 'object' && v !== null;
const slaJob = opt.custom(
  'a job returned by withSla()',
  (v) => typeof v === 'function' && typeof (v as { jobName?: unknown }).jobName === 'string',
);

/** `createOps(options)` and `opsRouter(options)`. */
export const opsRouterOptionsSchema = opt.object(
  {
    alerter: DUCK.alerter,
    ledger: opt.custom('a RunLedger (memoryLedger(), postgresLedger(pool))', isObject),
    health: opt.custom('the object returned by createHealth()', isObject),
    jobs: opt.union(
      [
        opt.array(slaJob, 'an array of jobs returned by withSla()'),
        opt.record(slaJob, 'an object of jobs returned by withSla()'),
      ],
      'an object or an array of jobs returned by withSla()',
    ),
    slo: opt.custom('a SloTracker (createSloTracker(config))', isObject),
    config: opt.custom('a config from defineConfig()', isObject),
    authorize,
    authorizeRead: authorize,
    allowedOrigins: opt.custom('an array of origins such as https://console.example.com', Array.isArray),
    prefix: opt.string('a path such as /ops'),
    logger: DUCK.logger,
  },
  'an object of ops router options',
);

/** `createSloTracker(config, options)`. */
export const sloTrackerOptionsSchema = opt.object(
  {
    retentionMinutes: opt.integer('an integer from 1 to 527040 (one year)', (v) => v >= 1 && v <= 527_040),
    clock: DUCK.clock,
  },
  'an object { retentionMinutes?, clock? }',
);
