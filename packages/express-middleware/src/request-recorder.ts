import type { ServerResponse } from 'node:http';
import type { TelemetryContext } from '@slakit/core';
import { IGNORE, type PathVerdict, SERVE_METRICS } from './path-filter.js';
import { type LogSetup, logRequest, type RequestIdSetup, readRequestId, shouldLog } from './request-log.js';
import { endRequestSpan, type RequestTrace, type TracingSetup, traceRequest } from './request-span.js';
import { thrownType } from './request-state.js';
import { type ExpressRequestLike, METHOD_VALUES as METHODS, methodIndex as methodIndexOf, routeTemplate } from './route.js';
import { activeFor, durationFor, type SeriesCache, seriesFor, statusText } from './series.js';
import type { Middleware } from './types.js';

/** Everything the per-request path of instrument() uses, resolved once when the middleware is made. */
export interface RecorderSetup {
  readonly series: SeriesCache;
  /** Which paths are measured; undefined: all. */
  readonly pathFilter: ((url: string) => PathVerdict) | undefined;
  /** The scrape endpoint served by the middleware, if any. */
  readonly serveMetrics: Middleware | undefined;
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

/**
 * Records a finished (or aborted) request: duration series, in-flight gauge, SLO view, span, log line. Runs on the
 * response's 'close', emitted once per response: after 'finish', or when the client went away first.
 */
function finishRequest(
  setup: RecorderSetup,
  req: ExpressRequestLike,
  res: ServerResponse,
  start: number,
  methodIndex: number,
  https: boolean,
  requestId: string | undefined,
  traced: RequestTrace | undefined,
): void {
  // Ended by the app (not aborted): writableEnded, as pino-http; writableFinished would also wait for the socket's
  // buffer, which a pipelined next response may already fill.
  const finished = res.writableEnded;
  const seconds = (performance.now() - start) / 1000;
  const { series } = setup;
  activeFor(series, methodIndex, https).add(-1);
  const status = finished || res.headersSent ? res.statusCode : 0;
  const thrown = thrownType(req);
  const errorType = !finished
    ? 'aborted'
    : thrown !== undefined
      ? thrown
      : status >= 500
        ? statusText(series, status)
        : undefined;
  const rs = seriesFor(series, routeTemplate(req));
  const route = rs.route;
  durationFor(series, rs, methodIndex, https, status, errorType).record(seconds, traced?.span.spanContext());
  if (setup.sloRecord !== undefined) setup.sloRecord(status, seconds, !finished);
  const method = METHODS[methodIndex] as string;
  if (traced !== undefined) {
    endRequestSpan(traced, method, route, status, errorType, status >= 500 || !finished || thrown !== undefined);
  }
  const logging = setup.logging;
  if (logging !== undefined && shouldLog(logging, status, finished)) {
    logRequest(logging, req, { method, route, status, seconds, finished, errorType, requestId, span: traced?.span });
  }
}

/** The middleware of instrument(): path check, then start of the request's recording, finished on 'close'. */
export function createRequestRecorder(setup: RecorderSetup): Middleware {
  const { pathFilter, serveMetrics, tracing, activate, series, requestIds, readsRequestId } = setup;
  return function slakitInstrument(req, res, next) {
    const url = req.url ?? '/';
    if (pathFilter !== undefined) {
      const verdict = pathFilter(url);
      if (verdict === SERVE_METRICS && serveMetrics) {
        serveMetrics(req, res, next);
        return;
      }
      if (verdict === IGNORE) {
        next();
        return;
      }
    }
    const start = performance.now();
    const methodIndex = methodIndexOf(req.method);
    const https = (req.socket as { encrypted?: boolean } | undefined)?.encrypted === true;
    activeFor(series, methodIndex, https).add(1);
    const requestId = readsRequestId && requestIds ? readRequestId(requestIds, req, res) : undefined;
    const traced = tracing ? traceRequest(tracing, req, res, METHODS[methodIndex] as string, url, https) : undefined;
    // A closure over the request's few values rather than state on `res` (extra properties would change the hidden
    // class of Node's response objects: measured slower) or an object per request.
    res.on('close', () => finishRequest(setup, req, res, start, methodIndex, https, requestId, traced));
    const spanContext = traced?.context;
    if (spanContext !== undefined && activate !== undefined) activate.with(spanContext, next);
    else next();
  };
}
