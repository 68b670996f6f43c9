import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CheckStatus, Role } from './check.js';

/** Lifecycle of the service as seen by the probes. */
export type HealthState = 'starting' | 'ready' | 'draining' | 'closing' | 'stopped';

/** The IETF draft-inadarei-api-health-check-06 body (`application/health+json`). */
export interface HealthBody {
  status: CheckStatus;
  version?: string;
  releaseId?: string;
  serviceId?: string;
  description?: string;
  output?: string;
  checks?: Record<string, HealthCheckEntry[]>;
}
/** One entry of `checks` in the IETF body. */
export interface HealthCheckEntry {
  componentId?: string;
  componentType?: string;
  observedValue?: number | string | boolean;
  observedUnit?: string;
  status: CheckStatus;
  time?: string;
  output?: string;
}

/** The shape of a Fastify plugin (no dependency on fastify). */
export type FastifyPluginLike = ((
  instance: {
    addHook(
      name: 'onRequest',
      hook: (request: { raw: IncomingMessage }, reply: { raw: ServerResponse; hijack(): void }, done: () => void) => void,
    ): unknown;
  },
  options: unknown,
  done: () => void,
) => void) & { [key: symbol]: unknown };

/** What {@link createHealth} returns. */
export interface Health {
  /** node:http handler: answers the health paths and returns true, or returns false for other paths. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  /** Express 4/5 middleware (`app.use(health.express())`). */
  express(): (req: IncomingMessage, res: ServerResponse, next: () => void) => void;
  /** Fastify 5 plugin (`app.register(health.fastify())`): answers the health paths in an `onRequest` hook. */
  fastify(): FastifyPluginLike;
  /** Koa middleware (`app.use(health.koa())`). */
  koa(): (ctx: { req: IncomingMessage; res: ServerResponse; respond?: boolean }, next: () => Promise<unknown>) => Promise<void>;
  /** The body and HTTP status a path would answer (for custom adapters). */
  evaluate(view: 'health' | Role, options?: { detailed?: boolean; check?: string }): { status: number; body: HealthBody };
  /** Marks startup complete (readiness can pass). */
  markReady(): void;
  /** Current lifecycle state. */
  readonly state: HealthState;
  /** Starts the graceful shutdown (idempotent); resolves when stopped. */
  shutdown(): Promise<void>;
  /** Stops background checks and removes signal listeners, without the shutdown sequence. */
  close(): void;
  on(event: 'state', listener: (state: HealthState) => void): Health;
  off(event: 'state', listener: (state: HealthState) => void): Health;
}
