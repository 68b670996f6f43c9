import type { ServerResponse } from 'node:http';
import { sanitizeMessage, validateOptions } from '@slakit/core';
import type { Logger } from 'pino';
import { errorTypeOf } from './error-recorder.js';
import { errorHandlerOptionsSchema } from './options-schema.js';
import { type ExpressRequestLike, normalizeMethod, routeTemplate } from './route.js';

/** Options of {@link errorHandler}. */
export interface ErrorHandlerOptions {
  /** Where failures are logged (`telemetry.logger`: redacting); default none. 5xx at `error`, 4xx at `warn`. */
  logger?: Logger;
}

/** The JSON answer of {@link errorHandler}: a fixed code and message per status, never the error's own text. */
export interface ErrorHandlerBody {
  error: string;
  message: string;
}

const CODES: Record<number, [string, string]> = {
  400: ['bad_request', 'the request is invalid'],
  401: ['unauthorized', 'authentication is required'],
  403: ['forbidden', 'the request is not allowed'],
  404: ['not_found', 'no such resource'],
  405: ['method_not_allowed', 'the method is not allowed here'],
  408: ['request_timeout', 'the request took too long'],
  413: ['payload_too_large', 'the request body is too large'],
  415: ['unsupported_media_type', 'the request body has an unsupported type or charset'],
  422: ['unprocessable', 'the request cannot be processed'],
  429: ['too_many_requests', 'too many requests'],
  500: ['internal', 'the request failed; see the service log'],
  503: ['unavailable', 'the service is unavailable'],
};

// body-parser's error types (`err.type`), whose messages may quote the raw body: only the type is kept.
const BODY_TYPES: Record<string, [string, string]> = {
  'entity.parse.failed': ['invalid_body', 'the request body could not be parsed'],
  'entity.too.large': ['payload_too_large', 'the request body is too large'],
  'encoding.unsupported': ['unsupported_media_type', 'the request body has an unsupported content encoding'],
  'charset.unsupported': ['unsupported_media_type', 'the request body has an unsupported charset'],
  'request.aborted': ['bad_request', 'the request body was aborted'],
  'request.size.invalid': ['bad_request', 'the request body does not match its content-length'],
  'parameters.too.many': ['payload_too_large', 'the request body has too many parameters'],
};

function read(error: unknown, key: string): unknown {
  if ((typeof error !== 'object' && typeof error !== 'function') || error === null) return undefined;
  try {
    return (error as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

/** The HTTP status of a thrown value: its `status`/`statusCode` when it is 400–599, else 500. */
function statusOf(error: unknown): number {
  for (const key of ['status', 'statusCode']) {
    const s = read(error, key);
    if (typeof s === 'number' && Number.isInteger(s) && s >= 400 && s <= 599) return s;
  }
  return 500;
}

/**
 * The last Express error middleware: answers any error with JSON `{ error, message }` — a fixed code and message per
 * status (`400 invalid_body` for a malformed JSON body, `413 payload_too_large`, `500 internal`, …), never the
 * error's message, stack or file paths, which may quote the request body or internals — and logs it through `logger`
 * (under `error`; 5xx at level `error` with the class name and the sanitised message and stack; 4xx at `warn` with the class name and
 * body-parser type only, no message: it can hold the raw body). Never calls Express's default handler (which prints
 * the stack to stderr). Mount it after `errorRecorder()`:
 * `app.use(errorRecorder()); app.use(errorHandler({ logger: telemetry.logger }))`.
 */
export function errorHandler(
  options: ErrorHandlerOptions = {},
): (err: unknown, req: ExpressRequestLike, res: ServerResponse, next: (err?: unknown) => void) => void {
  validateOptions(errorHandlerOptionsSchema, options);
  const logger = options.logger;
  return function slakitErrorHandler(err, req, res, _next) {
    const status = statusOf(err);
    const bodyType = read(err, 'type');
    const known = typeof bodyType === 'string' ? BODY_TYPES[bodyType] : undefined;
    const [error, message] =
      known ?? CODES[status] ?? (status >= 500 ? (CODES[500] as [string, string]) : ['client_error', 'the request is invalid']);
    try {
      const line: Record<string, unknown> = {
        method: normalizeMethod(req.method),
        route: routeTemplate(req),
        status,
        error: { type: errorTypeOf(err), ...(known ? { bodyType } : {}) },
      };
      if (status >= 500) {
        const stack = read(err, 'stack');
        const text = read(err, 'message');
        Object.assign(line.error as object, {
          ...(typeof text === 'string' ? { message: sanitizeMessage(text) } : {}),
          ...(typeof stack === 'string' ? { stack: sanitizeMessage(stack, 4000) } : {}),
        });
        logger?.error(line, `request failed: ${status} ${error}`);
      } else logger?.warn(line, `request refused: ${status} ${error}`);
    } catch {
      // logging must never stop the answer
    }
    if (res.headersSent) {
      // Too late for an answer: end the exchange as Express's default handler would, without printing anything.
      req.socket?.destroy();
      return;
    }
    const body: ErrorHandlerBody = { error, message };
    // Headers a handler set before it threw would describe another body.
    for (const name of res.getHeaderNames()) if (name.startsWith('content-')) res.removeHeader(name);
    res.statusCode = status;
    res.setHeader('content-type', 'application/json; charset=utf-8');
    res.setHeader('cache-control', 'no-store');
    res.end(JSON.stringify(body));
  };
}
