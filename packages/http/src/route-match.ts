import { UNMATCHED_ROUTE } from './method.js';

/** The route a request took: its template and whether the app declared it (declared routes are never capped). */
export interface RouteMatch {
  /** The route template (`/users/:id`), {@link UNMATCHED_ROUTE}, or a best-effort value. */
  readonly route: string;
  /**
   * A template the app registered (Fastify `routeOptions.url`, `@koa/router`'s matched layer, an Express route with
   * all its mount paths, a node:http pattern): exempt from `maxRoutes`. Values built from raw path segments are not.
   */
  readonly declared: boolean;
}

/** Reads the route a request took, when it ends. Adapters cache one {@link RouteMatch} per template. */
export type RouteOf<Req> = (req: Req) => RouteMatch;

/** The match of requests that matched no route (one series, never capped). */
export const UNMATCHED: RouteMatch = Object.freeze({ route: UNMATCHED_ROUTE, declared: true });

/** A cache of one frozen {@link RouteMatch} per template, so adapters allocate nothing per request. */
export function routeMatches(declared: boolean): (route: string) => RouteMatch {
  const cache = new Map<string, RouteMatch>();
  return (route) => {
    let match = cache.get(route);
    if (match === undefined) {
      match = Object.freeze({ route, declared });
      // A best-effort resolver may return unbounded values: the cache stays bounded (the series cap does the rest).
      if (declared || cache.size < 10_000) cache.set(route, match);
    }
    return match;
  };
}
