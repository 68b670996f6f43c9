import type { Server } from 'node:http';
import { type Clock, systemClock, withDeadline } from '@slakit/core';
import type { Logger } from 'pino';
import type { Lifecycle } from './lifecycle.js';
import { HEALTH_DEFAULTS, type HealthOptions } from './options.js';

/** What the shutdown sequence acts on. */
export interface ShutdownContext {
  options: Pick<
    HealthOptions,
    'server' | 'drainDelayMs' | 'gracefulTimeoutMs' | 'onShutdown' | 'hookTimeoutMs' | 'exitProcess' | 'handleSignals'
  >;
  lifecycle: Pick<Lifecycle, 'set'>;
  /** Stops the background checks. */
  stopChecks: () => void;
  clock: Clock;
  logger: Logger;
}

/** The graceful shutdown of one health instance. */
export interface Shutdown {
  /** Starts the sequence (idempotent: later calls return the same promise); resolves when stopped. */
  shutdown(fromSignal?: boolean): Promise<void>;
  /** Removes the signal listeners (also done when the sequence starts). */
  removeSignals(): void;
}

/** Listens for `handleSignals` (once each) and runs {@link drainAndStop} at most once. */
export function createShutdown(ctx: ShutdownContext): Shutdown {
  let running: Promise<void> | undefined;
  const removeSignals = listenForSignals(ctx.options.handleSignals ?? [], (signal) => {
    ctx.logger.info({ signal }, 'health: shutdown requested by signal');
    shutdown(true);
  });
  const shutdown = (fromSignal = false): Promise<void> => {
    if (running) return running;
    running = (async () => {
      removeSignals();
      await drainAndStop(ctx, fromSignal);
    })();
    return running;
  };
  return { shutdown, removeSignals };
}

/**
 * The sequence: draining for `drainDelayMs` (readiness 503) → closing (the server closes, in-flight requests get
 * `gracefulTimeoutMs`) → `onShutdown` hooks, each within `hookTimeoutMs` → checks stopped → stopped
 * (`process.exit(0)` only for a signal with `exitProcess`).
 */
export async function drainAndStop(ctx: ShutdownContext, fromSignal: boolean): Promise<void> {
  const { options, lifecycle, clock, logger } = ctx;
  lifecycle.set('draining');
  await new Promise<void>((r) => clock.setTimeout(r, options.drainDelayMs ?? HEALTH_DEFAULTS.drainDelayMs));
  lifecycle.set('closing');
  if (options.server) await closeServer(options.server, options.gracefulTimeoutMs ?? HEALTH_DEFAULTS.gracefulTimeoutMs);
  for (const hook of options.onShutdown ?? []) {
    await withDeadline(Promise.resolve().then(hook), options.hookTimeoutMs ?? HEALTH_DEFAULTS.hookTimeoutMs, (error) =>
      logger.error({ error: (error as Error)?.name }, 'health: shutdown hook failed'),
    );
  }
  ctx.stopChecks();
  lifecycle.set('stopped');
  if (fromSignal && options.exitProcess) process.exit(0);
}

/** Closes `server`: idle connections now, the rest when they finish or after `gracefulTimeoutMs` (forced). */
export function closeServer(server: Server, gracefulTimeoutMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const force = systemClock.setTimeout(() => {
      server.closeAllConnections();
      resolve();
    }, gracefulTimeoutMs);
    server.close(() => {
      systemClock.clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}

/** Adds a `process.once` listener per signal; returns the function that removes those still installed. */
export function listenForSignals(signals: readonly NodeJS.Signals[], onSignal: (signal: NodeJS.Signals) => void): () => void {
  const handlers = new Map<NodeJS.Signals, () => void>();
  for (const signal of signals) {
    const handler = () => onSignal(signal);
    handlers.set(signal, handler);
    process.once(signal, handler);
  }
  return () => {
    for (const [signal, handler] of handlers) process.removeListener(signal, handler);
    handlers.clear();
  };
}
