export { loadConfigFile } from '../config/load.js';
export {
  type AlertmanagerConfig,
  type AlertmanagerConfigOptions,
  type AlertmanagerRoute,
  generateAlertmanagerConfig,
  type SecretMode,
} from './alertmanager.js';
export { type DashboardSet, dashboardQueries, generateDashboards } from './dashboards.js';
export { toJson, toYaml } from './output.js';
export { leMatcher, METRICS } from './promql.js';
export {
  prometheusAuthorization,
  queryScalar,
  REPORT_MAX_RESPONSE_BYTES,
  type ReportRow,
  renderReportTable,
  type SlaReport,
  type SlaReportOptions,
  slaReport,
} from './report.js';
export {
  type AlertingRule,
  BURN_RATE_ALERTS,
  GENERATED_ALERTS,
  type GeneratedAlert,
  generateRules,
  type PrometheusRuleFile,
  type RecordingRule,
  type RuleGroup,
  SLO_WINDOWS,
  sloErrorRatioExpr,
} from './rules.js';
