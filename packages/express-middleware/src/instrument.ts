import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import {
  type Attributes,
  type Context,
  defaultTextMapGetter,
  isSpanContextValid,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { type BoundHistogram, type BoundSum, httpDurationBuckets, invalidOption, type Telemetry } from '@slakit/core';
import { type ExpressRequestLike, normalizeMethod, routeTemplate, UNMATCHED_ROUTE } from './route.js';
import type { SloTracker } from './slo-tracker.js';

/** Default paths that are not measured: the metrics endpoint and the health probes. */
export const DEFAULT_IGNORE_PATHS: readonly string[] = Object.freeze([
  '/metrics',
  '/health',
  '/readiness',
  '/liveness',
  '/startup',
  '/health/readiness',
  '/health/liveness',
]);

/** The route value used once `maxRoutes` distinct routes have been seen. */
export const OVERFLOW_ROUTE = '_overflow';

/** Options of {@link instrument}. */
export interface InstrumentOptions {
  /** Telemetry from `createTelemetry()` (meter, tracer, logger, context, propagator). Required. */
  telemetry: Telemetry;
  /**
   * SLO latency thresholds in seconds, added to the histogram buckets (a p95 < 200 ms SLO → `[0.2]`); or an
   * in-process SLO view from `createSloTracker(config)`, which brings its thresholds and is fed every request.
   */
  slo?: { latencyThresholdsSeconds?: readonly number[]; record?: SloTracker['record'] };
  tracing?: {
    /** Create/enrich server spans; default true. */
    enabled?: boolean;
    /** Share of root requests (no sampled parent) that get a span, 0..1; default 1. Parents decide for their children. */
    sampleRatio?: number;
    /** Add a `traceparent` response header; default false. */
    responseHeader?: boolean;
    /**
     * Make slakit's span the active context while the route runs (handler logs carry its trace id, child spans
     * nest under it); default true. On Node 20 the first activation turns on AsyncLocalStorage's async hooks for the
     * whole process (a cost bench/README.md tries to measure; Node 24 uses AsyncContextFrame instead); `false`
     * keeps them off: spans and slakit's request logs are unchanged, but spans/logs made inside handlers are not
     * linked to the request span. Ignored when a host span is enriched (the host activated it).
     */
    activateContext?: boolean;
  };
  logging?: {
    /** One log line per request; default true. */
    enabled?: boolean;
    /** Share of 1xx/2xx/3xx requests logged, 0..1; default 0.1. 4xx and 5xx are always logged. */
    sampleSuccess?: number;
    /** Log request headers (redacted by the logger); default false. Bodies are never logged. */
    headers?: boolean;
  };
  /**
   * Request ids: reuse a valid incoming `x-request-id` (≤ 128 chars of `[A-Za-z0-9._:-]`) or generate one, and echo
   * it in the response. `false` turns it off. Default `{ header: 'x-request-id', responseHeader: true }`.
   */
  requestId?: false | { header?: string; responseHeader?: boolean; generate?: () => string };
  /** Paths not measured (exact strings or RegExps); default {@link DEFAULT_IGNORE_PATHS}. */
  ignorePaths?: readonly (string | RegExp)[];
  /** Distinct route values at most; later new routes are recorded as `_overflow` (one warning log line); default 500. */
  maxRoutes?: number;
}

/** Express `(req, res, next)` middleware. */
export type Middleware = (req: ExpressRequestLike, res: ServerResponse, next: (err?: unknown) => void) => void;

const ERROR_TYPE = Symbol.for('slakit.errorType');
const SPAN = Symbol.for('slakit.span');
const VALID_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

function instrumentsFor(telemetry: Telemetry, buckets: number[]) {
  // Pre-bound instruments: the SDK's per-call attribute hashing is the largest cost of a recorded request.
  return {
    duration: telemetry.fast.histogram('http.server.request.duration', {
      unit: 's',
      description: 'Duration of HTTP server requests.',
      boundaries: buckets,
    }),
    active: telemetry.fast.upDownCounter('http.server.active_requests', { description: 'HTTP server requests in flight.' }),
    overflow: telemetry.fast.counter('http.server.route_overflow', {
      description: 'Requests recorded under the overflow route because maxRoutes distinct routes were already seen.',
    }),
  };
}

/** A class name safe as a label value, else `Error`. */
export function errorTypeOf(error: unknown): string {
  const name = (error as { name?: unknown })?.name ?? (error as object | undefined)?.constructor?.name;
  return typeof name === 'string' && /^[A-Za-z_][A-Za-z0-9_.]{0,63}$/.test(name) ? name : 'Error';
}

function ratio(field: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw invalidOption(field, value, 'a number from 0 to 1');
  return value;
}

/**
 * Express middleware (4 and 5) recording `http_server_request_duration_seconds` and `http_server_active_requests`
 * with route templates (never raw paths), enriching or creating one server span per request, and writing one
 * sampled log line per request. Mount it first: `app.use(instrument({ telemetry }))`; add `errorRecorder()` after
 * your routes to record thrown errors' types.
 *
 * @throws SlakitError `ERR_SLAKIT_INVALID_OPTION` for bad options
 */
export function instrument(options: InstrumentOptions): Middleware {
  const telemetry = options?.telemetry;
  if (!telemetry || typeof telemetry.meter?.createHistogram !== 'function') {
    throw invalidOption('telemetry', telemetry, 'the object returned by createTelemetry()');
  }
  const maxRoutes = options.maxRoutes ?? 500;
  if (!Number.isInteger(maxRoutes) || maxRoutes < 1) throw invalidOption('maxRoutes', maxRoutes, 'an integer ≥ 1');
  const tracingEnabled = options.tracing?.enabled ?? true;
  const sampleRatio = ratio('tracing.sampleRatio', options.tracing?.sampleRatio, 1);
  const traceHeader = options.tracing?.responseHeader ?? false;
  const activateContext = options.tracing?.activateContext ?? true;
  if (typeof activateContext !== 'boolean') throw invalidOption('tracing.activateContext', activateContext, 'true or false');
  const loggingEnabled = options.logging?.enabled ?? true;
  const sampleSuccess = ratio('logging.sampleSuccess', options.logging?.sampleSuccess, 0.1);
  const logHeaders = options.logging?.headers ?? false;
  const ignore = options.ignorePaths ?? DEFAULT_IGNORE_PATHS;
  ignore.forEach((p, i) => {
    if (typeof p !== 'string' && !(p instanceof RegExp)) throw invalidOption(`ignorePaths[${i}]`, p, 'a path string or a RegExp');
  });
  const ignoreExact = new Set(ignore.filter((p): p is string => typeof p === 'string'));
  const ignoreRegex = ignore.filter((p): p is RegExp => p instanceof RegExp);
  const rid = options.requestId === false ? undefined : (options.requestId ?? {});
  const ridHeader = (rid?.header ?? 'x-request-id').toLowerCase();
  const ridResponse = rid?.responseHeader ?? true;
  const ridGenerate = rid?.generate ?? randomUUID;

  const instruments = instrumentsFor(telemetry, httpDurationBuckets(options.slo?.latencyThresholdsSeconds ?? []));
  const sloRecord = typeof options.slo?.record === 'function' ? options.slo.record.bind(options.slo) : undefined;
  const overflow = instruments.overflow.bind({});
  const { tracer, logger, context, propagator } = telemetry;

  // Bound series are cached per (method, scheme, route, status, error): the hot path allocates almost nothing.
  const durationCache = new Map<string, BoundHistogram>();
  const activeCache = new Map<string, BoundSum>();
  const routes = new Set<string>();
  let warnedOverflow = false;

  const capRoute = (route: string): string => {
    if (routes.has(route)) return route;
    if (routes.size < maxRoutes) {
      routes.add(route);
      return route;
    }
    overflow.add(1);
    if (!warnedOverflow) {
      warnedOverflow = true;
      logger.warn(
        { maxRoutes },
        `slakit http: more than ${maxRoutes} distinct routes; further routes are recorded as ${OVERFLOW_ROUTE}`,
      );
    }
    return OVERFLOW_ROUTE;
  };

  const durationFor = (
    method: string,
    scheme: string,
    route: string,
    status: number,
    errorType: string | undefined,
  ): BoundHistogram => {
    const key = `${method} ${scheme} ${route} ${status} ${errorType ?? ''}`;
    let bound = durationCache.get(key);
    if (!bound) {
      const attrs: Attributes = { 'http.request.method': method, 'url.scheme': scheme, 'http.route': route };
      if (status > 0) attrs['http.response.status_code'] = status;
      if (errorType !== undefined) attrs['error.type'] = errorType;
      bound = instruments.duration.bind(attrs);
      durationCache.set(key, bound);
    }
    return bound;
  };
  const activeFor = (method: string, scheme: string): BoundSum => {
    const key = `${method} ${scheme}`;
    let bound = activeCache.get(key);
    if (!bound) {
      bound = instruments.active.bind({ 'http.request.method': method, 'url.scheme': scheme });
      activeCache.set(key, bound);
    }
    return bound;
  };

  return function slakitInstrument(req, res, next) {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    if (ignoreExact.has(path) || (ignoreRegex.length > 0 && ignoreRegex.some((r) => r.test(path)))) {
      next();
      return;
    }
    const start = performance.now();
    const method = normalizeMethod(req.method);
    const scheme = (req.socket as { encrypted?: boolean } | undefined)?.encrypted ? 'https' : 'http';
    const activeSeries = activeFor(method, scheme);
    activeSeries.add(1);

    let requestId: string | undefined;
    if (rid) {
      const incoming = req.headers[ridHeader];
      requestId = typeof incoming === 'string' && VALID_REQUEST_ID.test(incoming) ? incoming : ridGenerate();
      if (ridResponse) res.setHeader(ridHeader, requestId);
    }

    // Tracing: enrich the host's server span when one is active, otherwise start our own.
    let span: Span | undefined;
    let ownSpan = false;
    let spanContext: Context | undefined;
    if (tracingEnabled) {
      const current = trace.getSpan(context.active());
      if (current?.isRecording()) {
        span = current;
        // The host ends its span when the response finishes, before 'close': name it while the handler responds.
        const hostSpan = current;
        const writeHead = res.writeHead;
        res.writeHead = function slakitWriteHead(this: ServerResponse, ...args: unknown[]) {
          const route = routeTemplate(req);
          hostSpan.setAttribute('http.route', route);
          hostSpan.updateName(route === UNMATCHED_ROUTE ? method : `${method} ${route}`);
          return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
        } as ServerResponse['writeHead'];
      } else {
        const parent = propagator.extract(ROOT_CONTEXT, req.headers, defaultTextMapGetter);
        const parentSpan = trace.getSpanContext(parent);
        const hasParent = parentSpan !== undefined && isSpanContextValid(parentSpan);
        if (hasParent || sampleRatio >= 1 || Math.random() < sampleRatio) {
          span = tracer.startSpan(
            method === '_OTHER' ? 'HTTP' : method,
            {
              kind: SpanKind.SERVER,
              attributes: { 'http.request.method': method, 'url.path': path, 'url.scheme': scheme },
            },
            parent,
          );
          ownSpan = true;
          spanContext = trace.setSpan(parent, span);
          if (traceHeader) propagator.inject(spanContext, res, { set: (carrier, key, value) => carrier.setHeader(key, value) });
        }
      }
      if (span) (req as unknown as Record<symbol, Span>)[SPAN] = span;
    }

    res.once('close', () => {
      const finished = res.writableFinished;
      const seconds = (performance.now() - start) / 1000;
      activeSeries.add(-1);
      const status = res.headersSent ? res.statusCode : 0;
      const thrown = (req as unknown as Record<symbol, string | undefined>)[ERROR_TYPE];
      const errorType = !finished ? 'aborted' : thrown !== undefined ? thrown : status >= 500 ? String(status) : undefined;
      const route = capRoute(routeTemplate(req));
      durationFor(method, scheme, route, status, errorType).record(seconds);
      sloRecord?.(status, seconds, !finished);

      if (span) {
        span.setAttribute('http.route', route);
        span.updateName(route === UNMATCHED_ROUTE ? method : `${method} ${route}`);
        if (ownSpan) {
          if (status > 0) span.setAttribute('http.response.status_code', status);
          if (errorType !== undefined) {
            span.setAttribute('error.type', errorType);
            if (status >= 500 || !finished || thrown !== undefined) span.setStatus({ code: SpanStatusCode.ERROR });
          }
          span.end();
        }
      }

      if (loggingEnabled && (status >= 400 || !finished || Math.random() < sampleSuccess)) {
        const line: Record<string, unknown> = {
          method,
          route,
          status,
          duration_ms: Math.round(seconds * 1e6) / 1000,
        };
        if (requestId !== undefined) line.request_id = requestId;
        if (errorType !== undefined) line.error_type = errorType;
        const sc = span?.spanContext();
        if (sc && isSpanContextValid(sc)) {
          line.trace_id = sc.traceId;
          line.span_id = sc.spanId;
        }
        if (logHeaders) line.headers = req.headers;
        const msg = `${method} ${route} ${status}`;
        if (status >= 500 || !finished) logger.error(line, msg);
        else if (status >= 400) logger.warn(line, msg);
        else logger.info(line, msg);
      }
    });

    if (spanContext && activateContext) context.with(spanContext, next);
    else next();
  };
}

/**
 * Express error middleware that records the thrown error's class as `error_type` (and on the span), then passes the
 * error on unchanged. Mount it after your routes: `app.use(errorRecorder())`.
 */
export function errorRecorder(): (
  err: unknown,
  req: ExpressRequestLike,
  res: ServerResponse,
  next: (err?: unknown) => void,
) => void {
  return function slakitErrorRecorder(err, req, _res, next) {
    const r = req as unknown as Record<symbol, unknown>;
    r[ERROR_TYPE] = errorTypeOf(err);
    const span = r[SPAN] as Span | undefined;
    if (span && err instanceof Error) span.recordException(err);
    next(err);
  };
}
