import type { IncomingMessage } from 'node:http';

/**
 * The custom request header that, like a JSON content type, marks an admin request as not cross-site (an HTML form
 * cannot send it, and a cross-origin script cannot send it without a CORS preflight): `x-slakit-request: 1`.
 */
export const OPS_CSRF_HEADER = 'x-slakit-request';

const MEDIA_TYPE_JSON = /^application\/json$/i;

/** Normalises an allowed origin (`https://a.example` or `https://a.example/`), or undefined when it is not one. */
export function parseOrigin(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    return url.origin === value.replace(/\/$/, '') ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Why an admin request looks cross-site, or undefined: it needs a JSON content type or the custom header, and its
 * `Origin` (when sent) must be the request's own host (https on a TLS connection) or one of `allowed`.
 */
export function csrfRefusal(req: IncomingMessage, allowed: ReadonlySet<string>): string | undefined {
  const type = req.headers['content-type'];
  const json = typeof type === 'string' && MEDIA_TYPE_JSON.test(type.split(';', 1)[0]?.trim() ?? '');
  const marker = req.headers[OPS_CSRF_HEADER];
  if (!json && !(typeof marker === 'string' && marker.length > 0)) return 'csrf_missing_header';
  const origin = req.headers.origin;
  if (origin === undefined) return undefined;
  if (allowed.has(origin)) return undefined;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return 'csrf_cross_origin';
  }
  const host = req.headers.host;
  const tls = (req.socket as { encrypted?: boolean } | undefined)?.encrypted === true;
  if (url.origin !== origin || typeof host !== 'string' || !/^[A-Za-z0-9.:[\]-]{1,300}$/.test(host)) return 'csrf_cross_origin';
  if (tls ? url.protocol !== 'https:' : url.protocol !== 'http:' && url.protocol !== 'https:') return 'csrf_cross_origin';
  let own: string;
  try {
    own = new URL(`${url.protocol}//${host}`).host;
  } catch {
    return 'csrf_cross_origin';
  }
  return url.host === own ? undefined : 'csrf_cross_origin';
}
