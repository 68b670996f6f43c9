import type { IncomingMessage, ServerResponse } from 'node:http';
import { invalidOption, type Telemetry, validateOptions } from '@slakit/core';
import { urlPath } from './method.js';
import { metricsRouteOptionsSchema } from './options-schema.js';
import type { NodeMiddleware } from './request-recorder.js';

/** The scrape path of {@link metricsRoute} and `instrument({ metricsEndpoint: true })`. */
export const DEFAULT_METRICS_PATH = '/metrics';

/** Options of {@link metricsRoute}. */
export interface MetricsRouteOptions<Req extends IncomingMessage = IncomingMessage> {
  /** Path served; default `/metrics`. Other paths fall through to `next()`. */
  path?: string;
  /** Return false to refuse the scrape (403; 401 when the request has no `authorization` header). Default: allow all. */
  authorize?: (req: Req) => boolean | Promise<boolean>;
}

/**
 * Serves the telemetry's Prometheus text format at `/metrics`: `app.use(metricsRoute(telemetry))`, or
 * `app.get('/metrics', metricsRoute(telemetry))`. With `authorize`, refused scrapes get 401/403 and no metrics.
 * @throws SlakitError `ERR_SLAKIT_INVALID_OPTION` for bad options
 */
export function metricsRoute(telemetry: Telemetry, options: MetricsRouteOptions = {}): NodeMiddleware {
  validateOptions(metricsRouteOptionsSchema, options);
  return createMetricsRoute(telemetry, options, '');
}

/** metricsRoute() with option errors naming `<prefix>path` / `<prefix>authorize` (instrument's `metricsEndpoint.`). */
export function createMetricsRoute(telemetry: Telemetry, options: MetricsRouteOptions, prefix: string): NodeMiddleware {
  if (!telemetry || typeof telemetry.metricsHandler !== 'function') {
    throw invalidOption('telemetry', telemetry, 'the object returned by createTelemetry()');
  }
  if (options === null || typeof options !== 'object') {
    throw invalidOption(prefix ? prefix.slice(0, -1) : 'options', options, 'an object { path?, authorize? }');
  }
  const path = options.path ?? DEFAULT_METRICS_PATH;
  if (typeof path !== 'string' || !path.startsWith('/')) throw invalidOption(`${prefix}path`, path, 'a path starting with /');
  const authorize = options.authorize;
  if (authorize !== undefined && typeof authorize !== 'function')
    throw invalidOption(`${prefix}authorize`, authorize, 'a function (req) => boolean');
  const refuse = (req: IncomingMessage, res: ServerResponse) => {
    const status = req.headers.authorization ? 403 : 401;
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
    res.end(status === 401 ? 'authorization required\n' : 'forbidden\n');
  };
  return (req, res, next) => {
    if (urlPath(req.url ?? '/') !== path && (req as { path?: string }).path !== path) {
      next();
      return;
    }
    if (!authorize) {
      telemetry.metricsHandler(req, res);
      return;
    }
    Promise.resolve()
      .then(() => authorize(req))
      .then(
        (ok) => (ok === true ? telemetry.metricsHandler(req, res) : refuse(req, res)),
        () => refuse(req, res),
      );
  };
}
