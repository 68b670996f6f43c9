import type { ServerResponse } from 'node:http';
import type { OpsContext } from './types.js';

/** One route of the ops API: what the dispatcher checks before it calls `serve`. */
export interface OpsRoute {
  /** The template below the prefix (`/jobs/:name`); `${prefix}${template}` becomes the request's `http_route`. */
  readonly template: string;
  /** Admin routes pass the CSRF check and `authorize`; read routes pass `authorizeRead`. */
  readonly admin: boolean;
  /** The query parameters accepted (any other, or one given twice, is a 400). */
  readonly query: readonly string[];
  /** Answers the request (`name`: the decoded `:name` path parameter of job routes). */
  serve(ctx: OpsContext, res: ServerResponse, q: URLSearchParams, name: string): Promise<void>;
}
