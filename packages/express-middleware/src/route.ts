import type { IncomingMessage } from 'node:http';

/** The parts of an Express request the middleware reads (Express 4 and 5). */
export interface ExpressRequestLike extends IncomingMessage {
  baseUrl?: string;
  route?: { path?: unknown };
  params?: Record<string, string>;
  path?: string;
  protocol?: string;
  app?: unknown;
}

/** The path of a request URL: everything before `?`. */
export function urlPath(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/** The route value of requests that matched no route: one series for every 404 scanner. */
export const UNMATCHED_ROUTE = 'unmatched';

const ID_LIKE = /^(?:\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{16,}|[A-Za-z0-9_-]{24,})$/i;

function pathText(path: unknown): string {
  if (typeof path === 'string') return path;
  if (path instanceof RegExp) return String(path);
  if (Array.isArray(path)) return path.map(pathText).join(',');
  return '';
}

/**
 * The route template of a request: `baseUrl` (mount paths of the routers it went through) + the matched route's
 * path — `/api/v1/users/:id`, never the raw URL. Parameters of parametrized mounts are put back as `:name` from
 * `req.params` (use `mergeParams: true`), and id-like mount segments (numbers, UUIDs, long hex/opaque tokens) become
 * `:id`. No matched route → `unmatched`.
 */
export function routeTemplate(req: ExpressRequestLike): string {
  const route = req.route;
  if (!route) return UNMATCHED_ROUTE;
  const tail = pathText(route.path);
  let base = req.baseUrl ?? '';
  if (base) {
    const params = req.params;
    const segments = base.split('/');
    for (let i = 1; i < segments.length; i++) {
      const seg = segments[i] as string;
      let replaced = false;
      if (params) {
        for (const key in params) {
          if (params[key] === seg && seg !== '') {
            segments[i] = `:${key}`;
            replaced = true;
            break;
          }
        }
      }
      if (!replaced && ID_LIKE.test(seg)) segments[i] = ':id';
    }
    base = segments.join('/');
  }
  const full = base + (tail === '/' && base ? '' : tail);
  return full === '' ? '/' : full;
}

/** The HTTP methods recorded as themselves; any other method is recorded as `_OTHER`. */
export const HTTP_METHODS: readonly string[] = Object.freeze([
  'CONNECT',
  'DELETE',
  'GET',
  'HEAD',
  'OPTIONS',
  'PATCH',
  'POST',
  'PUT',
  'QUERY',
  'TRACE',
]);
/** The recorded method values: {@link HTTP_METHODS}, then `_OTHER` (index `HTTP_METHODS.length`). */
export const METHOD_VALUES: readonly string[] = Object.freeze([...HTTP_METHODS, '_OTHER']);
const METHOD_INDEX = new Map<string, number>(HTTP_METHODS.map((m, i) => [m, i]));

/** Index of a request method in {@link METHOD_VALUES} (unknown methods → `_OTHER`'s). */
export function methodIndex(method: string | undefined): number {
  return (method === undefined ? undefined : METHOD_INDEX.get(method)) ?? HTTP_METHODS.length;
}

/** The semconv method value: known methods as is, anything else `_OTHER`. */
export function normalizeMethod(method: string | undefined): string {
  return METHOD_VALUES[methodIndex(method)] as string;
}
