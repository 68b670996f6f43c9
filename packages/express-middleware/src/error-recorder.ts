import { recordException } from '@slakit/core';
import { requestSpan, setThrownType } from './request-state.js';
import type { ErrorMiddleware } from './types.js';

const SAFE_TYPE = /^[A-Za-z_][A-Za-z0-9_.]{0,63}$/;

/** A class name safe as a label value, else `Error`. */
export function errorTypeOf(error: unknown): string {
  const name = (error as { name?: unknown })?.name ?? (error as object | undefined)?.constructor?.name;
  return typeof name === 'string' && SAFE_TYPE.test(name) ? name : 'Error';
}

/**
 * Express error middleware that records the thrown error's class as `error_type` (and on the span, as an `exception`
 * event whose message and stack are scrubbed of secrets: URL credentials, `password=…`-style pairs, tokens — see
 * `recordException()` of @slakit/core), then passes the error on unchanged. Mount it after your routes:
 * `app.use(errorRecorder())`.
 */
export function errorRecorder(): ErrorMiddleware {
  return function slakitErrorRecorder(err, req, _res, next) {
    setThrownType(req, errorTypeOf(err));
    const span = requestSpan(req);
    // Scrubbed of secrets (a driver's message may carry a DSN's password); any thrown value, not only Errors.
    if (span) recordException(span, err);
    next(err);
  };
}
