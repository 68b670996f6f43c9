import type { IncomingMessage } from 'node:http';
import { invalidOption } from '@slakit/core';
import FindMyWay from 'find-my-way';
import { type RouteMatch, type RouteOf, routeMatches, UNMATCHED } from './route-match.js';

/** How node:http requests find their route template: patterns, or a function. */
export type RouteResolver = readonly string[] | ((req: IncomingMessage) => string | undefined);

const MAX_ROUTE_LENGTH = 256;

/**
 * Route patterns (`/users/:id`, `/files/*`, `/v:major(\\d+)/status`; find-my-way's syntax, as Fastify's) matched
 * against the request path; the matched pattern is the route, declared (never capped). No match → `unmatched`.
 */
function patternResolver(patterns: readonly string[]): RouteOf<IncomingMessage> {
  const router = FindMyWay({ ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 1000 });
  const seen = new Set<string>();
  patterns.forEach((pattern, i) => {
    if (typeof pattern !== 'string' || !pattern.startsWith('/') || pattern.length > MAX_ROUTE_LENGTH) {
      throw invalidOption(
        `routes[${i}]`,
        pattern,
        `a route pattern starting with / (≤ ${MAX_ROUTE_LENGTH} chars), e.g. "/users/:id"`,
      );
    }
    if (seen.has(pattern)) return;
    seen.add(pattern);
    const match: RouteMatch = Object.freeze({ route: pattern, declared: true });
    try {
      router.on('GET', pattern, () => undefined, match);
    } catch (error) {
      throw invalidOption(`routes[${i}]`, pattern, `a valid route pattern (${(error as Error).message})`);
    }
  });
  return (req) => {
    try {
      const found = router.find('GET', req.url ?? '/');
      return (found?.store as RouteMatch | undefined) ?? UNMATCHED;
    } catch {
      // a path find-my-way cannot decode: unmatched, never a crash
      return UNMATCHED;
    }
  };
}

/** A function resolver: its values are not declared (capped by `maxRoutes`); throwing or odd values → unmatched. */
function functionResolver(resolve: (req: IncomingMessage) => string | undefined): RouteOf<IncomingMessage> {
  const matchOf = routeMatches(false);
  return (req) => {
    let route: unknown;
    try {
      route = resolve(req);
    } catch {
      return UNMATCHED;
    }
    if (typeof route !== 'string' || route === '' || route.length > MAX_ROUTE_LENGTH) return UNMATCHED;
    return matchOf(route);
  };
}

/**
 * The route reader of a {@link RouteResolver} (validated at configuration time).
 * @throws SlakitError `ERR_SLAKIT_INVALID_OPTION` naming `routes` or `routes[i]`
 */
export function resolveRoutes(routes: RouteResolver | undefined): RouteOf<IncomingMessage> {
  if (routes === undefined) return () => UNMATCHED;
  if (typeof routes === 'function') return functionResolver(routes);
  if (!Array.isArray(routes)) {
    throw invalidOption('routes', routes, 'an array of route patterns (["/users/:id"]) or a function (req) => route');
  }
  return patternResolver(routes);
}
