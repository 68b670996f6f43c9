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
  type OpsAuthorize,
  type OpsHealth,
  type OpsJob,
  type OpsLedger,
  type OpsRouterOptions,
  type OpsRunRecord,
  opsRouter,
} from './ops.js';
export { OPS_CSRF_HEADER } from './ops-csrf.js';
export { type ExpressRequestLike, normalizeMethod, routeTemplate, UNMATCHED_ROUTE } from './route.js';
export { safeErrorCode } from './safe-error.js';
export { createSloTracker, type SloCompliance, type SloTracker, type SloTrackerOptions } from './slo-tracker.js';
