import type { Attributes } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_URL_SCHEME,
} from '@opentelemetry/semantic-conventions';
import {
  type BoundHistogram,
  type BoundSum,
  type FastHistogram,
  type FastSum,
  METRIC_CATALOGUE as M,
  type Telemetry,
} from '@slakit/core';
import { METHOD_VALUES as METHODS } from './route.js';

/** The route value used once `maxRoutes` distinct routes have been seen. */
export const OVERFLOW_ROUTE = '_overflow';

/** The bound duration series of one route. */
export interface RouteSeries {
  route: string;
  /** (status, method, scheme) → series, for requests without an error type or with the 5xx status as error type. */
  byCode: Map<number, BoundHistogram>;
  /** Other error types (thrown, aborted). */
  byKey: Map<string, BoundHistogram>;
}

/**
 * The bound series of one instrument() middleware: cached per route, then per (method, scheme, status) as one small
 * integer, so the hot path builds no keys and allocates almost nothing. Other error types (thrown, aborted) use a
 * string key (rare path).
 */
export interface SeriesCache {
  readonly duration: FastHistogram;
  readonly active: FastSum;
  readonly overflow: BoundSum;
  readonly maxRoutes: number;
  readonly warn: (fields: object, message: string) => void;
  readonly routes: Map<string, RouteSeries>;
  readonly activeSeries: (BoundSum | undefined)[];
  /** Status codes as strings, made once (`error_type` of 5xx responses). */
  readonly statusTexts: string[];
  overflowSeries: RouteSeries | undefined;
  warnedOverflow: boolean;
}

/** Creates the instruments (pre-bound: the SDK's per-call attribute hashing is a recorded request's largest cost). */
export function createSeriesCache(telemetry: Telemetry, buckets: number[], maxRoutes: number): SeriesCache {
  const { fast, logger } = telemetry;
  return {
    duration: fast.histogram(M.httpDuration.otel, {
      unit: M.httpDuration.unit,
      description: M.httpDuration.help,
      boundaries: buckets,
    }),
    // The catalogue's names are semconv's (`http.server.request.duration`; `http.server.active_requests`, incubating).
    active: fast.upDownCounter(M.httpActive.otel, { description: M.httpActive.help }),
    overflow: fast.counter(M.httpRouteOverflow.otel, { description: M.httpRouteOverflow.help }).bind({}),
    maxRoutes,
    warn: (fields, message) => logger.warn(fields, message),
    routes: new Map(),
    activeSeries: [],
    statusTexts: [],
    overflowSeries: undefined,
    warnedOverflow: false,
  };
}

/** A status code as a string (the `error_type` of a 5xx response), made once per code. */
export function statusText(cache: SeriesCache, status: number): string {
  // biome-ignore lint/suspicious/noAssignInExpressions: memoised per status code
  return (cache.statusTexts[status] ??= String(status));
}

/** The series of `route`, or of {@link OVERFLOW_ROUTE} once `maxRoutes` routes are known (warned once). */
export function seriesFor(cache: SeriesCache, route: string): RouteSeries {
  const known = cache.routes.get(route);
  if (known) return known;
  if (cache.routes.size < cache.maxRoutes) {
    const created: RouteSeries = { route, byCode: new Map(), byKey: new Map() };
    cache.routes.set(route, created);
    return created;
  }
  cache.overflow.add(1);
  if (!cache.warnedOverflow) {
    cache.warnedOverflow = true;
    const { maxRoutes } = cache;
    cache.warn(
      { maxRoutes },
      `slakit http: more than ${maxRoutes} distinct routes; further routes are recorded as ${OVERFLOW_ROUTE}`,
    );
  }
  cache.overflowSeries ??= { route: OVERFLOW_ROUTE, byCode: new Map(), byKey: new Map() };
  return cache.overflowSeries;
}

function bindDuration(
  cache: SeriesCache,
  method: string,
  https: boolean,
  route: string,
  status: number,
  errorType: string | undefined,
): BoundHistogram {
  const attrs: Attributes = {
    [ATTR_HTTP_REQUEST_METHOD]: method,
    [ATTR_URL_SCHEME]: https ? 'https' : 'http',
    [ATTR_HTTP_ROUTE]: route,
  };
  if (status > 0) attrs[ATTR_HTTP_RESPONSE_STATUS_CODE] = status;
  if (errorType !== undefined) attrs[ATTR_ERROR_TYPE] = errorType;
  return cache.duration.bind(attrs);
}

/** The duration series of (route, method, scheme, status, error type). */
export function durationFor(
  cache: SeriesCache,
  rs: RouteSeries,
  methodIndex: number,
  https: boolean,
  status: number,
  errorType: string | undefined,
): BoundHistogram {
  const method = METHODS[methodIndex] as string;
  // The common case (no error type, or the 5xx status as error type) is keyed by one integer.
  if (errorType === undefined || errorType === statusText(cache, status)) {
    const code = (status * METHODS.length + methodIndex) * 2 + (https ? 1 : 0);
    let bound = rs.byCode.get(code);
    if (!bound) {
      bound = bindDuration(cache, method, https, rs.route, status, errorType);
      rs.byCode.set(code, bound);
    }
    return bound;
  }
  const key = `${methodIndex} ${https} ${status} ${errorType}`;
  let bound = rs.byKey.get(key);
  if (!bound) {
    bound = bindDuration(cache, method, https, rs.route, status, errorType);
    rs.byKey.set(key, bound);
  }
  return bound;
}

/** The in-flight series of (method, scheme). */
export function activeFor(cache: SeriesCache, methodIndex: number, https: boolean): BoundSum {
  const i = methodIndex * 2 + (https ? 1 : 0);
  let bound = cache.activeSeries[i];
  if (!bound) {
    bound = cache.active.bind({
      [ATTR_HTTP_REQUEST_METHOD]: METHODS[methodIndex] as string,
      [ATTR_URL_SCHEME]: https ? 'https' : 'http',
    });
    cache.activeSeries[i] = bound;
  }
  return bound;
}
