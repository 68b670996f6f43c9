import { randomUUID } from 'node:crypto';
import type { SloRecorder as SloTracker } from '@slakit/core';
import { httpDurationBuckets, invalidOption, type OptionSchema, type Telemetry, validateOptions } from '@slakit/core';
import { type CustomLabelsOptions, resolveLabels } from './labels.js';
import { createMetricsRoute, DEFAULT_METRICS_PATH, type MetricsRouteOptions } from './metrics-route.js';
import { instrumentSchema } from './options-schema.js';
import { createPathFilter } from './path-filter.js';
import type { LogSetup, RequestIdSetup } from './request-log.js';
import type { RecorderSetup } from './request-recorder.js';
import { createTracingSetup } from './request-span.js';
import { createSeriesCache } from './series.js';

const DEFAULT_SCHEMA = instrumentSchema();

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

/**
 * Options of every slakit request instrument (Express `instrument()`, node:http `instrumented()`, the Fastify plugin,
 * the Koa and Hono middleware).
 * @typeParam Req what the per-request label hook (`labels.request.values`) is given: the framework's request object.
 */
export interface HttpInstrumentOptions<Req = unknown> {
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
  /**
   * Distinct undeclared route values at most (values a route resolver built from raw paths); later new ones are
   * recorded as `_overflow` (counted, one warning log line). Routes the app declared are never capped. Default 500.
   */
  maxRoutes?: number;
  /** Custom labels, bounded: static ones, and per-request ones from an allow-list with value caps. Default none. */
  labels?: CustomLabelsOptions<Req>;
}

function ratio(field: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw invalidOption(field, value, 'a number from 0 to 1');
  return value;
}

function resolveRequestIds(option: HttpInstrumentOptions['requestId']): RequestIdSetup | undefined {
  if (option === false) return undefined;
  const rid = option ?? {};
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
  return {
    header: (rid.header ?? 'x-request-id').toLowerCase(),
    responseHeader: rid.responseHeader ?? false,
    generate: rid.generate ?? randomUUID,
  };
}

function resolveIgnorePaths(ignore: readonly (string | RegExp)[]): readonly (string | RegExp)[] {
  ignore.forEach((p, i) => {
    if (typeof p !== 'string' && !(p instanceof RegExp)) throw invalidOption(`ignorePaths[${i}]`, p, 'a path string or a RegExp');
  });
  return ignore;
}

/** The scrape endpoint served by instrument() itself (`metricsEndpoint`), and its path. */
function resolveEndpoint(telemetry: Telemetry, endpoint: HttpInstrumentOptions['metricsEndpoint']) {
  const option = endpoint ?? false;
  if (typeof option !== 'boolean' && (option === null || typeof option !== 'object')) {
    throw invalidOption('metricsEndpoint', option, 'true, false or { path?, authorize? }');
  }
  const endpointOptions = option === true ? {} : option === false ? undefined : option;
  if (!endpointOptions) return { serveMetrics: undefined, metricsPath: undefined };
  const serveMetrics = createMetricsRoute(telemetry, endpointOptions, 'metricsEndpoint.');
  return { serveMetrics, metricsPath: endpointOptions.path ?? DEFAULT_METRICS_PATH };
}

/**
 * Validates a request instrument's options and resolves their defaults into what the request path uses (adapters
 * call it once, when they are made).
 * @throws SlakitError `ERR_SLAKIT_INVALID_OPTION` / `ERR_SLAKIT_UNKNOWN_OPTION` for bad options
 */
export function resolveRecorderSetup<Req>(
  options: HttpInstrumentOptions<Req>,
  schema: OptionSchema = DEFAULT_SCHEMA,
): RecorderSetup {
  validateOptions(schema, options);
  const telemetry = options?.telemetry;
  if (!telemetry || typeof telemetry.meter?.createHistogram !== 'function') {
    throw invalidOption('telemetry', telemetry, 'the object returned by createTelemetry()');
  }
  const maxRoutes = options.maxRoutes ?? 500;
  if (!Number.isInteger(maxRoutes) || maxRoutes < 1) throw invalidOption('maxRoutes', maxRoutes, 'an integer ≥ 1');
  const tracingEnabled = options.tracing?.enabled ?? true;
  const sampleRatio = ratio('tracing.sampleRatio', options.tracing?.sampleRatio, 1);
  const activateContext = options.tracing?.activateContext ?? true;
  if (typeof activateContext !== 'boolean') throw invalidOption('tracing.activateContext', activateContext, 'true or false');
  const loggingEnabled = options.logging?.enabled ?? true;
  const sampleSuccess = ratio('logging.sampleSuccess', options.logging?.sampleSuccess, 0.1);
  const ignore = resolveIgnorePaths(options.ignorePaths ?? DEFAULT_IGNORE_PATHS);
  const { serveMetrics, metricsPath } = resolveEndpoint(telemetry, options.metricsEndpoint);
  const requestIds = resolveRequestIds(options.requestId);
  const logging: LogSetup | undefined = loggingEnabled
    ? { logger: telemetry.logger, sampleSuccess, headers: options.logging?.headers ?? false, requestId: requestIds }
    : undefined;
  const tracing = tracingEnabled
    ? createTracingSetup(telemetry, sampleRatio, options.tracing?.responseHeader ?? false)
    : undefined;
  const slo = options.slo;
  return {
    series: createSeriesCache(
      telemetry,
      httpDurationBuckets(slo?.latencyThresholdsSeconds ?? []),
      maxRoutes,
      resolveLabels(options.labels as CustomLabelsOptions<never> | undefined, (f, m) => telemetry.logger.warn(f, m)),
    ),
    pathFilter: createPathFilter(ignore, metricsPath),
    serveMetrics,
    tracing,
    activate: tracing && activateContext ? telemetry.context : undefined,
    logging,
    requestIds,
    // The incoming id is read only when something uses it.
    readsRequestId: requestIds !== undefined && (loggingEnabled || requestIds.responseHeader),
    sloRecord: typeof slo?.record === 'function' ? slo.record.bind(slo) : undefined,
  };
}
