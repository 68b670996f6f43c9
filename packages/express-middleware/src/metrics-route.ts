import type { Telemetry } from '@slakit/core';
import { type MetricsRouteOptions as NodeMetricsRouteOptions, metricsRoute as nodeMetricsRoute } from '@slakit/http';
import type { ExpressRequestLike } from './route.js';
import type { Middleware } from './types.js';

/** Options of {@link metricsRoute}. */
export type MetricsRouteOptions = NodeMetricsRouteOptions<ExpressRequestLike>;

/**
 * Serves the telemetry's Prometheus text format at `/metrics`: `app.use(metricsRoute(telemetry))`, or
 * `app.get('/metrics', metricsRoute(telemetry))`. With `authorize`, refused scrapes get 401/403 and no metrics.
 * @throws SlakitError `ERR_SLAKIT_INVALID_OPTION` for bad options
 */
export function metricsRoute(telemetry: Telemetry, options: MetricsRouteOptions = {}): Middleware {
  return nodeMetricsRoute(telemetry, options as NodeMetricsRouteOptions);
}
