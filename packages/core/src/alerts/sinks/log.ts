import type { Logger } from 'pino';
import type { Severity } from '../../env.js';
import { validateOptions } from '../../validation/options.js';
import { SINK_OPTION_SCHEMAS } from '../../validation/schemas.js';
import type { AlertSink, DeliveryOptions } from '../delivery.js';
import { forSeverity } from '../model.js';

/** Options of {@link logSink}. */
export interface LogSinkOptions {
  /** Sink name; default `log`. */
  name?: string;
  delivery?: DeliveryOptions;
}

const LEVEL = { info: 'info', warning: 'warn', error: 'error', critical: 'error' } as const satisfies Record<Severity, string>;

/**
 * Writes each notification as one log line: `warn` for warnings, `error` for error and critical, `info` for info and
 * resolutions, with labels, annotations, values and the fingerprint. Kind `log` (routed for every severity).
 */
export function logSink(logger: Logger, options: LogSinkOptions = {}): AlertSink {
  validateOptions(SINK_OPTION_SCHEMAS.logSink, options);
  return {
    name: options.name ?? 'log',
    kind: 'log',
    delivery: options.delivery ?? { retries: 0 },
    async send(n) {
      const level = n.status === 'resolved' ? 'info' : forSeverity(LEVEL, n.labels.severity, 'warn');
      logger[level](
        {
          alert: {
            status: n.status,
            reason: n.reason,
            fingerprint: n.fingerprint,
            labels: n.labels,
            annotations: n.annotations,
            values: n.values,
            startsAt: n.startsAt.toISOString(),
            endsAt: n.endsAt?.toISOString(),
          },
        },
        `${n.status === 'resolved' ? 'RESOLVED' : (n.labels.severity ?? '').toUpperCase()} ${n.labels.alertname}: ${n.annotations.summary ?? ''}`.trim(),
      );
    },
  };
}
