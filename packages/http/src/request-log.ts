import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { isSpanContextValid, type Span } from '@opentelemetry/api';
import type { Logger } from 'pino';

const VALID_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Request ids of instrument(): the incoming header (lower case), whether it is echoed, and the generator. */
export interface RequestIdSetup {
  readonly header: string;
  readonly responseHeader: boolean;
  readonly generate: () => string;
}

/** The request log of instrument(). */
export interface LogSetup {
  readonly logger: Logger;
  /** Share of 1xx–3xx requests logged. */
  readonly sampleSuccess: number;
  /** Log the request headers (redacted by the logger). */
  readonly headers: boolean;
  /** Request ids in the lines; undefined: none. */
  readonly requestId: RequestIdSetup | undefined;
}

/** The request id: the incoming one when valid; generated (and set on the response) only when echoed. */
export function readRequestId(
  setup: RequestIdSetup,
  headers: IncomingHttpHeaders,
  setHeader: ((name: string, value: string) => void) | undefined,
): string | undefined {
  const incoming = headers[setup.header];
  let requestId = typeof incoming === 'string' && VALID_REQUEST_ID.test(incoming) ? incoming : undefined;
  if (setup.responseHeader) {
    requestId ??= setup.generate();
    setHeader?.(setup.header, requestId);
  }
  return requestId;
}

/**
 * The share of traces a trace id falls in, 0..1 — OpenTelemetry's `TraceIdRatioBasedSampler` accumulation (the four
 * 8-hex-digit words XORed), so a trace whose id an OTel sampler keeps at ratio r is kept here at r too, in every
 * process and service that sees it.
 */
export function traceIdShare(traceId: string): number {
  let acc = 0;
  for (let i = 0; i < 4; i++) {
    const word = Number.parseInt(traceId.slice(i * 8, i * 8 + 8), 16);
    acc = (acc ^ (Number.isNaN(word) ? 0 : word)) >>> 0;
  }
  return acc / 0xffffffff;
}

/**
 * Whether a finished request is logged: 4xx, 5xx and aborted ones always; others sampled at `sampleSuccess` — by
 * their trace id when they have one (all requests of one trace are logged together or dropped together, in every
 * service using the same ratio), otherwise at random.
 */
export function shouldLog(setup: LogSetup, status: number, finished: boolean, span: Span | undefined): boolean {
  if (status >= 400 || !finished) return true;
  const ratio = setup.sampleSuccess;
  if (ratio >= 1) return true;
  if (ratio <= 0) return false;
  const sc = span?.spanContext();
  if (sc !== undefined && isSpanContextValid(sc)) return traceIdShare(sc.traceId) <= ratio;
  return Math.random() < ratio;
}

/** Writes the request's log line: `error` for 5xx and aborted requests, `warn` for 4xx, `info` otherwise. */
export function logRequest(
  setup: LogSetup,
  req: Pick<IncomingMessage, 'headers'> | undefined,
  fields: {
    method: string;
    route: string;
    status: number;
    seconds: number;
    finished: boolean;
    errorType: string | undefined;
    requestId: string | undefined;
    span: Span | undefined;
    /** Custom label values of the request (static and per request). */
    labels?: Readonly<Record<string, string | number>>;
  },
): void {
  const { method, route, status, finished, errorType } = fields;
  const line: Record<string, unknown> = { method, route, status, duration_ms: Math.round(fields.seconds * 1e6) / 1000 };
  if (setup.requestId) line.request_id = fields.requestId ?? setup.requestId.generate();
  if (errorType !== undefined) line.error_type = errorType;
  if (fields.labels !== undefined) line.labels = fields.labels;
  const sc = fields.span?.spanContext();
  if (sc && isSpanContextValid(sc)) {
    line.trace_id = sc.traceId;
    line.span_id = sc.spanId;
  }
  if (setup.headers && req !== undefined) line.headers = req.headers;
  const msg = `${method} ${route} ${status}`;
  if (status >= 500 || !finished) setup.logger.error(line, msg);
  else if (status >= 400) setup.logger.warn(line, msg);
  else setup.logger.info(line, msg);
}
