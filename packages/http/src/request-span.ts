import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import {
  type Context,
  defaultTextMapGetter,
  isSpanContextValid,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapPropagator,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
  HTTP_REQUEST_METHOD_VALUE_OTHER,
} from '@opentelemetry/semantic-conventions';
import type { TelemetryContext } from '@slakit/core';
import { UNMATCHED_ROUTE, urlPath } from './method.js';
import { setRequestSpan } from './request-state.js';
import type { RouteOf } from './route-match.js';

/** What the tracing part of instrument() needs: the telemetry's tracer, context and propagator, and the options. */
export interface TracingSetup {
  readonly tracer: Tracer;
  readonly context: TelemetryContext;
  readonly propagator: TextMapPropagator;
  /** Share of root requests traced, 0..1. */
  readonly sampleRatio: number;
  /** Add a `traceparent` response header. */
  readonly responseHeader: boolean;
  /** Header names the propagator reads (lower case): a request with none of them is a root request. */
  readonly propagationFields: readonly string[];
}

/** The span of one request: slakit's own (`own`, ended at 'close'; `context` to activate) or the host's, enriched. */
export interface RequestTrace {
  readonly span: Span;
  readonly own: boolean;
  readonly context: Context | undefined;
}

/** The tracing setup of instrument(). */
export function createTracingSetup(
  telemetry: { tracer: Tracer; context: TelemetryContext; propagator: TextMapPropagator },
  sampleRatio: number,
  responseHeader: boolean,
): TracingSetup {
  const { tracer, context, propagator } = telemetry;
  const propagationFields = propagator.fields().map((f) => f.toLowerCase());
  return { tracer, context, propagator, sampleRatio, responseHeader, propagationFields };
}

function carriesContext(fields: readonly string[], headers: IncomingHttpHeaders): boolean {
  for (let i = 0; i < fields.length; i++) {
    if (headers[fields[i] as string] !== undefined) return true;
  }
  return false;
}

const spanName = (method: string, route: string) => (route === UNMATCHED_ROUTE ? method : `${method} ${route}`);

/** The host ends its span when the response finishes, before 'close': name it while the handler responds. */
function enrichHostSpan<S>(hostSpan: Span, res: ServerResponse, method: string, routeOf: RouteOf<S>, subject: S): void {
  const writeHead = res.writeHead;
  res.writeHead = function slakitWriteHead(this: ServerResponse, ...args: unknown[]) {
    const route = routeOf(subject).route;
    hostSpan.setAttribute(ATTR_HTTP_ROUTE, route);
    hostSpan.updateName(spanName(method, route));
    return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as ServerResponse['writeHead'];
}

/** The active span when it is a recording one (a host's, e.g. OpenTelemetry's http instrumentation's). */
export function hostSpan(setup: TracingSetup): Span | undefined {
  const activeContext = setup.context.active();
  const current = activeContext === ROOT_CONTEXT ? undefined : trace.getSpan(activeContext);
  return current?.isRecording() ? current : undefined;
}

/**
 * Starts slakit's server span under `parent` (the extracted context, or ROOT_CONTEXT), sampled: a valid parent decides
 * for its children, `sampleRatio` for root requests. `undefined` when not sampled.
 */
export function startServerSpan(
  setup: TracingSetup,
  parent: Context,
  method: string,
  url: string,
  https: boolean,
): Span | undefined {
  const parentSpan = parent === ROOT_CONTEXT ? undefined : trace.getSpanContext(parent);
  const hasParent = parentSpan !== undefined && isSpanContextValid(parentSpan);
  const { sampleRatio } = setup;
  if (!hasParent && !(sampleRatio >= 1 || (sampleRatio > 0 && Math.random() < sampleRatio))) return undefined;
  return setup.tracer.startSpan(
    method === HTTP_REQUEST_METHOD_VALUE_OTHER ? 'HTTP' : method,
    {
      kind: SpanKind.SERVER,
      attributes: {
        [ATTR_HTTP_REQUEST_METHOD]: method,
        [ATTR_URL_PATH]: urlPath(url),
        [ATTR_URL_SCHEME]: https ? 'https' : 'http',
      },
    },
    parent,
  );
}

/**
 * Enriches the host's server span when one is active, otherwise starts slakit's own (sampled: parents decide for their
 * children, `sampleRatio` for root requests). Links the span to the request for errorRecorder().
 */
export function traceRequest<S>(
  setup: TracingSetup,
  req: IncomingMessage,
  res: ServerResponse,
  method: string,
  url: string,
  https: boolean,
  routeOf: RouteOf<S>,
  subject: S,
): RequestTrace | undefined {
  const current = hostSpan(setup);
  if (current !== undefined) {
    enrichHostSpan(current, res, method, routeOf, subject);
    setRequestSpan(req, current);
    return { span: current, own: false, context: undefined };
  }
  // Extraction is skipped when the request carries none of the propagator's headers (the common root request).
  const parent = carriesContext(setup.propagationFields, req.headers)
    ? setup.propagator.extract(ROOT_CONTEXT, req.headers, defaultTextMapGetter)
    : ROOT_CONTEXT;
  const span = startServerSpan(setup, parent, method, url, https);
  if (span === undefined) return undefined;
  const spanContext = trace.setSpan(parent, span);
  if (setup.responseHeader) {
    setup.propagator.inject(spanContext, res, { set: (carrier, key, value) => carrier.setHeader(key, value) });
  }
  setRequestSpan(req, span);
  return { span, own: true, context: spanContext };
}

/** Names the span after the route; slakit's own span also gets the status and error type, and is ended. */
export function endRequestSpan(
  traced: RequestTrace,
  method: string,
  route: string,
  status: number,
  errorType: string | undefined,
  failed: boolean,
): void {
  const { span } = traced;
  span.setAttribute(ATTR_HTTP_ROUTE, route);
  span.updateName(spanName(method, route));
  if (!traced.own) return;
  if (status > 0) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
  if (errorType !== undefined) {
    span.setAttribute(ATTR_ERROR_TYPE, errorType);
    if (failed) span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end();
}
