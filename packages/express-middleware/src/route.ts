import type { IncomingMessage } from 'node:http';
import { UNMATCHED_ROUTE } from '@slakit/http';
import { matchChains, type RouteChains, resolveChains } from './mount-chains.js';

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

/** A request's route template and whether the app's declarations account for all of it. */
export interface RouteTemplateInfo {
  /** The template: `/t/:tenant/dashboard`, `unmatched` when no route matched. */
  readonly route: string;
  /**
   * `true` when the template was rebuilt from the app's declarations alone (the mount layers' paths and the matched
   * route's path) — a bounded set of values, exempt from a route cap; `false` when some of it is raw request text
   * (best effort: parameters from `req.params`, id-like segments as `:id`) and for `unmatched`.
   */
  readonly declared: boolean;
}

const UNMATCHED_INFO: RouteTemplateInfo = Object.freeze({ route: UNMATCHED_ROUTE, declared: false });

/** Best effort for a `baseUrl` no mount chain accounts for: `:name` from `req.params`, id-like segments `:id`. */
function bestEffortBase(base: string, params: Record<string, string> | undefined): string {
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
  return segments.join('/');
}

interface RouteCache {
  chains: RouteChains;
  /** The info of requests through the fixed chain, built once. */
  fixed: RouteTemplateInfo | undefined;
}

const cache = new WeakMap<object, RouteCache>();

function joinTemplate(base: string, tail: string): string {
  const full = base + (tail === '/' && base ? '' : tail);
  return full === '' ? '/' : full;
}

function routeCache(route: object & { path?: unknown }, app: unknown, baseUrl: string): RouteCache {
  let c = cache.get(route);
  if (!c) {
    let chains = resolveChains(route, app);
    // A chain that does not account for the first request's baseUrl is incomplete (a sub-app mounted with
    // `router.use()` does not know its parent): matched per request, which falls back to best effort.
    if (chains.fixed && !matchChains({ fixed: undefined, chains: chains.chains }, baseUrl)) {
      chains = { fixed: undefined, chains: chains.chains };
    }
    const tail = pathText(route.path);
    const fixed = chains.fixed ? Object.freeze({ route: joinTemplate(chains.fixed.base, tail), declared: true }) : undefined;
    c = { chains, fixed };
    cache.set(route, c);
  }
  return c;
}

/**
 * The route template of a request and whether it is declared (see {@link RouteTemplateInfo}): the mount paths of
 * the routers and sub-apps it went through, as declared (`app.use('/t/:tenant', router)` → `/t/:tenant`, with or
 * without `mergeParams`; RegExp mounts as the RegExp's text; array mounts as the path that matched), + the matched
 * route's path. The mount chain is found once per route object by walking the app's router stack, and a chain
 * without parameters (or, on Express 5, any chain) costs a cache look-up per request. Requests through a mount that
 * no chain accounts for fall back to `req.baseUrl` with `:name` from `req.params` and id-like segments (numbers,
 * UUIDs, long hex/opaque tokens) as `:id` (`declared: false`). No matched route → `unmatched`.
 */
export function routeTemplateInfo(req: ExpressRequestLike): RouteTemplateInfo {
  const route = req.route;
  if (!route || typeof route !== 'object') return UNMATCHED_INFO;
  const baseUrl = req.baseUrl ?? '';
  // Nothing mounted consumed a part of the path: the route's own path is the template (no look-up).
  if (baseUrl === '' && typeof route.path === 'string') return { route: route.path === '' ? '/' : route.path, declared: true };
  const c = routeCache(route, req.app, baseUrl);
  if (c.fixed) return c.fixed;
  const tail = pathText(route.path);
  if (baseUrl === '' && c.chains.chains.length === 0) return { route: joinTemplate('', tail), declared: true };
  const t = matchChains(c.chains, baseUrl);
  if (t) return { route: joinTemplate(t.base, tail), declared: t.declared };
  return { route: joinTemplate(baseUrl ? bestEffortBase(baseUrl, req.params) : '', tail), declared: false };
}

/** The route template of a request: {@link routeTemplateInfo}'s `route`. */
export function routeTemplate(req: ExpressRequestLike): string {
  return routeTemplateInfo(req).route;
}
