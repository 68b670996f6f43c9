import type { IncomingMessage, ServerResponse } from 'node:http';
import { invalidOption, opt } from '@slakit/core';
import { errorTypeOf } from './method.js';
import { type HttpInstrumentOptions, resolveRecorderSetup } from './options.js';
import { instrumentSchema } from './options-schema.js';
import { createNodeRecorder } from './request-recorder.js';
import { setThrownType } from './request-state.js';
import { type RouteResolver, resolveRoutes } from './routes.js';

/** Options of {@link instrumented}: the common ones and the route resolver. */
export interface NodeInstrumentOptions extends HttpInstrumentOptions<IncomingMessage> {
  /**
   * How a request's `http_route` is found: route patterns (`["/users/:id", "/files/*"]`, find-my-way's syntax as
   * Fastify's; the matched pattern is the route, never capped), or a function `(req) => template | undefined` (its
   * values count against `maxRoutes`; throwing or non-string → `unmatched`). Default: every request `unmatched`.
   */
  routes?: RouteResolver;
}

const NODE_SCHEMA = instrumentSchema({
  routes: opt.custom(
    'an array of route patterns (["/users/:id"]) or a function (req) => route',
    (v) => Array.isArray(v) || typeof v === 'function',
  ),
});

/** A node:http request handler. */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => unknown;

/**
 * Instruments a plain node:http handler: `http.createServer(instrumented(handler, { telemetry, routes }))`. Records
 * `http_server_request_duration_seconds` / `http_server_active_requests` with the resolved route template, one server
 * span per request (or enriches the host's, e.g. OpenTelemetry's http instrumentation), and a sampled log line. A
 * handler that throws synchronously or rejects gets its error's class as `error_type`; the error is passed on as
 * before (thrown or rejected to the caller), never swallowed.
 * @throws SlakitError `ERR_SLAKIT_INVALID_OPTION` for bad options
 */
export function instrumented<H extends NodeHandler>(handler: H, options: NodeInstrumentOptions): H {
  if (typeof handler !== 'function') throw invalidOption('handler', handler, 'a function (req, res) => …');
  const setup = resolveRecorderSetup(options, NODE_SCHEMA);
  const record = createNodeRecorder(setup, resolveRoutes(options.routes));
  const wrapped = function slakitInstrumented(this: unknown, req: IncomingMessage, res: ServerResponse) {
    return record(req, res, () => {
      try {
        const result = handler.call(this, req, res);
        if (result !== null && typeof (result as Promise<unknown>)?.then === 'function') {
          // Observed, not handled: the returned promise still rejects for the caller as before.
          (result as Promise<unknown>).then(undefined, (error: unknown) => setThrownType(req, errorTypeOf(error)));
        }
        return result;
      } catch (error) {
        setThrownType(req, errorTypeOf(error));
        throw error;
      }
    });
  };
  return wrapped as H;
}
