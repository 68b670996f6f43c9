import { recordException } from '@slakit/core';
import { errorTypeOf, requestSpan, setThrownType } from '@slakit/http';
import type { ErrorMiddleware } from './types.js';

export { errorTypeOf };

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
