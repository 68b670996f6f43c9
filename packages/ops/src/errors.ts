import type { ServerResponse } from 'node:http';
import { safeErrorCode } from '@slakit/core';
import type { Logger } from 'pino';
import { send } from './respond.js';

/** A bad query parameter or path segment: answered 400 `{ error: code, parameter, message }`. */
export class QueryError extends Error {
  constructor(
    readonly parameter: string,
    message: string,
    readonly code: 'invalid_query' | 'invalid_path' = 'invalid_query',
  ) {
    super(message);
  }
}

/**
 * Answers a request whose handling threw: 400 for a {@link QueryError}, else 500 with a fixed message (the error's
 * safe code is logged, never its text). Nothing is sent once headers are out.
 */
export function answerError(res: ServerResponse, error: unknown, logger: Logger | undefined): void {
  if (error instanceof QueryError) {
    if (!res.headersSent) send(res, 400, { error: error.code, parameter: error.parameter, message: error.message });
    return;
  }
  try {
    logger?.warn({ code: safeErrorCode(error) }, 'ops: request failed');
  } catch {
    // ignored: the answer below matters more
  }
  if (!res.headersSent) send(res, 500, { error: 'internal', message: 'the ops request failed; see the service log' });
}
