import type { IncomingMessage } from 'node:http';
import { UNMATCHED_ROUTE } from '@slakit/http';

/** The parts of an Express request the middleware reads (Express 4 and 5). */
export interface ExpressRequestLike extends IncomingMessage {
  baseUrl?: string;
  route?: { path?: unknown };
  params?: Record<string, string>;
  path?: string;
  protocol?: string;
  app?: unknown;
}

export { normalizeMethod, UNMATCHED_ROUTE, urlPath } from '@slakit/http';

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
