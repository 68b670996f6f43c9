import type { ServerResponse } from 'node:http';
import { isSpanContextValid, type Span } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { ExpressRequestLike } from './route.js';

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
export function readRequestId(setup: RequestIdSetup, req: ExpressRequestLike, res: ServerResponse): string | undefined {
  const incoming = req.headers[setup.header];
  let requestId = typeof incoming === 'string' && VALID_REQUEST_ID.test(incoming) ? incoming : undefined;
  if (setup.responseHeader) {
    requestId ??= setup.generate();
    res.setHeader(setup.header, requestId);
  }
  return requestId;
}

/** Whether a finished request is logged: 4xx, 5xx and aborted ones always, others sampled. */
export function shouldLog(setup: LogSetup, status: number, finished: boolean): boolean {
  return status >= 400 || !finished || Math.random() < setup.sampleSuccess;
}

/** Writes the request's log line: `error` for 5xx and aborted requests, `warn` for 4xx, `info` otherwise. */
export function logRequest(
  setup: LogSetup,
  req: ExpressRequestLike,
  fields: {
    method: string;
    route: string;
    status: number;
    seconds: number;
    finished: boolean;
    errorType: string | undefined;
    requestId: string | undefined;
    span: Span | undefined;
  },
): void {
  const { method, route, status, finished, errorType } = fields;
  const line: Record<string, unknown> = { method, route, status, duration_ms: Math.round(fields.seconds * 1e6) / 1000 };
  if (setup.requestId) line.request_id = fields.requestId ?? setup.requestId.generate();
  if (errorType !== undefined) line.error_type = errorType;
  const sc = fields.span?.spanContext();
  if (sc && isSpanContextValid(sc)) {
    line.trace_id = sc.traceId;
    line.span_id = sc.spanId;
  }
  if (setup.headers) line.headers = req.headers;
  const msg = `${method} ${route} ${status}`;
  if (status >= 500 || !finished) setup.logger.error(line, msg);
  else if (status >= 400) setup.logger.warn(line, msg);
  else setup.logger.info(line, msg);
}
