import type { Counter } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { type Clock, runWithDeadline } from '../clock.js';
import type { NotificationRecord } from './history.js';
import type { AlertNotification } from './model.js';

/** Routing class of a sink; default routes are defined per kind (see `docs/alerts.md`). */
export type SinkKind = 'log' | 'chat' | 'pager' | 'sentry' | 'webhook' | 'alertmanager' | 'custom';

/** Delivery limits of one sink. */
export interface DeliveryOptions {
  /** Deadline of one attempt in ms; default 5000. */
  timeoutMs?: number;
  /** Retries after the first attempt; default 3. */
  retries?: number;
  /** First backoff in ms, doubled each retry with jitter (50–100 %); default 500. */
  backoffMs?: number;
  /** Longest backoff in ms; default 30000. */
  maxBackoffMs?: number;
  /** Notifications queued at most; beyond that new ones are dropped and counted; default 1000. */
  maxQueue?: number;
  /** Deliveries in flight at once; default 2. */
  concurrency?: number;
}

/** A destination for notifications. Implement it for a custom sink; slakit's sinks are built with the factories. */
export interface AlertSink {
  /** Unique name, used in routes, escalations, metrics (`sink` label) and history. */
  readonly name: string;
  /** Routing class. */
  readonly kind: SinkKind;
  /** Delivers one notification; rejects on failure (a {@link SinkDeliveryError} says whether to retry). */
  send(notification: AlertNotification, signal: AbortSignal): Promise<void>;
  /** Re-post firing alerts every N seconds (Alertmanager expects it); default never. */
  readonly refreshSeconds?: number;
  /** Whether resolved notifications are sent; default true. */
  readonly sendResolved?: boolean;
  /** Delivery limits. */
  readonly delivery?: DeliveryOptions;
}

/** A failed delivery: `code` is a short, secret-free reason (`HTTP_503`, `TIMEOUT`, `ECONNREFUSED`). */
export class SinkDeliveryError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  constructor(code: string, retryable: boolean) {
    super(`delivery failed: ${code}`);
    this.name = 'SinkDeliveryError';
    this.code = code;
    this.retryable = retryable;
  }
}

/** A short, secret-free code for any delivery error (never the raw message, which may hold URLs or tokens). */
export function deliveryErrorCode(error: unknown): string {
  if (error instanceof SinkDeliveryError) return error.code;
  const e = error as { code?: unknown; name?: unknown; cause?: { code?: unknown } } | undefined;
  const code = e?.cause?.code ?? e?.code;
  if (typeof code === 'string' && /^[A-Z0-9_]{2,40}$/.test(code)) return code;
  if (e?.name === 'AbortError' || e?.name === 'TimeoutError') return 'TIMEOUT';
  return typeof e?.name === 'string' && /^[A-Za-z]{1,40}$/.test(e.name) ? e.name : 'ERROR';
}

/** Final result of one sink delivery. */
export type DeliveryResult = 'sent' | 'failed' | 'dropped';

interface Job {
  notification: AlertNotification;
  done: (result: DeliveryResult, code?: string) => void;
}

/** A per-sink queue: bounded, with per-attempt deadlines and retries with exponential backoff and jitter. */
export interface Deliverer {
  /** Queues a notification; `done` is called exactly once with the final result. Never throws. */
  enqueue(notification: AlertNotification, done: (result: DeliveryResult, code?: string) => void): void;
  /** Resolves when the queue is empty and nothing is in flight. */
  idle(): Promise<void>;
  /** Stops retrying: queued notifications are dropped, in-flight attempts end after their current try. */
  close(): void;
}

/** Creates the {@link Deliverer} of `sink`: limits from `sink.delivery`, backoff jitter from `random`. */
export function createDeliverer(sink: AlertSink, clock: Clock, random: () => number = Math.random): Deliverer {
  const opts = sink.delivery ?? {};
  const timeoutMs = opts.timeoutMs ?? 5000;
  const retries = opts.retries ?? 3;
  const backoffMs = opts.backoffMs ?? 500;
  const maxBackoffMs = opts.maxBackoffMs ?? 30_000;
  const maxQueue = opts.maxQueue ?? 1000;
  const concurrency = opts.concurrency ?? 2;
  const queue: Job[] = [];
  let inFlight = 0;
  let closed = false;
  let idleWaiters: Array<() => void> = [];

  const sleep = (ms: number) => new Promise<void>((resolve) => clock.setTimeout(resolve, ms));

  const attempt = (notification: AlertNotification): Promise<void> =>
    runWithDeadline(
      clock,
      timeoutMs,
      (signal) => sink.send(notification, signal),
      () => new SinkDeliveryError('TIMEOUT', true),
    );

  const run = async (job: Job) => {
    for (let i = 0; ; i++) {
      try {
        await attempt(job.notification);
        job.done('sent');
        return;
      } catch (error) {
        const retryable = !(error instanceof SinkDeliveryError) || error.retryable;
        if (!retryable || i >= retries || closed) {
          job.done('failed', deliveryErrorCode(error));
          return;
        }
        const base = Math.min(maxBackoffMs, backoffMs * 2 ** i);
        await sleep(Math.round(base * (0.5 + random() * 0.5)));
      }
    }
  };

  const pump = () => {
    while (inFlight < concurrency && queue.length > 0) {
      const job = queue.shift() as Job;
      inFlight++;
      run(job)
        .catch(() => job.done('failed', 'ERROR'))
        .finally(() => {
          inFlight--;
          pump();
        });
    }
    if (inFlight === 0 && queue.length === 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const w of waiters) w();
    }
  };

  return {
    enqueue(notification, done) {
      let settled = false;
      const once = (result: DeliveryResult, code?: string) => {
        if (settled) return;
        settled = true;
        try {
          done(result, code);
        } catch {
          // accounting must never break delivery
        }
      };
      if (closed || queue.length >= maxQueue) {
        once('dropped');
        return;
      }
      queue.push({ notification, done: once });
      pump();
    },
    idle() {
      if (inFlight === 0 && queue.length === 0) return Promise.resolve();
      return new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
    close() {
      closed = true;
      for (const job of queue.splice(0)) job.done('dropped');
      pump();
    },
  };
}

/** What {@link dispatch} needs: the sinks and their deliverers by name, the `alerts.notifications` counter, logging. */
export interface DispatchDeps {
  byName: ReadonlyMap<string, AlertSink>;
  deliverers: ReadonlyMap<string, Deliverer>;
  /** `alerts.notifications`. */
  notifications: Counter;
  logger: Logger;
  /** Rate-limited logging (`rateLimitedLog`). */
  limited: (key: string, log: () => void) => void;
  /** Keeps a settling delivery visible to `idle()`/`close()`. */
  track: (promise: Promise<unknown>) => unknown;
}

/**
 * Fans `notification` out to the deliverers of `sinkNames` (skipping resolutions for sinks with `sendResolved:
 * false`), fills `record.sinks` (`pending`, then the result) and counts each result; failures are logged rate-limited.
 * Never throws.
 */
export function dispatch(
  deps: DispatchDeps,
  notification: AlertNotification,
  sinkNames: readonly string[],
  record: NotificationRecord | undefined,
): void {
  const alert = notification.labels.alertname ?? '';
  const severity = notification.labels.severity ?? '';
  for (const name of sinkNames) {
    const sink = deps.byName.get(name);
    const deliverer = deps.deliverers.get(name);
    if (!sink || !deliverer) continue;
    if (notification.status === 'resolved' && sink.sendResolved === false) continue;
    if (record) record.sinks[name] = 'pending';
    const settled = new Promise<void>((resolve) => {
      deliverer.enqueue(notification, (result: DeliveryResult, code?: string) => {
        deps.notifications.add(1, { alert, severity, sink: name, result });
        if (record) record.sinks[name] = result;
        if (result !== 'sent') {
          deps.limited(`sink:${name}:${result}`, () =>
            deps.logger.warn(
              { sink: name, alert, fingerprint: notification.fingerprint, result, code },
              `slakit alerts: notification ${result} at sink ${name}`,
            ),
          );
        }
        resolve();
      });
    });
    deps.track(settled);
  }
}
