import type { Severity } from '../../env.js';
import { invalidOption } from '../../errors.js';
import { validateOptions } from '../../validation/options.js';
import { SINK_OPTION_SCHEMAS } from '../../validation/schemas.js';
import { type AlertSink, type DeliveryOptions, SinkDeliveryError } from '../delivery.js';
import { type AlertNotification, forSeverity } from '../model.js';
import { checkUrl, postJson, SUBJECT_LABELS } from './http.js';

/** Options of {@link telegramSink}. */
export interface TelegramSinkOptions {
  /** Bot token; a secret, never logged (it is part of the API URL, which is never logged either). */
  botToken: string;
  /** Chats to post to. */
  chatIds: (string | number)[];
  /** Sink name; default `telegram`. */
  name?: string;
  /** Bot API base URL; default `https://api.telegram.org`. */
  apiUrl?: string;
  sendResolved?: boolean;
  delivery?: DeliveryOptions;
}

/**
 * Bound of a Bot API answer: `sendMessage` echoes the whole message (up to 4096 characters, `\uXXXX`-escaped, plus
 * its entities), which is more than the 4 KB other sinks allow.
 */
const TELEGRAM_MAX_RESPONSE_BYTES = 64 * 1024;

const html = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The title of a firing notification, by severity (an unknown severity reads as a warning). */
const HEAD: Readonly<Record<Severity, string>> = {
  critical: '🔴 CRITICAL',
  error: '🟠 ERROR',
  warning: '⚠️ WARNING',
  info: 'ℹ️ INFO',
};

/** The message text (HTML parse mode) for a notification. */
export function telegramText(n: AlertNotification): string {
  const head = n.status === 'resolved' ? '✅ RESOLVED' : forSeverity(HEAD, n.labels.severity, HEAD.warning);
  const lines = [`<b>${head}: ${html(n.labels.alertname ?? '')}</b>`];
  if (n.annotations.summary) lines.push(html(n.annotations.summary));
  for (const k of ['service', ...SUBJECT_LABELS])
    if (n.labels[k]) lines.push(`${k}: <code>${html(n.labels[k] as string)}</code>`);
  for (const [k, v] of Object.entries(n.values)) lines.push(`${html(k)}: ${html(String(v))}`);
  if (n.annotations.recommended_action) lines.push(`Action: ${html(n.annotations.recommended_action)}`);
  if (n.annotations.runbook_url) lines.push(`<a href="${html(n.annotations.runbook_url)}">Runbook</a>`);
  return lines.join('\n').slice(0, 4096);
}

/**
 * Telegram Bot API `sendMessage` to every chat id (seed 003), HTML formatted. Kind `chat`. A delivery fails when
 * any chat fails; a retry posts only to the chats that have not received it yet. Redirects are never followed (a 3xx
 * is a failed delivery `HTTP_3xx`); each response body is read up to 64 KiB (the Bot API echoes the message).
 * @throws SlakitError `ERR_SLAKIT_INVALID_OPTION` without a well-formed token or without chat ids
 */
export function telegramSink(options: TelegramSinkOptions): AlertSink {
  validateOptions(SINK_OPTION_SCHEMAS.telegramSink, options);
  // The token becomes a path segment of the API URL: `/`, `?`, `#`, `%`, `@` or spaces would change the URL.
  if (typeof options?.botToken !== 'string' || !/^[A-Za-z0-9:_-]{1,200}$/.test(options.botToken)) {
    throw invalidOption('botToken', '[redacted]', 'a Telegram bot token (letters, digits, ":", "_", "-")');
  }
  if (!Array.isArray(options.chatIds) || options.chatIds.length === 0) {
    throw invalidOption('chatIds', options?.chatIds, 'a non-empty array of chat ids');
  }
  const base = checkUrl('apiUrl', options.apiUrl ?? 'https://api.telegram.org').replace(/\/+$/, '');
  const url = `${base}/bot${options.botToken}/sendMessage`;
  const delivered = new WeakMap<AlertNotification, Set<string | number>>();
  return {
    name: options.name ?? 'telegram',
    kind: 'chat',
    sendResolved: options.sendResolved ?? true,
    delivery: options.delivery,
    async send(n, signal) {
      const text = telegramText(n);
      const done = delivered.get(n) ?? new Set<string | number>();
      delivered.set(n, done);
      const results = await Promise.allSettled(
        options.chatIds
          .filter((chatId) => !done.has(chatId))
          .map(async (chatId) => {
            await postJson(
              url,
              { chat_id: chatId, text, parse_mode: 'HTML', disable_web_page_preview: true },
              signal,
              {},
              TELEGRAM_MAX_RESPONSE_BYTES,
            );
            done.add(chatId);
          }),
      );
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason instanceof SinkDeliveryError ? failed.reason : new SinkDeliveryError('ERROR', true);
    },
  };
}
