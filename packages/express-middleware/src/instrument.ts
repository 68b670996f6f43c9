import { createNodeRecorder, type HttpInstrumentOptions, type RouteMatch, resolveRecorderSetup, UNMATCHED } from '@slakit/http';
import { type ExpressRequestLike, routeTemplateInfo } from './route.js';
import type { Middleware } from './types.js';

export { DEFAULT_IGNORE_PATHS, OVERFLOW_ROUTE } from '@slakit/http';
export { errorRecorder, errorTypeOf } from './error-recorder.js';
export type { Middleware } from './types.js';

/** Options of {@link instrument}: every request instrument's ({@link HttpInstrumentOptions}), labels given the Express `req`. */
export type InstrumentOptions = HttpInstrumentOptions<ExpressRequestLike>;

/**
 * The route an Express request took. A template rebuilt from the app's declarations alone (the matched route's path
 * and its mount paths, parametrized ones as `:name`) is declared: never capped. A best-effort template (a mount no
 * chain accounts for, see `routeTemplateInfo`) may keep raw segments, so it counts against `maxRoutes`.
 */
function expressRoute(req: ExpressRequestLike): RouteMatch {
  // routeTemplateInfo() already is a { route, declared } match: no second cache look-up per request.
  return req.route ? routeTemplateInfo(req) : UNMATCHED;
}

/**
 * Express middleware (4 and 5) recording `http_server_request_duration_seconds` and `http_server_active_requests`
 * with route templates (never raw paths), enriching or creating one server span per request, and writing one
 * sampled log line per request. Mount it first: `app.use(instrument({ telemetry }))`; add `errorRecorder()` after
 * your routes to record thrown errors' types. Built on @slakit/http's framework-neutral recorder.
 *
 * @throws SlakitError `ERR_SLAKIT_INVALID_OPTION` for bad options
 */
export function instrument(options: InstrumentOptions): Middleware {
  const record: Middleware = createNodeRecorder<ExpressRequestLike>(resolveRecorderSetup(options), expressRoute);
  return record;
}
