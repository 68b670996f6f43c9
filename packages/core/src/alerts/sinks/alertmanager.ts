import { checkHeaders } from '../../outbound.js';
import { validateOptions } from '../../validation/options.js';
import { SINK_OPTION_SCHEMAS } from '../../validation/schemas.js';
import type { AlertSink, DeliveryOptions } from '../delivery.js';
import type { AlertNotification } from '../model.js';
import { checkUrl, postJson } from './http.js';

/** Options of {@link alertmanagerSink}. */
export interface AlertmanagerSinkOptions {
  /** Sink name; default `alertmanager`. */
  name?: string;
  /** `generatorURL` of every alert (e.g. a link to the service's ops page). */
  generatorURL?: string;
  /** Re-post firing alerts every N seconds; default 60. `endsAt` is set 4× ahead, as Prometheus does. */
  refreshSeconds?: number;
  /** Extra headers (e.g. basic auth); never logged. `user:password@` in the URL is sent as basic auth too. */
  headers?: Record<string, string>;
  delivery?: DeliveryOptions;
}

/** The `POST /api/v2/alerts` body for a notification (exported for tests). */
export function alertmanagerAlerts(
  n: AlertNotification,
  refreshSeconds: number,
  generatorURL?: string,
): Record<string, unknown>[] {
  const annotations: Record<string, string> = { ...n.annotations };
  for (const [k, v] of Object.entries(n.values)) if (!(k in annotations)) annotations[k] = String(v);
  const endsAt = n.status === 'resolved' ? (n.endsAt ?? n.at) : new Date(n.at.getTime() + 4 * refreshSeconds * 1000);
  const alert: Record<string, unknown> = {
    labels: { ...n.labels },
    annotations,
    startsAt: n.startsAt.toISOString(),
    endsAt: endsAt.toISOString(),
  };
  if (generatorURL) alert.generatorURL = generatorURL;
  return [alert];
}

/**
 * Alertmanager API v2 (`POST <url>/api/v2/alerts`): labels, annotations (values added as strings), `startsAt`,
 * `endsAt`, `generatorURL`. Firing alerts are re-posted every `refreshSeconds` with `endsAt` ahead, as Alertmanager
 * expects from a client; the resolution posts `endsAt` = now. Kind `alertmanager` (routing happens in Alertmanager).
 * Redirects are never followed (a 3xx is a failed delivery `HTTP_3xx`); the response body is read up to 4 KB.
 * @throws SlakitError `ERR_SLAKIT_INVALID_OPTION` for a URL that is not http(s) or an invalid header (not echoed)
 */
export function alertmanagerSink(url: string, options: AlertmanagerSinkOptions = {}): AlertSink {
  validateOptions(SINK_OPTION_SCHEMAS.alertmanagerSink, options);
  const base = checkUrl('url', url).replace(/\/+$/, '');
  const headers = checkHeaders('headers', options.headers);
  const refreshSeconds = options.refreshSeconds ?? 60;
  return {
    name: options.name ?? 'alertmanager',
    kind: 'alertmanager',
    refreshSeconds,
    delivery: options.delivery,
    send: (n, signal) =>
      postJson(`${base}/api/v2/alerts`, alertmanagerAlerts(n, refreshSeconds, options.generatorURL), signal, headers),
  };
}
