import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Span } from '@opentelemetry/api';
import type { TelemetryContext } from '@slakit/core';
import { labelAttributes, labelCombination } from './labels.js';
import { METHOD_VALUES as METHODS, methodIndex as methodIndexOf } from './method.js';
import { IGNORE, type PathVerdict, SERVE_METRICS } from './path-filter.js';
import { type LogSetup, logRequest, type RequestIdSetup, readRequestId, shouldLog } from './request-log.js';
import { endRequestSpan, type RequestTrace, type TracingSetup, traceRequest } from './request-span.js';
import { thrownType } from './request-state.js';
import type { RouteMatch, RouteOf } from './route-match.js';
import { activeFor, durationFor, type SeriesCache, seriesFor, statusText } from './series.js';

/** A node:http-style `(req, res, next)` handler (Express middleware, the scrape endpoint). */
export type NodeMiddleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/** Everything the per-request path of the recorder uses, resolved once when an adapter is made. */
export interface RecorderSetup {
  readonly series: SeriesCache;
  /** Which paths are measured; undefined: all. */
  readonly pathFilter: ((url: string) => PathVerdict) | undefined;
  /** The scrape endpoint served by the recorder, if any. */
  readonly serveMetrics: NodeMiddleware | undefined;
  readonly tracing: TracingSetup | undefined;
  /** Activate slakit's span while the route runs. */
  readonly activate: TelemetryContext | undefined;
  readonly logging: LogSetup | undefined;
  /** Request ids; undefined: off. */
  readonly requestIds: RequestIdSetup | undefined;
  /** Read the incoming request id (it is logged or echoed). */
  readonly readsRequestId: boolean;
  readonly sloRecord: ((status: number, seconds: number, aborted: boolean) => void) | undefined;
}

/** What one request's end records, whatever the framework. */
export interface RequestEnd {
  readonly route: RouteMatch;
  /** Response status; 0 when no response head was sent. */
  readonly status: number;
  /** The response was ended by the app (false: the client went away first). */
  readonly finished: boolean;
  /** The class of an error a handler threw, if any. */
  readonly thrown: string | undefined;
  /** The object the per-request label hook is given. */
  readonly subject: unknown;
  /** Headers for the log line (`logging.headers`). */
  readonly req: Pick<IncomingMessage, 'headers'> | undefined;
}

/** A request being recorded (started by {@link startRequest}). */
export interface RequestStart {
  readonly start: number;
  readonly methodIndex: number;
  readonly https: boolean;
  readonly requestId: string | undefined;
  readonly traced: RequestTrace | undefined;
}

/**
 * Records an ended request: duration series, in-flight gauge, SLO view, span, log line. Framework-neutral: the
 * adapters only say which route it took and how it ended.
 */
export function endRequest(setup: RecorderSetup, started: RequestStart, end: RequestEnd): void {
  const { start, methodIndex, https, requestId, traced } = started;
  const { status, finished, thrown } = end;
  const seconds = (performance.now() - start) / 1000;
  const { series } = setup;
  activeFor(series, methodIndex, https).add(-1);
  const errorType = !finished
    ? 'aborted'
    : thrown !== undefined
      ? thrown
      : status >= 500
        ? statusText(series, status)
        : undefined;
  const rs = seriesFor(series, end.route.route, end.route.declared);
  const route = rs.route;
  const labels = series.labels;
  const combo = labels === undefined ? 0 : labelCombination(labels, end.subject);
  durationFor(series, rs, methodIndex, https, status, errorType, combo).record(seconds);
  if (setup.sloRecord !== undefined) setup.sloRecord(status, seconds, !finished);
  const method = METHODS[methodIndex] as string;
  if (traced !== undefined) {
    endRequestSpan(traced, method, route, status, errorType, status >= 500 || !finished || thrown !== undefined);
  }
  const logging = setup.logging;
  if (logging !== undefined && shouldLog(logging, status, finished, traced?.span)) {
    logRequest(logging, end.req, {
      method,
      route,
      status,
      seconds,
      finished,
      errorType,
      requestId,
      span: traced?.span,
      labels: labels === undefined ? undefined : labelAttributes(labels, combo),
    });
  }
}

/** The span of a request being recorded, if it has one (for adapters that record exceptions on it). */
export function startedSpan(started: RequestStart): Span | undefined {
  return started.traced?.span;
}

/** Starts recording a node:http request (counted in flight; request id read; span started or the host's enriched). */
export function startRequest<S>(
  setup: RecorderSetup,
  req: IncomingMessage,
  res: ServerResponse,
  routeOf: RouteOf<S>,
  subject: S,
): RequestStart {
  const start = performance.now();
  const methodIndex = methodIndexOf(req.method);
  const https = (req.socket as { encrypted?: boolean } | undefined)?.encrypted === true;
  activeFor(setup.series, methodIndex, https).add(1);
  const { requestIds, tracing } = setup;
  const requestId =
    setup.readsRequestId && requestIds
      ? readRequestId(requestIds, req.headers, (name, value) => res.setHeader(name, value))
      : undefined;
  const traced = tracing
    ? traceRequest(tracing, req, res, METHODS[methodIndex] as string, req.url ?? '/', https, routeOf, subject)
    : undefined;
  return { start, methodIndex, https, requestId, traced };
}

/** Whether a request is the scrape that the recorder serves (`metricsEndpoint`): adapters hand the response over first. */
export function servesScrape(setup: RecorderSetup, url: string): boolean {
  return setup.serveMetrics !== undefined && setup.pathFilter !== undefined && setup.pathFilter(url) === SERVE_METRICS;
}

/**
 * The recorder of every adapter on node's `IncomingMessage`/`ServerResponse` (Express, node:http, Fastify, Koa, Hono
 * on @hono/node-server), given the framework's request object (`subject`: what `routeOf` and the label hook read —
 * Fastify's `request`, Koa's `ctx`, Hono's `c`): path check, start, then the end on the response's 'close' (emitted
 * once per response: after 'finish', or when the client went away first). `next` runs inside the request span's
 * context (when activation is on) and its result is returned; `undefined` when the path is ignored or served as the
 * scrape (then `next` was called, or the scrape answered, already).
 */
export function createRecorder<S>(
  setup: RecorderSetup,
  routeOf: RouteOf<S>,
): <R>(subject: S, req: IncomingMessage, res: ServerResponse, next: () => R) => R {
  const { pathFilter, serveMetrics, activate } = setup;
  return function slakitRecord<R>(subject: S, req: IncomingMessage, res: ServerResponse, next: () => R): R {
    if (pathFilter !== undefined) {
      const verdict = pathFilter(req.url ?? '/');
      if (verdict === SERVE_METRICS && serveMetrics) {
        serveMetrics(req, res, next);
        return undefined as R;
      }
      if (verdict === IGNORE) return next();
    }
    const started = startRequest(setup, req, res, routeOf, subject);
    // A closure over the request's few values rather than state on `res` (extra properties would change the hidden
    // class of Node's response objects: measured slower).
    res.on('close', () => {
      // Ended by the app (not aborted): writableEnded, as pino-http; writableFinished would also wait for the socket's
      // buffer, which a pipelined next response may already fill.
      const finished = res.writableEnded;
      endRequest(setup, started, {
        route: routeOf(subject),
        status: finished || res.headersSent ? res.statusCode : 0,
        finished,
        thrown: thrownType(req),
        subject,
        req,
      });
    });
    const spanContext = started.traced?.context;
    if (spanContext !== undefined && activate !== undefined) return activate.with(spanContext, next);
    return next();
  };
}

/**
 * {@link createRecorder} for frameworks whose request object is node's `IncomingMessage` itself (node:http, Express):
 * `routeOf` and the label hook are given `req`.
 */
export function createNodeRecorder<Req extends IncomingMessage>(
  setup: RecorderSetup,
  routeOf: RouteOf<Req>,
): <R>(req: Req, res: ServerResponse, next: () => R) => R {
  const record = createRecorder(setup, routeOf);
  return function slakitRecordNode<R>(req: Req, res: ServerResponse, next: () => R): R {
    return record(req, req, res, next);
  };
}
