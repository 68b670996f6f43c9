import { DUCK, opt, unitRatio } from '@slakit/core';

/**
 * Options schemas of @slakit/express-middleware's factories (`instrument`, `metricsRoute`, `opsRouter`,
 * `errorHandler`, `createSloTracker`), built with core's `opt` helpers. Each factory calls `validateOptions(<schema>, options)` first:
 * unknown keys are `ERR_SLAKIT_UNKNOWN_OPTION` with a did-you-mean, wrong types name the field
 * (`ignorePaths must be an array of path strings or RegExps, got "/health"`).
 */

const authorize = opt.function('a function (req) => boolean');
const isObject = (v: unknown) => typeof v === 'object' && v !== null;
const slaJob = opt.custom(
  'a job returned by withSla()',
  (v) => typeof v === 'function' && typeof (v as { jobName?: unknown }).jobName === 'string',
);

/** `metricsRoute(telemetry, options)` and `instrument({ metricsEndpoint })`. */
export const metricsRouteOptionsSchema = opt.object(
  { path: opt.string('a path starting with /', (v) => v.startsWith('/')), authorize },
  'an object { path?, authorize? }',
);

/** `instrument(options)`. */
export const instrumentOptionsSchema = opt.object(
  {
    telemetry: DUCK.telemetry,
    // a tracker carries more methods than the two keys instrument reads: checked as an object only
    slo: opt.custom('a SloTracker (createSloTracker(config)) or { latencyThresholdsSeconds?, record? }', isObject),
    tracing: opt.object(
      { enabled: opt.boolean(), sampleRatio: unitRatio(), responseHeader: opt.boolean(), activateContext: opt.boolean() },
      'an object { enabled?, sampleRatio?, responseHeader?, activateContext? }',
    ),
    logging: opt.object(
      { enabled: opt.boolean(), sampleSuccess: unitRatio(), headers: opt.boolean() },
      'an object { enabled?, sampleSuccess?, headers? }',
    ),
    requestId: opt.falseOr(
      opt.object(
        {
          header: opt.string('an HTTP header name', (v) => /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(v)),
          responseHeader: opt.boolean(),
          generate: opt.function('a function () => string'),
        },
        'false or { header?, responseHeader?, generate? }',
      ),
      'false or { header?, responseHeader?, generate? }',
    ),
    metricsEndpoint: opt.union([opt.boolean(), metricsRouteOptionsSchema], 'true, false or { path?, authorize? }'),
    ignorePaths: opt.array(
      opt.custom('a path string or a RegExp', (v) => typeof v === 'string' || v instanceof RegExp),
      'an array of path strings or RegExps (e.g. ["/health"])',
    ),
    maxRoutes: opt.integer('an integer ≥ 1', (v) => v >= 1),
  },
  'an options object { telemetry, … }',
  { required: ['telemetry'] },
);

/** `opsRouter(options)`. */
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

/** `errorHandler(options)`. */
export const errorHandlerOptionsSchema = opt.object({ logger: DUCK.logger }, 'an object { logger? }');

/** `createSloTracker(config, options)`. */
export const sloTrackerOptionsSchema = opt.object(
  {
    retentionMinutes: opt.integer('an integer from 1 to 527040 (one year)', (v) => v >= 1 && v <= 527_040),
    clock: DUCK.clock,
  },
  'an object { retentionMinutes?, clock? }',
);
