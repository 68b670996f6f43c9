import { checkHeaders } from '../../outbound.js';
import { validateOptions } from '../../validation/options.js';
import { SINK_OPTION_SCHEMAS } from '../../validation/schemas.js';
import type { AlertSink, DeliveryOptions } from '../delivery.js';
import { checkUrl, postJson, seedPayloadFields } from './http.js';

/** Options of {@link webhookSink}. */
export interface WebhookSinkOptions {
  /** Sink name; default `webhook`. */
  name?: string;
  /**
   * Extra request headers (e.g. an authorization header); never logged. An `authorization` header wins over
   * `user:password@` in the URL (which is otherwise sent as basic auth).
   */
  headers?: Record<string, string>;
  /** Whether resolutions are posted; default true. */
  sendResolved?: boolean;
  delivery?: DeliveryOptions;
}

/**
 * POSTs a JSON body per notification: the seed 000 alert payload (`alert_type`, subject, `sla_budget_seconds`,
 * `actual_duration_seconds`, `utilization_percent`, `threshold_percent`, `message`, `recommended_action`, `runbook`)
 * plus `labels`, `annotations`, `values`, `fingerprint`, `status`, `reason`, `startsAt`, `endsAt`. Kind `webhook`.
 * Redirects are never followed (a 3xx is a failed delivery `HTTP_3xx`); the response body is read up to 4 KB.
 * @throws SlakitError `ERR_SLAKIT_INVALID_OPTION` for a URL that is not http(s) (the URL is not echoed) or an invalid
 * header (CR/LF/NUL in a value, a bad name; the value is not echoed)
 */
export function webhookSink(url: string, options: WebhookSinkOptions = {}): AlertSink {
  validateOptions(SINK_OPTION_SCHEMAS.webhookSink, options);
  const target = checkUrl('url', url);
  const headers = checkHeaders('headers', options.headers);
  return {
    name: options.name ?? 'webhook',
    kind: 'webhook',
    sendResolved: options.sendResolved ?? true,
    delivery: options.delivery,
    send: (n, signal) =>
      postJson(
        target,
        {
          ...seedPayloadFields(n),
          status: n.status,
          reason: n.reason,
          fingerprint: n.fingerprint,
          labels: n.labels,
          annotations: n.annotations,
          values: n.values,
          startsAt: n.startsAt.toISOString(),
          endsAt: n.endsAt?.toISOString() ?? null,
        },
        signal,
        headers,
      ),
  };
}
