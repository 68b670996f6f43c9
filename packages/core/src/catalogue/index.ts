/**
 * The catalogue of names (issue #18): every metric, alert and label key slakit uses, as typed constants that the
 * packages and the CLI import, and that docs/metrics.md and docs/alerts.md are generated from (`pnpm docs:gen`).
 */
export { ALERT_CATALOGUE, type AlertDefinition, type AlertName, type AlertRule, type AlertRuntime } from './alerts.js';
export { JOB_RULE_DEFAULTS, JOB_RULE_PARITY, JOB_START_DELAY_THRESHOLDS, type JobRuleParameter } from './job-rules.js';
export { JOB_OUTCOMES, JOB_PRIORITIES, LABEL_CATALOGUE, type LabelDefinition, type LabelKey, type LabelName } from './labels.js';
export {
  METRIC_CATALOGUE,
  type MetricDefinition,
  type MetricName,
  type MetricPackage,
  type OtelMetricName,
  type PrometheusMetricName,
} from './metrics.js';
export { RUNTIME_METRIC_GROUPS, RUNTIME_METRICS, type RuntimeMetricGroup } from './metrics-runtime.js';
