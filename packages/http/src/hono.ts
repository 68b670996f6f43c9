import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { endFetchRequest, fetchRequestContext, startFetchRequest } from './fetch-recorder.js';
import { errorTypeOf } from './method.js';
import { type HttpInstrumentOptions, resolveRecorderSetup } from './options.js';
import { createRecorder, servesScrape } from './request-recorder.js';
import { setThrownType } from './request-state.js';
import { type RouteMatch, routeMatches, UNMATCHED } from './route-match.js';

/** Options of {@link honoInstrument}: every request instrument's, the label hook given the Hono context `c`. */
export type HonoInstrumentOptions = HttpInstrumentOptions<Context>;

/** The node bindings @hono/node-server passes as `c.env`. */
interface NodeBindings {
  incoming?: IncomingMessage;
  outgoing?: ServerResponse;
}

const declared = routeMatches(true);
/** @hono/node-server's marker of a response written to `outgoing` directly (its `RESPONSE_ALREADY_SENT`). */
const ALREADY_SENT_HEADER = 'x-hono-already-sent';

/**
 * The template of the handler that answered: the matched route at `c.req.routeIndex` (the last one dispatched, sub-app
 * `app.route()` paths included). When that is a middleware (`app.use`, method ALL with a wildcard path — the request
 * ran past every handler into the not-found handler), the request is unmatched.
 */
function honoRoute(c: Context): RouteMatch {
  const route = c.req.matchedRoutes[c.req.routeIndex];
  if (route === undefined || (route.method === 'ALL' && route.path.endsWith('*'))) return UNMATCHED;
  return declared(route.path);
}

/**
 * Hono 4 middleware recording `http_server_request_duration_seconds` / `http_server_active_requests` by the template
 * of the route that answered (`/users/:id`, sub-app paths included; the not-found handler → `unmatched`), one server
 * span per request and a sampled log line. Mount it first: `app.use(honoInstrument({ telemetry }))`. On
 * @hono/node-server (`c.env.incoming/outgoing`) it records on node's response like every node adapter (duration to
 * the response's end, aborted requests); elsewhere on the fetch API's `Request`/`Response` (duration to the
 * `Response`, `traceparent` read from the request's headers). Errors handled by `app.onError` are recorded by class
 * (`c.error`). `metricsEndpoint` is served on @hono/node-server only.
 * @throws SlakitError `ERR_SLAKIT_INVALID_OPTION` for bad options
 */
export function honoInstrument(options: HonoInstrumentOptions): MiddlewareHandler {
  const setup = resolveRecorderSetup(options);
  const record = createRecorder(setup, honoRoute);
  const { serveMetrics, activate } = setup;
  return async function slakitHono(c, next) {
    const { incoming, outgoing } = (c.env ?? {}) as NodeBindings;
    if (incoming !== undefined && outgoing !== undefined && typeof outgoing.on === 'function') {
      if (serveMetrics !== undefined && servesScrape(setup, incoming.url ?? '/')) {
        serveMetrics(incoming, outgoing, () => undefined);
        return new Response(null, { headers: { [ALREADY_SENT_HEADER]: 'true' } });
      }
      await record(c, incoming, outgoing, next);
      if (c.error !== undefined) setThrownType(incoming, errorTypeOf(c.error));
      return;
    }
    const started = startFetchRequest(setup, c.req.raw);
    if (started === undefined) return next();
    const context = fetchRequestContext(setup, started);
    let thrown: string | undefined;
    try {
      await (context !== undefined && activate !== undefined ? activate.with(context, next) : next());
    } catch (error) {
      // not an Error (Hono's compose hands Errors to app.onError): rethrown, recorded without a response
      thrown = errorTypeOf(error);
      throw error;
    } finally {
      endFetchRequest(setup, started, thrown === undefined ? c.res : undefined, {
        route: honoRoute(c),
        thrown: thrown ?? (c.error === undefined ? undefined : errorTypeOf(c.error)),
        subject: c,
      });
    }
  };
}
