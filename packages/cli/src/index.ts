export { DEFAULT_CONFIG_FILES, main } from './cli.js';
export { loadConfigFile } from './config/load.js';
export {
  type AlertmanagerConfig,
  type AlertmanagerConfigOptions,
  type AlertmanagerRoute,
  generateAlertmanagerConfig,
  type SecretMode,
} from './generators/alertmanager.js';
export { type DashboardSet, dashboardQueries, generateDashboards } from './generators/dashboards.js';
export type {
  GrafanaDashboard,
  GrafanaDataSourceRef,
  GrafanaGridPos,
  GrafanaPanel,
  GrafanaRowPanel,
  GrafanaTarget,
} from './generators/grafana.js';
export { toJson, toYaml } from './generators/output.js';
export { leMatcher, METRICS } from './generators/promql.js';
export {
  prometheusAuthorization,
  queryScalar,
  REPORT_MAX_RESPONSE_BYTES,
  type ReportRow,
  type SlaReport,
  type SlaReportOptions,
  slaReport,
} from './generators/report.js';
export { renderReportTable } from './generators/report-table.js';
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
} from './generators/rules.js';
export {
  type BurnWindow,
  burnWindows,
  MIN_BURN_WINDOW_SECONDS,
  MIN_SLO_PERIOD_SECONDS,
  recordedWindows,
} from './generators/slo-windows.js';
