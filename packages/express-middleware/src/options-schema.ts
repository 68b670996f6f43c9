import { DUCK, opt } from '@slakit/core';

/**
 * Options schema of `errorHandler` (`instrument` and `metricsRoute` use @slakit/http's), built with core's `opt` helpers: unknown keys are `ERR_SLAKIT_UNKNOWN_OPTION` with a did-you-mean,
 * wrong types name the field.
 */

/** `errorHandler(options)`. */
export const errorHandlerOptionsSchema = opt.object({ logger: DUCK.logger }, 'an object { logger? }');
