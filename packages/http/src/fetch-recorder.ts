import type { IncomingHttpHeaders } from 'node:http';
import { type Context, ROOT_CONTEXT, type TextMapGetter, trace } from '@opentelemetry/api';
import { METHOD_VALUES as METHODS, methodIndex as methodIndexOf } from './method.js';
import { MEASURE } from './path-filter.js';
import { readRequestId } from './request-log.js';
import { endRequest, type RecorderSetup, type RequestStart } from './request-recorder.js';
import { hostSpan, type RequestTrace, startServerSpan, type TracingSetup } from './request-span.js';
import type { RouteMatch } from './route-match.js';
import { activeFor } from './series.js';

/** A request of the fetch API being recorded ({@link startFetchRequest}). */
export interface FetchRequestStart extends RequestStart {
  readonly request: Request;
  /** A request id to echo in the response (`requestId.responseHeader`). */
  readonly echoRequestId: string | undefined;
}

const HEADERS_GETTER: TextMapGetter<Headers> = {
  get: (headers, key) => headers.get(key) ?? undefined,
  keys: (headers) => [...headers.keys()],
};

function traceFetch(setup: TracingSetup, request: Request, method: string, path: string, https: boolean) {
  const current = hostSpan(setup);
  if (current !== undefined) return { span: current, own: false, context: undefined } satisfies RequestTrace;
  const { headers } = request;
  const parent = setup.propagationFields.some((field) => headers.has(field))
    ? setup.propagator.extract(ROOT_CONTEXT, headers, HEADERS_GETTER)
    : ROOT_CONTEXT;
  const span = startServerSpan(setup, parent, method, path, https);
  return span === undefined ? undefined : ({ span, own: true, context: trace.setSpan(parent, span) } as RequestTrace);
}

/**
 * Starts recording a request of the fetch API (`Request`/`Response`: Hono without node bindings, any runtime):
 * path check, in-flight gauge, request id, span (the `traceparent` of the request's `Headers` continued, or the host's
 * span enriched). `undefined` when the path is not measured (`ignorePaths`, the scrape path).
 */
export function startFetchRequest(setup: RecorderSetup, request: Request): FetchRequestStart | undefined {
  const url = new URL(request.url);
  const path = url.pathname + url.search;
  if (setup.pathFilter !== undefined && setup.pathFilter(path) !== MEASURE) return undefined;
  const start = performance.now();
  const methodIndex = methodIndexOf(request.method);
  const https = url.protocol === 'https:';
  activeFor(setup.series, methodIndex, https).add(1);
  const { requestIds, tracing } = setup;
  let echoRequestId: string | undefined;
  const requestId =
    setup.readsRequestId && requestIds
      ? readRequestId(requestIds, { [requestIds.header]: request.headers.get(requestIds.header) ?? undefined }, (_n, v) => {
          echoRequestId = v;
        })
      : undefined;
  const traced = tracing ? traceFetch(tracing, request, METHODS[methodIndex] as string, path, https) : undefined;
  return { start, methodIndex, https, requestId, traced, request, echoRequestId };
}

/** The context to run the handler in (slakit's span active), when there is one and activation is on. */
export function fetchRequestContext(setup: RecorderSetup, started: FetchRequestStart): Context | undefined {
  return setup.activate === undefined ? undefined : started.traced?.context;
}

/** What the end of a fetch-API request records besides its response. */
export interface FetchRequestEnd {
  readonly route: RouteMatch;
  /** The class of an error a handler threw, if any. */
  readonly thrown: string | undefined;
  /** The object the per-request label hook is given. */
  readonly subject: unknown;
}

/**
 * Records a fetch-API request when its `Response` is ready (the duration ends there, not when the body has been sent):
 * status, `aborted` when the request's signal was aborted first, the `traceparent` / request id response headers
 * when asked (skipped for a response whose headers are immutable). Never throws.
 */
export function endFetchRequest(
  setup: RecorderSetup,
  started: FetchRequestStart,
  response: Response | undefined,
  end: FetchRequestEnd,
): void {
  const headers = response?.headers;
  if (headers !== undefined) {
    try {
      const context = started.traced?.context;
      if (setup.tracing?.responseHeader && context !== undefined) {
        setup.tracing.propagator.inject(context, headers, { set: (h, key, value) => h.set(key, value) });
      }
      if (started.echoRequestId !== undefined && setup.requestIds) headers.set(setup.requestIds.header, started.echoRequestId);
    } catch {
      // a Response whose headers are immutable (e.g. straight from fetch()): recorded without them
    }
  }
  const finished = !started.request.signal.aborted;
  endRequest(setup, started, {
    route: end.route,
    status: response?.status ?? 0,
    finished,
    thrown: end.thrown,
    subject: end.subject,
    req: setup.logging?.headers ? { headers: headerRecord(started.request.headers) } : undefined,
  });
}

function headerRecord(headers: Headers): IncomingHttpHeaders {
  const record: IncomingHttpHeaders = {};
  headers.forEach((value, key) => {
    record[key] = value;
  });
  return record;
}
