import type { Severity } from '../../env.js';
import { invalidOption } from '../../errors.js';
import { validateOptions } from '../../validation/options.js';
import { SINK_OPTION_SCHEMAS } from '../../validation/schemas.js';
import type { AlertSink, DeliveryOptions } from '../delivery.js';
import { forSeverity } from '../model.js';

/** The part of a Sentry client (`@sentry/node` or any hub) this sink uses. */
export interface SentryLike {
  captureMessage(
    message: string,
    context?: { level?: string; fingerprint?: string[]; tags?: Record<string, string>; extra?: Record<string, unknown> },
  ): unknown;
}

/** Options of {@link sentrySink}. */
export interface SentrySinkOptions {
  /** Sink name; default `sentry`. */
  name?: string;
  /** Send resolutions as `info` events; default false (Sentry has no resolve). */
  sendResolved?: boolean;
  delivery?: DeliveryOptions;
}

/** Sentry level of each severity: critical → `fatal`, error → `error`, warning → `warning`, info → `info`. */
const LEVEL: Readonly<Record<Severity, string>> = { critical: 'fatal', error: 'error', warning: 'warning', info: 'info' };

/**
 * Captures each notification with `sentry.captureMessage(message, { level, fingerprint: [fingerprint], tags: labels,
 * extra })` — duck-typed, so slakit has no dependency on `@sentry/node`. Kind `sentry`.
 * @throws SlakitError `ERR_SLAKIT_INVALID_OPTION` when `sentry` has no `captureMessage`
 */
export function sentrySink(sentry: SentryLike, options: SentrySinkOptions = {}): AlertSink {
  validateOptions(SINK_OPTION_SCHEMAS.sentrySink, options);
  if (!sentry || typeof sentry.captureMessage !== 'function') {
    throw invalidOption('sentry', sentry, 'a Sentry client with captureMessage(message, context)');
  }
  return {
    name: options.name ?? 'sentry',
    kind: 'sentry',
    sendResolved: options.sendResolved ?? false,
    delivery: options.delivery ?? { retries: 0 },
    async send(n) {
      const resolved = n.status === 'resolved';
      sentry.captureMessage(`${resolved ? 'RESOLVED ' : ''}${n.labels.alertname}: ${n.annotations.summary ?? ''}`.trim(), {
        level: resolved ? 'info' : forSeverity(LEVEL, n.labels.severity, 'warning'),
        fingerprint: [n.fingerprint],
        tags: { ...n.labels, alert_status: n.status },
        extra: { annotations: n.annotations, values: n.values, startsAt: n.startsAt.toISOString(), reason: n.reason },
      });
    },
  };
}
