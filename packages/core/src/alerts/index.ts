export {
  type ActiveAlert,
  type Alerter,
  type AlerterOptions,
  createAlerter,
  type Escalation,
  type FireResult,
  type RemediationAction,
  type RemediationContext,
} from './alerter.js';
export { type AlertSink, type DeliveryOptions, SinkDeliveryError, type SinkKind } from './delivery.js';
export type { HistoryEntry, HistoryQuery, NotificationRecord, RemediationRecord } from './history.js';
export {
  type Alert,
  type AlertAnnotations,
  type AlertLabels,
  type AlertNotification,
  type AlertValues,
  alertFingerprint,
  type NotificationReason,
  validateAlert,
} from './model.js';
export { type AlertmanagerSinkOptions, alertmanagerAlerts, alertmanagerSink } from './sinks/alertmanager.js';
export { type LogSinkOptions, logSink } from './sinks/log.js';
export { type PagerDutySinkOptions, pagerDutyEvent, pagerDutySink } from './sinks/pagerduty.js';
export { type SentryLike, type SentrySinkOptions, sentrySink } from './sinks/sentry.js';
export { type SlackSinkOptions, slackMessage, slackSink } from './sinks/slack.js';
export { type TelegramSinkOptions, telegramSink, telegramText } from './sinks/telegram.js';
export { type WebhookSinkOptions, webhookSink } from './sinks/webhook.js';
export { type AlertStore, memoryAlertStore, type RedisAlertStoreOptions, redisAlertStore } from './store.js';
