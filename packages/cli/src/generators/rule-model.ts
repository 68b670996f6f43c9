// The shapes of a Prometheus rule file and the one constructor of slakit's alerting rules (shared by the SLO rules in
// rules.ts, the job rules in rules-jobs.ts, the queue and health rules in rules-queues-health.ts).
import { ALERT_CATALOGUE, runbookUrl, type Severity, type SlakitConfig } from '@slakit/core';
import { num } from './promql.js';

/** A Prometheus recording rule. */
export interface RecordingRule {
  record: string;
  expr: string;
  labels?: Record<string, string>;
}

/** A Prometheus alerting rule; every generated one carries the labels and annotations below. */
export interface AlertingRule {
  alert: string;
  expr: string;
  for?: string;
  labels: { severity: Severity; service: string } & Record<string, string>;
  annotations: { summary: string; description: string; runbook_url: string; recommended_action: string };
}

/** A Prometheus rule group. */
export interface RuleGroup {
  name: string;
  interval?: string;
  rules: (RecordingRule | AlertingRule)[];
}

/** A Prometheus rule file (`rule_files:` entry). */
export interface PrometheusRuleFile {
  groups: RuleGroup[];
}

/** Names of every alert the rule generator can produce (each has a page in `docs/runbooks/`). */
export const GENERATED_ALERTS = [
  ALERT_CATALOGUE.SloErrorBudgetBurnCritical.name,
  ALERT_CATALOGUE.SloErrorBudgetBurnWarning.name,
  ALERT_CATALOGUE.JobSlaBreachWarning.name,
  ALERT_CATALOGUE.JobSlaBreachCritical.name,
  ALERT_CATALOGUE.JobSuccessRateLow.name,
  ALERT_CATALOGUE.JobThroughputLow.name,
  ALERT_CATALOGUE.JobNoRecordsProcessed.name,
  ALERT_CATALOGUE.JobConsecutiveFailures.name,
  ALERT_CATALOGUE.JobMissedRun.name,
  ALERT_CATALOGUE.JobLeaseContention.name,
  ALERT_CATALOGUE.JobRetryRateHigh.name,
  ALERT_CATALOGUE.JobRetriesExhausted.name,
  ALERT_CATALOGUE.JobStartLate.name,
  ALERT_CATALOGUE.JobStalled.name,
  ALERT_CATALOGUE.JobRunTooFast.name,
  ALERT_CATALOGUE.JobRunTooOften.name,
  ALERT_CATALOGUE.JobUtilizationStreak.name,
  ALERT_CATALOGUE.QueueDepthWarning.name,
  ALERT_CATALOGUE.QueueDepthCritical.name,
  ALERT_CATALOGUE.QueueAgeWarning.name,
  ALERT_CATALOGUE.QueueEscalationRequired.name,
  ALERT_CATALOGUE.QueueResolutionRateLow.name,
  ALERT_CATALOGUE.HealthCheckFailing.name,
  ALERT_CATALOGUE.EventLoopDelayHigh.name,
  ALERT_CATALOGUE.HeapUsageHigh.name,
] as const;
export type GeneratedAlert = (typeof GENERATED_ALERTS)[number];

export const pct = (value: number) => `${num(value * 100)}%`;

/** An alerting rule with slakit's labels (severity, service) and annotations (runbook, recommended action). */
export function alertRule(
  config: SlakitConfig,
  alert: GeneratedAlert,
  severity: Severity,
  expr: string,
  extraLabels: Record<string, string>,
  text: { summary: string; description: string; action: string },
  forDuration?: string,
): AlertingRule {
  return {
    alert,
    expr,
    ...(forDuration ? { for: forDuration } : {}),
    labels: { severity, service: config.service, ...extraLabels },
    annotations: {
      summary: text.summary,
      description: text.description,
      runbook_url: runbookUrl(config, alert),
      recommended_action: text.action,
    },
  };
}
