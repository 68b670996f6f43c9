import type { ServerResponse } from 'node:http';

/** Sends a JSON answer that no cache stores. */
export function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.end(text);
}

/** The 404 of a path the ops API does not serve, when there is no `next` to hand it to. */
export function sendNotFound(res: ServerResponse): void {
  send(res, 404, { error: 'not_found' });
}
