import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyPluginLike, KoaMiddlewareLike } from '@slakit/core';
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

/** The shape of a Fastify plugin (no dependency on fastify): one definition in `@slakit/core`. */
export type { FastifyPluginLike };

/** What {@link createHealth} returns. */
export interface Health {
  /** node:http handler: answers the health paths and returns true, or returns false for other paths. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  /** Express 4/5 middleware (`app.use(health.express())`). */
  express(): (req: IncomingMessage, res: ServerResponse, next: () => void) => void;
  /** Fastify 5 plugin (`app.register(health.fastify())`): answers the health paths in an `onRequest` hook. */
  fastify(): FastifyPluginLike;
  /** Koa middleware (`app.use(health.koa())`). */
  koa(): KoaMiddlewareLike;
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
