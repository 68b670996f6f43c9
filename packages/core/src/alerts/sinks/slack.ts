import type { Severity } from '../../env.js';
import { validateOptions } from '../../validation/options.js';
import { SINK_OPTION_SCHEMAS } from '../../validation/schemas.js';
import type { AlertSink, DeliveryOptions } from '../delivery.js';
import { type AlertNotification, forSeverity } from '../model.js';
import { checkUrl, postJson, SUBJECT_LABELS, subjectField } from './http.js';

/** Options of {@link slackSink}. */
export interface SlackSinkOptions {
  /** Sink name; default `slack`. */
  name?: string;
  sendResolved?: boolean;
  delivery?: DeliveryOptions;
}

/** The emoji before the summary, by severity (Slack's incoming-webhook blocks have no colour bar). */
const EMOJI: Readonly<Record<Severity, string>> = {
  critical: ':red_circle:',
  error: ':large_orange_circle:',
  warning: ':warning:',
  info: ':information_source:',
};

/** Escapes Slack mrkdwn control characters. */
function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The Block Kit message for a notification (exported for tests and custom transports). */
export function slackMessage(n: AlertNotification): Record<string, unknown> {
  const severity = n.labels.severity ?? 'warning';
  const status = n.status === 'resolved' ? 'RESOLVED' : severity.toUpperCase();
  const emoji = n.status === 'resolved' ? ':white_check_mark:' : forSeverity(EMOJI, severity, EMOJI.warning);
  const title = `${status}: ${n.labels.alertname}`;
  const subject = SUBJECT_LABELS.find((k) => n.labels[k]);
  const fields = [
    { type: 'mrkdwn', text: `*Severity*\n${esc(severity)}` },
    { type: 'mrkdwn', text: `*Status*\n${n.status}` },
  ];
  if (n.labels.service) fields.push({ type: 'mrkdwn', text: `*Service*\n${esc(n.labels.service)}` });
  if (subject) fields.push({ type: 'mrkdwn', text: `*${subjectField(subject)}*\n${esc(n.labels[subject] as string)}` });
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: `${title}`.slice(0, 150), emoji: true } },
    { type: 'section', text: { type: 'mrkdwn', text: `${emoji} ${esc(n.annotations.summary ?? n.labels.alertname ?? '')}` } },
    { type: 'section', fields: fields.slice(0, 10) },
  ];
  const values = Object.entries(n.values);
  if (values.length > 0) {
    blocks.push({
      type: 'section',
      fields: values.slice(0, 10).map(([k, v]) => ({ type: 'mrkdwn', text: `*${esc(k)}*\n${esc(String(v))}` })),
    });
  }
  if (n.annotations.recommended_action) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `*Recommended action*\n${esc(n.annotations.recommended_action)}` },
    });
  }
  if (n.annotations.runbook_url) {
    blocks.push({
      type: 'actions',
      elements: [{ type: 'button', text: { type: 'plain_text', text: 'Runbook' }, url: n.annotations.runbook_url }],
    });
  }
  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: `fingerprint ${n.fingerprint} · since ${n.startsAt.toISOString()}` }],
  });
  return { text: `${title} — ${n.annotations.summary ?? ''}`.trim(), blocks };
}

/**
 * Posts a Block Kit message to a Slack incoming webhook: severity, status, service and subject, summary, values,
 * recommended action and a runbook button. Kind `chat`. The webhook URL is a secret: it is never logged.
 * @throws SlakitError `ERR_SLAKIT_INVALID_OPTION` for a URL that is not http(s)
 */
export function slackSink(webhookUrl: string, options: SlackSinkOptions = {}): AlertSink {
  validateOptions(SINK_OPTION_SCHEMAS.slackSink, options);
  const target = checkUrl('webhookUrl', webhookUrl);
  return {
    name: options.name ?? 'slack',
    kind: 'chat',
    sendResolved: options.sendResolved ?? true,
    delivery: options.delivery,
    send: (n, signal) => postJson(target, slackMessage(n), signal),
  };
}
