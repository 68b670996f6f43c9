import type { FastifyPluginCallback, FastifyRequest } from 'fastify';
import { errorTypeOf } from './method.js';
import { type HttpInstrumentOptions, resolveRecorderSetup } from './options.js';
import { createRecorder, servesScrape } from './request-recorder.js';
import { setThrownType } from './request-state.js';
import { type RouteMatch, routeMatches, UNMATCHED } from './route-match.js';

/** Options of {@link fastifyInstrument}: every request instrument's, the label hook given the Fastify `request`. */
export type FastifyInstrumentOptions = HttpInstrumentOptions<FastifyRequest>;

const declared = routeMatches(true);

/** The route template Fastify matched (`routeOptions.url`, prefixes included); the 404 handler has none: unmatched. */
function fastifyRoute(request: FastifyRequest): RouteMatch {
  const url = request.routeOptions.url;
  return typeof url === 'string' ? declared(url) : UNMATCHED;
}

/**
 * Fastify 5 plugin recording `http_server_request_duration_seconds` / `http_server_active_requests` by route template
 * (`request.routeOptions.url`, with every `prefix`; the 404 handler → `unmatched`), one server span per request (or
 * the host's, enriched) and a sampled log line: `app.register(fastifyInstrument({ telemetry }))`. Errors a handler
 * throws are recorded by class as `error_type` (an `onError` hook). Like fastify-plugin's plugins it applies to the
 * whole app, not an encapsulated child context; it works with `app.inject()` too.
 * @throws SlakitError `ERR_SLAKIT_INVALID_OPTION` for bad options
 */
export function fastifyInstrument(options: FastifyInstrumentOptions): FastifyPluginCallback {
  const setup = resolveRecorderSetup(options);
  const record = createRecorder(setup, fastifyRoute);
  const serveMetrics = setup.serveMetrics;
  const plugin: FastifyPluginCallback = (app, _options, done) => {
    app.addHook('onRequest', (request, reply, next) => {
      if (serveMetrics !== undefined && servesScrape(setup, request.raw.url ?? '/')) {
        reply.hijack();
        serveMetrics(request.raw, reply.raw, () => undefined);
        return;
      }
      record(request, request.raw, reply.raw, next);
    });
    app.addHook('onError', (request, _reply, error, next) => {
      setThrownType(request.raw, errorTypeOf(error));
      next();
    });
    done();
  };
  // fastify-plugin's marker, without the dependency: the hooks apply to the app the plugin is registered on.
  return Object.assign(plugin, { [Symbol.for('skip-override')]: true });
}
