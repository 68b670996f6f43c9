export { safeErrorCode } from '@slakit/core';
export { type ErrorHandlerBody, type ErrorHandlerOptions, errorHandler } from './error-handler.js';
export {
  DEFAULT_IGNORE_PATHS,
  errorRecorder,
  errorTypeOf,
  type InstrumentOptions,
  instrument,
  type Middleware,
  OVERFLOW_ROUTE,
} from './instrument.js';
export { type MetricsRouteOptions, metricsRoute } from './metrics-route.js';
export {
  type ExpressRequestLike,
  normalizeMethod,
  type RouteTemplateInfo,
  routeTemplate,
  routeTemplateInfo,
  UNMATCHED_ROUTE,
} from './route.js';
