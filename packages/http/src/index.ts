export {
  endFetchRequest,
  type FetchRequestEnd,
  type FetchRequestStart,
  fetchRequestContext,
  startFetchRequest,
} from './fetch-recorder.js';
export { type CustomLabelsOptions, MAX_LABEL_COMBINATIONS, type RequestLabelLimit } from './labels.js';
export {
  errorTypeOf,
  HTTP_METHODS,
  METHOD_VALUES,
  methodIndex,
  normalizeMethod,
  UNMATCHED_ROUTE,
  urlPath,
} from './method.js';
export { createMetricsRoute, DEFAULT_METRICS_PATH, type MetricsRouteOptions, metricsRoute } from './metrics-route.js';
export { instrumented, type NodeHandler, type NodeInstrumentOptions } from './node.js';
export { DEFAULT_IGNORE_PATHS, type HttpInstrumentOptions, resolveRecorderSetup } from './options.js';
export { instrumentSchema } from './options-schema.js';
export { traceIdShare } from './request-log.js';
export {
  createNodeRecorder,
  createRecorder,
  endRequest,
  type NodeMiddleware,
  type RecorderSetup,
  type RequestEnd,
  type RequestStart,
  servesScrape,
  startedSpan,
  startRequest,
} from './request-recorder.js';
export { requestSpan, setRequestSpan, setThrownType, thrownType } from './request-state.js';
export { type RouteMatch, type RouteOf, routeMatches, UNMATCHED } from './route-match.js';
export type { RouteResolver } from './routes.js';
export { OVERFLOW_ROUTE } from './series.js';
