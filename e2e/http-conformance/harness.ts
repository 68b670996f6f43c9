// The shared HTTP conformance suite (issue #20, acceptance 1): every adapter serves the same app (the routes below),
// instrumented by slakit, and must record it the same way. A harness builds that app in its framework.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpInstrumentOptions } from '@slakit/http';

/** Declared routes `/d0/:id` … `/d19/:id` (the route-cap case: declared routes never overflow). */
export const DECLARED_ROUTES = 20;
/** Templates every app declares, and the request paths that take them. */
export const TEMPLATES = {
  hello: '/hello',
  user: '/users/:id',
  /** A prefixed router (`/api/v1`) with a nested router (`/orders/:orderId`) holding `/items/:itemId`. */
  nested: '/api/v1/orders/:orderId/items/:itemId',
  /** A router mounted under a path with a parameter (`/t/:tenant`) holding `/dashboard`. */
  mounted: '/t/:tenant/dashboard',
  /** Throws a RangeError (the framework's error handling answers 500). */
  boom: '/boom',
  /** Answers after {@link SLOW_MS}. */
  slow: '/slow',
} as const;
export const SLOW_MS = 300;
/** The header the custom-label hook reads (`tenant_tier`). */
export const TIER_HEADER = 'x-tier';

/** A running conformance app. */
export interface ConformanceApp {
  readonly url: string;
  close(): Promise<void>;
}

/** One framework adapter under the suite. */
export interface ConformanceHarness {
  readonly name: string;
  /**
   * Serves the conformance app on 127.0.0.1, instrumented with `options`; `labels.request.values` is given the
   * framework's request object, which {@link ConformanceHarness.header} reads.
   */
  start(options: HttpInstrumentOptions<never>): Promise<ConformanceApp>;
  /** A request header, read from the object the adapter hands the label hook (`req`, `request`, `ctx`, `c`). */
  header(subject: unknown, name: string): string | undefined;
  /** FRAMEWORK of otel-http-host.cjs: the same adapter in a host running OpenTelemetry's http instrumentation. */
  readonly hostFramework: string;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Listens on an ephemeral port; the app closes it (and its keep-alive connections). */
export async function listen(server: Server): Promise<ConformanceApp> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** `/d<i>/:id` for every declared route. */
export const declaredRoutes = () => Array.from({ length: DECLARED_ROUTES }, (_, i) => `/d${i}/:id`);
