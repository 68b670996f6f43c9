import type { ServerResponse } from 'node:http';
import type { ExpressRequestLike } from './route.js';

/** Express `(req, res, next)` middleware. */
export type Middleware = (req: ExpressRequestLike, res: ServerResponse, next: (err?: unknown) => void) => void;

/** Express `(err, req, res, next)` error middleware. */
export type ErrorMiddleware = (err: unknown, req: ExpressRequestLike, res: ServerResponse, next: (err?: unknown) => void) => void;
