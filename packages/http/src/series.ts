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
import { type LabelSetup, labelAttributes } from './labels.js';
import { METHOD_VALUES as METHODS } from './method.js';

/** The route value used once `maxRoutes` distinct routes have been seen. */
export const OVERFLOW_ROUTE = '_overflow';

/** The bound duration series of one route. */
export interface RouteSeries {
  route: string;
  /** Declared by the app (a route template it registered): never counted against `maxRoutes`. */
  declared: boolean;
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
  /** Custom labels (static and per request); undefined: none. */
  readonly labels: LabelSetup | undefined;
  /** Undeclared routes seen (the ones `maxRoutes` caps). */
  undeclared: number;
  readonly warn: (fields: object, message: string) => void;
  readonly routes: Map<string, RouteSeries>;
  readonly activeSeries: (BoundSum | undefined)[];
  /** Status codes as strings, made once (`error_type` of 5xx responses). */
  readonly statusTexts: string[];
  overflowSeries: RouteSeries | undefined;
  warnedOverflow: boolean;
}

/** Creates the instruments (pre-bound: the SDK's per-call attribute hashing is a recorded request's largest cost). */
export function createSeriesCache(telemetry: Telemetry, buckets: number[], maxRoutes: number, labels?: LabelSetup): SeriesCache {
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
    labels,
    undeclared: 0,
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

/**
 * The series of `route`. Routes the app declared (`declared`: a template it registered) always get their own;
 * others get their own until `maxRoutes` of them are known, then {@link OVERFLOW_ROUTE} (warned once) — so a flood of
 * undeclared values never starves the app's real routes.
 */
export function seriesFor(cache: SeriesCache, route: string, declared = false): RouteSeries {
  const known = cache.routes.get(route);
  if (known) return known;
  if (declared || cache.undeclared < cache.maxRoutes) {
    if (!declared) cache.undeclared++;
    const created: RouteSeries = { route, declared, byCode: new Map(), byKey: new Map() };
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
  cache.overflowSeries ??= { route: OVERFLOW_ROUTE, declared: false, byCode: new Map(), byKey: new Map() };
  return cache.overflowSeries;
}

function bindDuration(
  cache: SeriesCache,
  method: string,
  https: boolean,
  route: string,
  status: number,
  errorType: string | undefined,
  combo: number,
): BoundHistogram {
  const labels = cache.labels;
  const attrs: Attributes = labels ? labelAttributes(labels, combo) : {};
  attrs[ATTR_HTTP_REQUEST_METHOD] = method;
  attrs[ATTR_URL_SCHEME] = https ? 'https' : 'http';
  attrs[ATTR_HTTP_ROUTE] = route;
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
  combo = 0,
): BoundHistogram {
  const method = METHODS[methodIndex] as string;
  // The common case (no error type, or the 5xx status as error type) is keyed by one integer (custom label values
  // included as their combination's index).
  if (errorType === undefined || errorType === statusText(cache, status)) {
    const code = ((status * METHODS.length + methodIndex) * 2 + (https ? 1 : 0)) * (cache.labels?.combinations ?? 1) + combo;
    let bound = rs.byCode.get(code);
    if (!bound) {
      bound = bindDuration(cache, method, https, rs.route, status, errorType, combo);
      rs.byCode.set(code, bound);
    }
    return bound;
  }
  const key = `${methodIndex} ${https} ${status} ${errorType} ${combo}`;
  let bound = rs.byKey.get(key);
  if (!bound) {
    bound = bindDuration(cache, method, https, rs.route, status, errorType, combo);
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
      ...cache.labels?.static,
      [ATTR_HTTP_REQUEST_METHOD]: METHODS[methodIndex] as string,
      [ATTR_URL_SCHEME]: https ? 'https' : 'http',
    });
    cache.activeSeries[i] = bound;
  }
  return bound;
}
