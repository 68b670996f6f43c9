import type { Logger } from 'pino';
import { withDeadline } from '../clock.js';
import { rateLimitedLog } from '../logger.js';

/** Reports a failure of a telemetry component (rate-limited warn logs once the logger exists). */
export type Report = (key: string, error: unknown) => void;

/**
 * What `createTelemetry()` started and must undo: global registrations (undone synchronously first, so a hung
 * exporter can never leave them behind), SDK components to shut down, and flushers.
 */
export interface Lifecycle {
  readonly unregisters: Array<() => void>;
  readonly cleanups: Array<() => Promise<void> | void>;
  readonly flushers: Array<() => Promise<void>>;
  /** Reports a failure; a no-op until {@link attachLogger} (the logger is created after the providers). */
  report: Report;
}

export function createLifecycle(): Lifecycle {
  return { unregisters: [], cleanups: [], flushers: [], report: () => {} };
}

/** From now on failures are logged at warn, at most once a minute per component. */
export function attachLogger(lifecycle: Lifecycle, logger: Logger): void {
  const limited = rateLimitedLog();
  lifecycle.report = (key, error) =>
    limited(key, () =>
      logger.warn(
        { error: { type: (error as Error)?.name, code: (error as { code?: unknown })?.code }, component: key },
        `slakit telemetry: ${key} failed`,
      ),
    );
}

/** Flushes every flusher within `timeoutMs`; never rejects. */
export async function flushAll(lifecycle: Lifecycle, timeoutMs: number): Promise<void> {
  await withDeadline(
    Promise.all(lifecycle.flushers.map((f) => f())).then(() => undefined),
    timeoutMs,
    (error) => lifecycle.report('flush', error),
    () => lifecycle.report('flush', new Error('flush deadline exceeded')),
  );
}

/** Unregisters the globals at once, then runs every cleanup within `timeoutMs`; never rejects. */
export function shutdownAll(lifecycle: Lifecycle, timeoutMs: number): Promise<void> {
  const report = (error: unknown) => lifecycle.report('shutdown', error);
  for (const unregister of lifecycle.unregisters) {
    try {
      unregister();
    } catch (error) {
      report(error);
    }
  }
  return withDeadline(
    Promise.all(
      lifecycle.cleanups.map(async (cleanup) => {
        try {
          await cleanup();
        } catch (error) {
          report(error);
        }
      }),
    ),
    timeoutMs,
    report,
    () => report(new Error('shutdown deadline exceeded')),
  ).then(() => undefined);
}
