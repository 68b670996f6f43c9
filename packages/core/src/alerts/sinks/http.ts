import { SlakitError } from '../../errors.js';
import { OutboundError, outboundRequest } from '../../outbound.js';
import { SinkDeliveryError } from '../delivery.js';
import type { AlertNotification } from '../model.js';

/** Statuses worth retrying: timeouts, rate limits and server errors. */
export function retryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

/** Bound of a sink's response body: enough for an error detail, never a whole page. */
export const SINK_MAX_RESPONSE_BYTES = 4096;

/** Codes after which a retry would get the same answer (or cost the same again). */
const FINAL_CODES = new Set(['BODY_TOO_LARGE', 'UNSUPPORTED_PROTOCOL', 'INVALID_URL']);

/**
 * POSTs JSON and resolves on a 2xx; anything else rejects with a {@link SinkDeliveryError} whose code is
 * `HTTP_<status>` (a 3xx included: redirects are never followed), `TIMEOUT`, `BODY_TOO_LARGE` (more than
 * `maxBodyBytes`, default {@link SINK_MAX_RESPONSE_BYTES}, of response body: the connection is dropped) or the
 * network error code — never
 * the URL (which may carry a token) nor a body. `user:password@` in the URL is sent as basic auth.
 */
export async function postJson(
  url: string,
  body: unknown,
  signal: AbortSignal,
  headers: Record<string, string> = {},
  maxBodyBytes: number = SINK_MAX_RESPONSE_BYTES,
): Promise<void> {
  let status: number;
  try {
    ({ status } = await outboundRequest(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'slakit-alerts', ...headers },
      body: JSON.stringify(body),
      signal,
      maxBodyBytes,
    }));
  } catch (error) {
    if (signal.aborted) throw new SinkDeliveryError('TIMEOUT', true);
    const code = error instanceof OutboundError ? error.code : 'NETWORK_ERROR';
    throw new SinkDeliveryError(code, !FINAL_CODES.has(code));
  }
  if (status < 200 || status > 299) throw new SinkDeliveryError(`HTTP_${status}`, retryableStatus(status));
}

/** The labels naming what an alert is about, first present wins: slakit's `job_name`, a host's `job`, queue, check, SLO. */
export const SUBJECT_LABELS = ['job_name', 'job', 'queue', 'check', 'slo'] as const;

/** A subject label as people and seed 000's payloads name it (the job is `job`). */
export const subjectField = (label: string): string => (label === 'job_name' ? 'job' : label);

/** The seed 000 alert payload fields, from an alert's labels, annotations and values. */
export function seedPayloadFields(n: AlertNotification): Record<string, unknown> {
  const v = n.values;
  const pick = (...keys: string[]) => {
    for (const k of keys) if (v[k] !== undefined) return v[k];
    return undefined;
  };
  // The payload keeps seed 000's field names; `job_name` wins over a host's `job` (later entries win).
  const subject = Object.fromEntries(
    SUBJECT_LABELS.filter((k) => n.labels[k])
      .map((k) => [subjectField(k), n.labels[k]])
      .reverse(),
  );
  return {
    alert_type:
      n.labels.alert_type ?? (typeof v.alert_type === 'string' ? v.alert_type : snakeCase(n.labels.alertname ?? 'alert')),
    severity: n.labels.severity,
    ...subject,
    sla_budget_seconds: pick('sla_budget_seconds', 'budget_seconds'),
    actual_duration_seconds: pick('actual_duration_seconds', 'duration_seconds'),
    utilization_percent: pick('utilization_percent'),
    threshold_percent: pick('threshold_percent'),
    message: n.annotations.summary ?? n.annotations.description ?? n.labels.alertname,
    recommended_action: n.annotations.recommended_action,
    runbook: n.annotations.runbook_url,
  };
}

/** `JobSlaBreachWarning` → `job_sla_breach_warning`. */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .replace(/[^a-zA-Z0-9]+/g, '_')
    .toLowerCase();
}

/** Rejects a sink URL that is not http(s). */
export function checkUrl(field: string, url: unknown): string {
  let ok = false;
  try {
    ok = typeof url === 'string' && ['http:', 'https:'].includes(new URL(url).protocol);
  } catch {}
  if (!ok) {
    // The URL itself may hold a secret (Slack webhooks, tokens): it is not echoed.
    throw new SlakitError('ERR_SLAKIT_INVALID_OPTION', `${field} must be an http(s) URL`, {
      field,
      accepted: 'an http(s) URL',
    });
  }
  return url as string;
}
