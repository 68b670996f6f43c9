/**
 * Every metric slakit exposes: the OpenTelemetry instrument (name, unit, kind, description) and what a Prometheus
 * scrape of `metricsHandler` shows for it. The Prometheus name follows `prometheusName()`: dots become underscores,
 * unit `s` appends `_seconds`, unit `1` on a gauge `_ratio`, counters end in `_total`; a histogram is exposed as
 * `_bucket`, `_sum` and `_count` series. Pure data: no runtime imports but the job metrics' data file.
 */
import type { MetricDefinition } from './metric-types.js';
import { JOB_ATTEMPT_METRICS } from './metrics-job-attempts.js';
import { JOB_METRICS } from './metrics-jobs.js';
import { RUNTIME_METRICS } from './metrics-runtime.js';

export type { MetricDefinition, MetricPackage } from './metric-types.js';

/** Every metric, by a stable camelCase name (the keys of the generators' `METRICS` are a subset). */
export const METRIC_CATALOGUE = {
  httpDuration: {
    otel: 'http.server.request.duration',
    unit: 's',
    instrument: 'histogram',
    type: 'histogram',
    prometheus: 'http_server_request_duration_seconds',
    series: [
      'http_server_request_duration_seconds_bucket',
      'http_server_request_duration_seconds_sum',
      'http_server_request_duration_seconds_count',
    ],
    labels: ['http.request.method', 'http.route', 'http.response.status_code', 'url.scheme', 'error.type'],
    help: 'Duration of HTTP server requests.',
    meaning: 'server request duration; buckets = semconv ∪ SLO thresholds',
    package: 'express-middleware',
  },
  httpActive: {
    otel: 'http.server.active_requests',
    unit: '',
    instrument: 'upDownCounter',
    type: 'gauge',
    prometheus: 'http_server_active_requests',
    series: ['http_server_active_requests'],
    labels: ['http.request.method', 'url.scheme'],
    help: 'HTTP server requests in flight.',
    meaning: 'requests in flight',
    package: 'express-middleware',
  },
  httpRouteOverflow: {
    otel: 'http.server.route_overflow',
    unit: '',
    instrument: 'counter',
    type: 'counter',
    prometheus: 'http_server_route_overflow_total',
    series: ['http_server_route_overflow_total'],
    labels: [],
    help: 'Requests recorded under the overflow route because maxRoutes distinct routes were already seen.',
    meaning: 'requests recorded as `_overflow` because `maxRoutes` distinct routes were already seen',
    package: 'express-middleware',
  },
  ...JOB_METRICS,
  ...JOB_ATTEMPT_METRICS,
  healthDuration: {
    otel: 'health.check.duration',
    unit: 's',
    instrument: 'histogram',
    type: 'histogram',
    prometheus: 'health_check_duration_seconds',
    series: ['health_check_duration_seconds_bucket', 'health_check_duration_seconds_sum', 'health_check_duration_seconds_count'],
    labels: ['check'],
    help: 'Duration of one health check run.',
    meaning: 'duration of one check run',
    package: 'health',
  },
  healthStatus: {
    otel: 'health.check.status',
    unit: '',
    instrument: 'gauge',
    type: 'gauge',
    prometheus: 'health_check_status',
    series: ['health_check_status'],
    labels: ['check'],
    help: 'Health check status: 1 pass, 0.5 warn, 0 fail.',
    meaning: '1 pass, 0.5 warn, 0 fail',
    package: 'health',
  },
  alertsNotifications: {
    otel: 'alerts.notifications',
    unit: '',
    instrument: 'counter',
    type: 'counter',
    prometheus: 'alerts_notifications_total',
    series: ['alerts_notifications_total'],
    labels: ['alert', 'severity', 'sink', 'result'],
    labelValues: { result: ['sent', 'failed', 'dropped'] },
    help: 'Alert notifications by sink and result (sent, failed, dropped).',
    meaning: 'every sink delivery per sink and result, including Alertmanager refreshes',
    package: 'core',
  },
  alertsDeduplicated: {
    otel: 'alerts.deduplicated',
    unit: '',
    instrument: 'counter',
    type: 'counter',
    prometheus: 'alerts_deduplicated_total',
    series: ['alerts_deduplicated_total'],
    labels: ['alert', 'severity'],
    help: 'Alert repeats suppressed inside the dedup window (here or by another replica).',
    meaning: 'repeats suppressed inside the dedup window, here or by another replica',
    package: 'core',
  },
  alertsRemediations: {
    otel: 'alerts.remediations',
    unit: '',
    instrument: 'counter',
    type: 'counter',
    prometheus: 'alerts_remediations_total',
    series: ['alerts_remediations_total'],
    labels: ['action', 'result'],
    labelValues: { result: ['succeeded', 'failed'] },
    help: 'Remediation runs by action and final result.',
    meaning: 'remediation runs by final result',
    package: 'core',
  },
  alertsActive: {
    otel: 'alerts.active',
    unit: '',
    instrument: 'observableGauge',
    type: 'gauge',
    prometheus: 'alerts_active',
    series: ['alerts_active'],
    labels: ['severity'],
    help: 'Alerts currently firing, by severity.',
    meaning: 'alerts currently firing',
    package: 'core',
  },
  ...RUNTIME_METRICS,
  scrapeDuration: {
    otel: 'slakit.scrape.duration',
    unit: 's',
    instrument: 'gauge',
    type: 'gauge',
    prometheus: 'slakit_scrape_duration_seconds',
    series: ['slakit_scrape_duration_seconds'],
    labels: [],
    help: 'Duration of the previous scrape of slakit metrics handler.',
    meaning: 'wall time of the previous `/metrics` scrape, from collection to the last chunk handed to the socket',
    package: 'core',
  },
  scrapeSeries: {
    otel: 'slakit.scrape.series',
    unit: '',
    instrument: 'gauge',
    type: 'gauge',
    prometheus: 'slakit_scrape_series',
    series: ['slakit_scrape_series'],
    labels: [],
    help: 'Samples (time series) written by the previous scrape of slakit metrics handler.',
    meaning: 'samples the previous `/metrics` scrape wrote (compare with `metrics.seriesBudget`)',
    package: 'core',
  },
} as const satisfies Record<string, MetricDefinition>;

/** A metric of the catalogue, by its camelCase name. */
export type MetricName = keyof typeof METRIC_CATALOGUE;
/** An OpenTelemetry instrument name slakit creates. */
export type OtelMetricName = (typeof METRIC_CATALOGUE)[MetricName]['otel'];
/** A Prometheus metric name slakit exposes. */
export type PrometheusMetricName = (typeof METRIC_CATALOGUE)[MetricName]['prometheus'];
