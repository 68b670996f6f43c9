import type { Severity } from '../../env.js';
import { invalidOption } from '../../errors.js';
import { validateOptions } from '../../validation/options.js';
import { SINK_OPTION_SCHEMAS } from '../../validation/schemas.js';
import type { AlertSink, DeliveryOptions } from '../delivery.js';
import { type AlertNotification, forSeverity } from '../model.js';
import { checkUrl, postJson, SUBJECT_LABELS } from './http.js';

/** Options of {@link pagerDutySink}. */
export interface PagerDutySinkOptions {
  /** Events API v2 integration (routing) key; a secret, never logged. */
  routingKey: string;
  /** Sink name; default `pagerduty`. */
  name?: string;
  /** Events API URL; default `https://events.pagerduty.com/v2/enqueue`. */
  url?: string;
  /** `payload.source`; default the alert's `service` label, then `slakit`. */
  source?: string;
  delivery?: DeliveryOptions;
}

const SEVERITY: Readonly<Record<Severity, 'critical' | 'error' | 'warning' | 'info'>> = {
  critical: 'critical',
  error: 'error',
  warning: 'warning',
  info: 'info',
};

/** PagerDuty's `payload.severity` of a slakit severity: the same four levels, one to one; anything else `warning`. */
export function pagerDutySeverity(severity: string | undefined): 'critical' | 'error' | 'warning' | 'info' {
  return forSeverity(SEVERITY, severity, 'warning');
}

/** The Events API v2 body for a notification (exported for tests). */
export function pagerDutyEvent(n: AlertNotification, routingKey: string, source?: string): Record<string, unknown> {
  if (n.status === 'resolved') return { routing_key: routingKey, event_action: 'resolve', dedup_key: n.fingerprint };
  const subject = SUBJECT_LABELS.find((k) => n.labels[k]);
  const event: Record<string, unknown> = {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: n.fingerprint,
    payload: {
      summary: `${n.labels.alertname}: ${n.annotations.summary ?? ''}`.slice(0, 1024),
      source: source ?? n.labels.service ?? 'slakit',
      severity: pagerDutySeverity(n.labels.severity),
      timestamp: n.startsAt.toISOString(),
      component: subject ? n.labels[subject] : undefined,
      group: n.labels.service,
      class: n.labels.alertname,
      custom_details: { labels: n.labels, annotations: n.annotations, values: n.values },
    },
    client: 'slakit',
  };
  if (n.annotations.runbook_url) event.links = [{ href: n.annotations.runbook_url, text: 'Runbook' }];
  return event;
}

/**
 * PagerDuty Events API v2: `trigger` while firing and `resolve` on resolution, with `dedup_key` = the alert
 * fingerprint (so re-sends update one incident) and the slakit severity mapped to PagerDuty's. Kind `pager`.
 * @throws SlakitError `ERR_SLAKIT_INVALID_OPTION` without a routing key
 */
export function pagerDutySink(options: PagerDutySinkOptions): AlertSink {
  validateOptions(SINK_OPTION_SCHEMAS.pagerDutySink, options);
  if (typeof options?.routingKey !== 'string' || options.routingKey.trim() === '') {
    throw invalidOption('routingKey', '[redacted]', 'a non-empty PagerDuty Events API v2 integration key');
  }
  const url = checkUrl('url', options.url ?? 'https://events.pagerduty.com/v2/enqueue');
  return {
    name: options.name ?? 'pagerduty',
    kind: 'pager',
    delivery: options.delivery,
    send: (n, signal) => postJson(url, pagerDutyEvent(n, options.routingKey, options.source), signal),
  };
}
