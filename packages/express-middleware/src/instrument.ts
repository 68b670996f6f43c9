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
import type { SloRecorder as SloTracker } from '@slakit/core';
import {
  type BoundHistogram,
  type BoundSum,
  httpDurationBuckets,
  invalidOption,
  recordException,
  type Telemetry,
  validateOptions,
} from '@slakit/core';
import { createMetricsRoute, DEFAULT_METRICS_PATH, type MetricsRouteOptions } from './metrics-route.js';
import { instrumentOptionsSchema } from './options-schema.js';
import {
  type ExpressRequestLike,
  METHOD_VALUES as METHODS,
  methodIndex as methodIndexOf,
  routeTemplate,
  UNMATCHED_ROUTE,
  urlPath,
} from './route.js';

/** Default paths that are not measured: the metrics endpoint and the health probes. */
export const DEFAULT_IGNORE_PATHS: readonly string[] = Object.freeze([
  DEFAULT_METRICS_PATH,
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
    /**
     * Log request headers; default false. Bodies are never logged. The logger redacts every header whose name matches
     * the secret-key pattern of @slakit/core (`SECRET_KEY_PATTERN`: `authorization`, `cookie`, `x-api-key`,
     * `x-auth-token`, `x-amz-security-token`, `x-hub-signature-256`, `x-session-id`, …), not a fixed list.
     */
    headers?: boolean;
  };
  /**
   * Request ids in the request log lines: a valid incoming `x-request-id` (≤ 128 chars of `[A-Za-z0-9._:-]`) is
   * reused, otherwise one is generated (only for requests that are logged or echoed). `false` turns them off.
   * Default `{ header: 'x-request-id', responseHeader: false, generate: crypto.randomUUID }`.
   */
  requestId?:
    | false
    | {
        /** Incoming (and echoed) header name; default `x-request-id`. */
        header?: string;
        /**
         * Echo the request id in the response (generating one when the request has none); default false — each
         * extra response header costs a few % of throughput on small responses (bench/README.md).
         */
        responseHeader?: boolean;
        /** Id generator; default `crypto.randomUUID`. */
        generate?: () => string;
      };
  /**
   * Serve the Prometheus scrape endpoint from this middleware — like `metricsRoute()`, without a router layer of its
   * own that every request would pass (a few % of throughput on small responses, bench/README.md). `true` serves
   * `/metrics`; an object takes {@link MetricsRouteOptions} (`path`, `authorize`). Scrapes are never measured.
   * Default false (mount `metricsRoute()` yourself, or serve metrics on another port).
   */
  metricsEndpoint?: boolean | MetricsRouteOptions;
  /** Paths not measured (exact strings or RegExps); default {@link DEFAULT_IGNORE_PATHS}. */
  ignorePaths?: readonly (string | RegExp)[];
  /** Distinct route values at most; later new routes are recorded as `_overflow` (one warning log line); default 500. */
  maxRoutes?: number;
}

/** Express `(req, res, next)` middleware. */
export type Middleware = (req: ExpressRequestLike, res: ServerResponse, next: (err?: unknown) => void) => void;

/** Status codes as strings, made once (`error_type` of 5xx responses). */
const STATUS_TEXT: string[] = [];
const statusText = (status: number): string => (STATUS_TEXT[status] ??= String(status));

interface RouteSeries {
  route: string;
  /** (status, method, scheme) → series, for requests without an error type or with the 5xx status as error type. */
  byCode: Map<number, BoundHistogram>;
  /** Other error types (thrown, aborted). */
  byKey: Map<string, BoundHistogram>;
}

// Per-request state shared with errorRecorder(): WeakMaps rather than properties, so that requests keep their hidden
// class (and a lookup of an unrecorded request is a miss without a prototype-chain walk). Kept on globalThis so that
// the CommonJS and ESM builds, if both are loaded, see the same maps.
const shared = globalThis as unknown as Record<symbol, WeakMap<object, unknown> | undefined>;
// biome-ignore lint/suspicious/noAssignInExpressions: one shared map per process
const requestSpans = (shared[Symbol.for('slakit.http.requestSpans')] ??= new WeakMap()) as WeakMap<object, Span>;
// biome-ignore lint/suspicious/noAssignInExpressions: one shared map per process
const thrownTypes = (shared[Symbol.for('slakit.http.errorTypes')] ??= new WeakMap()) as WeakMap<object, string>;
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
  validateOptions(instrumentOptionsSchema, options);
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
  const endpoint = options.metricsEndpoint ?? false;
  if (typeof endpoint !== 'boolean' && (endpoint === null || typeof endpoint !== 'object')) {
    throw invalidOption('metricsEndpoint', endpoint, 'true, false or { path?, authorize? }');
  }
  const endpointOptions = endpoint === true ? {} : endpoint === false ? undefined : endpoint;
  const serveMetrics = endpointOptions && createMetricsRoute(telemetry, endpointOptions, 'metricsEndpoint.');
  const metricsPath = endpointOptions ? (endpointOptions.path ?? DEFAULT_METRICS_PATH) : undefined;
  // The path is looked at only when something depends on it (ignored paths, the scrape endpoint).
  const checkPath = ignore.length > 0 || metricsPath !== undefined;
  // A prefilter on (path length, second character) of the exact paths: most requests are ruled out without hashing
  // their path (a fresh string per request) for a Set lookup.
  const exactCandidates = new Uint8Array(64 * 128);
  const candidateIndex = (length: number, second: number) => (Math.min(length, 63) << 7) | (second & 127);
  for (const p of metricsPath === undefined ? ignoreExact : [...ignoreExact, metricsPath]) {
    exactCandidates[candidateIndex(p.length, p.charCodeAt(1) || 0)] = 1;
  }
  const rid = options.requestId === false ? undefined : (options.requestId ?? {});
  if (rid !== undefined) {
    if (rid === null || typeof rid !== 'object')
      throw invalidOption('requestId', rid, 'false or { header?, responseHeader?, generate? }');
    if (rid.header !== undefined && (typeof rid.header !== 'string' || !/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(rid.header))) {
      throw invalidOption('requestId.header', rid.header, 'an HTTP header name');
    }
    if (rid.responseHeader !== undefined && typeof rid.responseHeader !== 'boolean') {
      throw invalidOption('requestId.responseHeader', rid.responseHeader, 'true or false');
    }
    if (rid.generate !== undefined && typeof rid.generate !== 'function') {
      throw invalidOption('requestId.generate', rid.generate, 'a function () => string');
    }
  }
  const ridHeader = (rid?.header ?? 'x-request-id').toLowerCase();
  const ridResponse = rid?.responseHeader ?? false;
  const ridGenerate = rid?.generate ?? randomUUID;
  // The incoming id is read only when something uses it.
  const ridUsed = rid !== undefined && (loggingEnabled || ridResponse);

  const instruments = instrumentsFor(telemetry, httpDurationBuckets(options.slo?.latencyThresholdsSeconds ?? []));
  const sloRecord = typeof options.slo?.record === 'function' ? options.slo.record.bind(options.slo) : undefined;
  const overflow = instruments.overflow.bind({});
  const { tracer, logger, context, propagator } = telemetry;

  // Bound series are cached per route, then per (method, scheme, status) as one small integer: the hot path builds no
  // keys and allocates almost nothing. Other error types (thrown, aborted) use a string key (rare path).
  const series = new Map<string, RouteSeries>();
  let overflowSeries: RouteSeries | undefined;
  let warnedOverflow = false;
  const activeSeries: (BoundSum | undefined)[] = [];

  const seriesFor = (route: string): RouteSeries => {
    const known = series.get(route);
    if (known) return known;
    if (series.size < maxRoutes) {
      const created: RouteSeries = { route, byCode: new Map(), byKey: new Map() };
      series.set(route, created);
      return created;
    }
    overflow.add(1);
    if (!warnedOverflow) {
      warnedOverflow = true;
      logger.warn(
        { maxRoutes },
        `slakit http: more than ${maxRoutes} distinct routes; further routes are recorded as ${OVERFLOW_ROUTE}`,
      );
    }
    overflowSeries ??= { route: OVERFLOW_ROUTE, byCode: new Map(), byKey: new Map() };
    return overflowSeries;
  };

  const bindDuration = (method: string, https: boolean, route: string, status: number, errorType: string | undefined) => {
    const attrs: Attributes = { 'http.request.method': method, 'url.scheme': https ? 'https' : 'http', 'http.route': route };
    if (status > 0) attrs['http.response.status_code'] = status;
    if (errorType !== undefined) attrs['error.type'] = errorType;
    return instruments.duration.bind(attrs);
  };

  const durationFor = (
    rs: RouteSeries,
    methodIndex: number,
    https: boolean,
    status: number,
    errorType: string | undefined,
  ): BoundHistogram => {
    const method = METHODS[methodIndex] as string;
    // The common case (no error type, or the 5xx status as error type) is keyed by one integer.
    if (errorType === undefined || errorType === statusText(status)) {
      const code = (status * METHODS.length + methodIndex) * 2 + (https ? 1 : 0);
      let bound = rs.byCode.get(code);
      if (!bound) {
        bound = bindDuration(method, https, rs.route, status, errorType);
        rs.byCode.set(code, bound);
      }
      return bound;
    }
    const key = `${methodIndex} ${https} ${status} ${errorType}`;
    let bound = rs.byKey.get(key);
    if (!bound) {
      bound = bindDuration(method, https, rs.route, status, errorType);
      rs.byKey.set(key, bound);
    }
    return bound;
  };

  const activeFor = (methodIndex: number, https: boolean): BoundSum => {
    const i = methodIndex * 2 + (https ? 1 : 0);
    let bound = activeSeries[i];
    if (!bound) {
      bound = instruments.active.bind({
        'http.request.method': METHODS[methodIndex] as string,
        'url.scheme': https ? 'https' : 'http',
      });
      activeSeries[i] = bound;
    }
    return bound;
  };

  // Header names the propagator reads: when a request carries none of them, extraction is skipped.
  const propagationFields = propagator.fields().map((f) => f.toLowerCase());
  const carriesContext = (headers: ExpressRequestLike['headers']): boolean => {
    for (let i = 0; i < propagationFields.length; i++) {
      if (headers[propagationFields[i] as string] !== undefined) return true;
    }
    return false;
  };

  return function slakitInstrument(req, res, next) {
    const url = req.url ?? '/';
    if (checkPath) {
      const q = url.indexOf('?');
      const length = q === -1 ? url.length : q;
      if (exactCandidates[candidateIndex(length, url.charCodeAt(1) || 0)] === 1 || ignoreRegex.length > 0) {
        const path = urlPath(url);
        if (path === metricsPath && serveMetrics) {
          serveMetrics(req, res, next);
          return;
        }
        if (ignoreExact.has(path) || (ignoreRegex.length > 0 && ignoreRegex.some((r) => r.test(path)))) {
          next();
          return;
        }
      }
    }
    const start = performance.now();
    const methodIndex = methodIndexOf(req.method);
    const method = METHODS[methodIndex] as string;
    const https = (req.socket as { encrypted?: boolean } | undefined)?.encrypted === true;
    const active = activeFor(methodIndex, https);
    active.add(1);

    // The request id: the incoming one when valid; generated only when echoed or logged.
    let requestId: string | undefined;
    if (ridUsed) {
      const incoming = req.headers[ridHeader];
      if (typeof incoming === 'string' && VALID_REQUEST_ID.test(incoming)) requestId = incoming;
      if (ridResponse) {
        requestId ??= ridGenerate();
        res.setHeader(ridHeader, requestId);
      }
    }

    // Tracing: enrich the host's server span when one is active, otherwise start our own.
    let span: Span | undefined;
    let ownSpan = false;
    let spanContext: Context | undefined;
    if (tracingEnabled) {
      const activeContext = context.active();
      const current = activeContext === ROOT_CONTEXT ? undefined : trace.getSpan(activeContext);
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
        // Extraction is skipped when the request carries none of the propagator's headers (the common root request).
        const parent = carriesContext(req.headers)
          ? propagator.extract(ROOT_CONTEXT, req.headers, defaultTextMapGetter)
          : ROOT_CONTEXT;
        const parentSpan = parent === ROOT_CONTEXT ? undefined : trace.getSpanContext(parent);
        const hasParent = parentSpan !== undefined && isSpanContextValid(parentSpan);
        if (hasParent || sampleRatio >= 1 || (sampleRatio > 0 && Math.random() < sampleRatio)) {
          span = tracer.startSpan(
            method === '_OTHER' ? 'HTTP' : method,
            {
              kind: SpanKind.SERVER,
              attributes: {
                'http.request.method': method,
                'url.path': urlPath(url),
                'url.scheme': https ? 'https' : 'http',
              },
            },
            parent,
          );
          ownSpan = true;
          spanContext = trace.setSpan(parent, span);
          if (traceHeader) propagator.inject(spanContext, res, { set: (carrier, key, value) => carrier.setHeader(key, value) });
        }
      }
      if (span) requestSpans.set(req, span);
    }

    // 'close' is emitted once per response: after 'finish', or when the client went away first. A closure rather than
    // state on `res`: extra properties would change the hidden class of Node's response objects (measured slower).
    res.on('close', () => {
      // Ended by the app (not aborted): writableEnded, as pino-http; writableFinished would also wait for the socket's
      // buffer, which a pipelined next response may already fill.
      const finished = res.writableEnded;
      const seconds = (performance.now() - start) / 1000;
      active.add(-1);
      const status = finished || res.headersSent ? res.statusCode : 0;
      const thrown = thrownTypes.get(req);
      const errorType = !finished ? 'aborted' : thrown !== undefined ? thrown : status >= 500 ? statusText(status) : undefined;
      const rs = seriesFor(routeTemplate(req));
      const route = rs.route;
      durationFor(rs, methodIndex, https, status, errorType).record(seconds);
      if (sloRecord !== undefined) sloRecord(status, seconds, !finished);

      if (span !== undefined) {
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
        if (rid) line.request_id = requestId ?? ridGenerate();
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
 * Express error middleware that records the thrown error's class as `error_type` (and on the span, as an `exception`
 * event whose message and stack are scrubbed of secrets: URL credentials, `password=…`-style pairs, tokens — see
 * `recordException()` of @slakit/core), then passes the error on unchanged. Mount it after your routes:
 * `app.use(errorRecorder())`.
 */
export function errorRecorder(): (
  err: unknown,
  req: ExpressRequestLike,
  res: ServerResponse,
  next: (err?: unknown) => void,
) => void {
  return function slakitErrorRecorder(err, req, _res, next) {
    thrownTypes.set(req, errorTypeOf(err));
    const span = requestSpans.get(req);
    // Scrubbed of secrets (a driver's message may carry a DSN's password); any thrown value, not only Errors.
    if (span) recordException(span, err);
    next(err);
  };
}
