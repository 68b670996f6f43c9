import { DUCK, type OptionSchema, opt, unitRatio } from '@slakit/core';

/**
 * Options schemas of the request instruments (every adapter) and `metricsRoute`, built with core's `opt` helpers.
 * Each factory calls `validateOptions(<schema>, options)` first:
 * unknown keys are `ERR_SLAKIT_UNKNOWN_OPTION` with a did-you-mean, wrong types name the field
 * (`ignorePaths must be an array of path strings or RegExps, got "/health"`).
 */

const authorize = opt.function('a function (req) => boolean');
const isObject = (v: unknown) => typeof v === 'object' && v !== null;

/** `metricsRoute(telemetry, options)` and `instrument({ metricsEndpoint })`. */
export const metricsRouteOptionsSchema = opt.object(
  { path: opt.string('a path starting with /', (v) => v.startsWith('/')), authorize },
  'an object { path?, authorize? }',
);

/** The fields every request instrument accepts (adapters add their own, e.g. node:http's `routes`). */
export const instrumentOptionsShape = {
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
  // checked in full by resolveLabels() (names, caps, combinations)
  labels: opt.custom('an object { static?, request? }', isObject),
};

/** The options schema of a request instrument: the common fields and the adapter's own. */
export function instrumentSchema(extra: Record<string, OptionSchema> = {}): OptionSchema {
  return opt.object({ ...instrumentOptionsShape, ...extra }, 'an options object { telemetry, … }', {
    required: ['telemetry'],
  });
}
