import type { Context, Middleware } from 'koa';
import { errorTypeOf } from './method.js';
import { type HttpInstrumentOptions, resolveRecorderSetup } from './options.js';
import { createRecorder, servesScrape } from './request-recorder.js';
import { setThrownType } from './request-state.js';
import { type RouteMatch, routeMatches, UNMATCHED } from './route-match.js';

/** Options of {@link koaInstrument}: every request instrument's, the label hook given the Koa `ctx`. */
export type KoaInstrumentOptions = HttpInstrumentOptions<Context>;

const declared = routeMatches(true);

/** What `@koa/router` leaves on the context of a request one of its routes matched. */
interface RouterState {
  _matchedRoute?: string | RegExp;
}

/**
 * The template of the `@koa/router` route that matched (`ctx._matchedRoute`: the layer's full path, router prefixes
 * and `router.use('/prefix', nested.routes())` mounts included); no matched route → unmatched.
 */
function koaRoute(ctx: Context): RouteMatch {
  const route = (ctx as RouterState)._matchedRoute;
  if (typeof route === 'string') return declared(route);
  return route instanceof RegExp ? declared(String(route)) : UNMATCHED;
}

/**
 * Koa 3 middleware recording `http_server_request_duration_seconds` / `http_server_active_requests` by the route
 * template `@koa/router` matched (prefixed and nested routers included; none → `unmatched`), one server span per
 * request (or the host's, enriched) and a sampled log line. Mount it first: `app.use(koaInstrument({ telemetry }))`.
 * An error thrown downstream is recorded by class as `error_type` and rethrown, unchanged, to Koa's error handling.
 * @throws SlakitError `ERR_SLAKIT_INVALID_OPTION` for bad options
 */
export function koaInstrument(options: KoaInstrumentOptions): Middleware {
  const setup = resolveRecorderSetup(options);
  const record = createRecorder(setup, koaRoute);
  const serveMetrics = setup.serveMetrics;
  return function slakitKoa(ctx, next) {
    const { req, res } = ctx;
    if (serveMetrics !== undefined && servesScrape(setup, req.url ?? '/')) {
      ctx.respond = false;
      serveMetrics(req, res, () => undefined);
      return Promise.resolve();
    }
    return record(ctx, req, res, async () => {
      try {
        await next();
      } catch (error) {
        setThrownType(req, errorTypeOf(error));
        throw error;
      }
    });
  };
}
