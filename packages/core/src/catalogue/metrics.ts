/**
 * Every metric slakit exposes: the OpenTelemetry instrument (name, unit, kind, description) and what a Prometheus
 * scrape of `metricsHandler` shows for it. The Prometheus name follows `prometheusName()`: dots become underscores,
 * unit `s` appends `_seconds`, unit `1` on a gauge `_ratio`, counters end in `_total`; a histogram is exposed as
 * `_bucket`, `_sum` and `_count` series. Pure data, no imports but types.
 */
import type { LabelKey } from './labels.js';

/** The package that records a metric (and owns its name). */
export type MetricPackage = 'core' | 'express-middleware' | 'job-wrapper' | 'health';

/** One metric of the catalogue. */
export interface MetricDefinition {
  /** OpenTelemetry instrument name. */
  readonly otel: string;
  /** Instrument unit (UCUM); `''` for none. */
  readonly unit: string;
  /** Instrument kind as created on the meter. */
  readonly instrument: 'histogram' | 'counter' | 'upDownCounter' | 'gauge' | 'observableGauge';
  /** Prometheus metric type in the exposition. */
  readonly type: 'histogram' | 'counter' | 'gauge';
  /** Prometheus metric name (the `# TYPE` line). */
  readonly prometheus: string;
  /** The series a scrape shows (`_bucket`, `_sum`, `_count` for a histogram). */
  readonly series: readonly string[];
  /** Attribute keys recorded (Prometheus labels after `prometheusLabelName()`). */
  readonly labels: readonly LabelKey[];
  /** Instrument description (the `# HELP` text). */
  readonly help: string;
  /** What the value means, for people (docs/metrics.md). */
  readonly meaning: string;
  /** Values of a label specific to this metric, when narrower than the label's own. */
  readonly labelValues?: Partial<Record<LabelKey, readonly string[]>>;
  readonly package: MetricPackage;
}

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
  jobDuration: {
    otel: 'job.run.duration',
    unit: 's',
    instrument: 'histogram',
    type: 'histogram',
    prometheus: 'job_run_duration_seconds',
    series: ['job_run_duration_seconds_bucket', 'job_run_duration_seconds_sum', 'job_run_duration_seconds_count'],
    labels: ['job', 'outcome'],
    help: 'Duration of one job run.',
    meaning: 'duration of one job run',
    package: 'job-wrapper',
  },
  jobRuns: {
    otel: 'job.runs',
    unit: '',
    instrument: 'counter',
    type: 'counter',
    prometheus: 'job_runs_total',
    series: ['job_runs_total'],
    labels: ['job', 'outcome'],
    help: 'Job runs by outcome.',
    meaning: 'runs by outcome: `succeeded`, `failed`, `timed_out`, `lease_lost`, `skipped_locked`, `skipped_overlap`',
    package: 'job-wrapper',
  },
  jobUtilization: {
    otel: 'job.sla.utilization',
    unit: '1',
    instrument: 'gauge',
    type: 'gauge',
    prometheus: 'job_sla_utilization_ratio',
    series: ['job_sla_utilization_ratio'],
    labels: ['job'],
    help: 'Last run duration divided by the SLA budget.',
    meaning: 'last run duration / budget',
    package: 'job-wrapper',
  },
  jobRecords: {
    otel: 'job.records.processed',
    unit: '',
    instrument: 'counter',
    type: 'counter',
    prometheus: 'job_records_processed_total',
    series: ['job_records_processed_total'],
    labels: ['job'],
    help: 'Records processed by job runs.',
    meaning: 'records processed',
    package: 'job-wrapper',
  },
  jobLastSuccess: {
    otel: 'job.last_success.timestamp',
    unit: 's',
    instrument: 'gauge',
    type: 'gauge',
    prometheus: 'job_last_success_timestamp_seconds',
    series: ['job_last_success_timestamp_seconds'],
    labels: ['job'],
    help: 'Unix time of the last successful run.',
    meaning: 'Unix time of the last successful run (`schedule()` also exports `lastSuccessAt` at start)',
    package: 'job-wrapper',
  },
  jobConsecutiveFailures: {
    otel: 'job.consecutive_failures',
    unit: '',
    instrument: 'gauge',
    type: 'gauge',
    prometheus: 'job_consecutive_failures',
    series: ['job_consecutive_failures'],
    labels: ['job'],
    help: 'Failed runs since the last success.',
    meaning: 'failed runs since the last success',
    package: 'job-wrapper',
  },
  jobActive: {
    otel: 'job.active',
    unit: '',
    instrument: 'upDownCounter',
    type: 'gauge',
    prometheus: 'job_active',
    series: ['job_active'],
    labels: ['job'],
    help: 'Job runs in progress.',
    meaning: 'runs in progress',
    package: 'job-wrapper',
  },
  jobLeaseContention: {
    otel: 'job.lease.contention',
    unit: '',
    instrument: 'counter',
    type: 'counter',
    prometheus: 'job_lease_contention_total',
    series: ['job_lease_contention_total'],
    labels: ['job'],
    help: 'Runs skipped because another holder had the lease.',
    meaning: 'runs skipped because another holder had the lease',
    package: 'job-wrapper',
  },
  jobNextRun: {
    otel: 'job.next_run.timestamp',
    unit: 's',
    instrument: 'gauge',
    type: 'gauge',
    prometheus: 'job_next_run_timestamp_seconds',
    series: ['job_next_run_timestamp_seconds'],
    labels: ['job'],
    help: 'Unix time of the next scheduled run.',
    meaning: 'Unix time of the next scheduled run',
    package: 'job-wrapper',
  },
  queueDepth: {
    otel: 'queue.depth',
    unit: '',
    instrument: 'gauge',
    type: 'gauge',
    prometheus: 'queue_depth',
    series: ['queue_depth'],
    labels: ['queue'],
    help: 'Items waiting in the queue.',
    meaning: 'items waiting',
    package: 'job-wrapper',
  },
  queueOldestAge: {
    otel: 'queue.oldest_item.age',
    unit: 's',
    instrument: 'gauge',
    type: 'gauge',
    prometheus: 'queue_oldest_item_age_seconds',
    series: ['queue_oldest_item_age_seconds'],
    labels: ['queue'],
    help: 'Age of the oldest waiting item.',
    meaning: 'age of the oldest waiting item',
    package: 'job-wrapper',
  },
  queueAverageAge: {
    otel: 'queue.average_item.age',
    unit: 's',
    instrument: 'gauge',
    type: 'gauge',
    prometheus: 'queue_average_item_age_seconds',
    series: ['queue_average_item_age_seconds'],
    labels: ['queue'],
    help: 'Average age of the waiting items.',
    meaning: 'average age of the waiting items',
    package: 'job-wrapper',
  },
  queueItemsOverSla: {
    otel: 'queue.items_over_sla',
    unit: '',
    instrument: 'gauge',
    type: 'gauge',
    prometheus: 'queue_items_over_sla',
    series: ['queue_items_over_sla'],
    labels: ['queue'],
    help: 'Waiting items older than the 24 h SLA.',
    meaning: 'waiting items older than the 24 h SLA',
    package: 'job-wrapper',
  },
  queueItemsRequiringEscalation: {
    otel: 'queue.items_requiring_escalation',
    unit: '',
    instrument: 'gauge',
    type: 'gauge',
    prometheus: 'queue_items_requiring_escalation',
    series: ['queue_items_requiring_escalation'],
    labels: ['queue'],
    help: 'Waiting items older than the escalation age.',
    meaning: 'waiting items older than the escalation age (7 days)',
    package: 'job-wrapper',
  },
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
} as const satisfies Record<string, MetricDefinition>;

/** A metric of the catalogue, by its camelCase name. */
export type MetricName = keyof typeof METRIC_CATALOGUE;
/** An OpenTelemetry instrument name slakit creates. */
export type OtelMetricName = (typeof METRIC_CATALOGUE)[MetricName]['otel'];
/** A Prometheus metric name slakit exposes. */
export type PrometheusMetricName = (typeof METRIC_CATALOGUE)[MetricName]['prometheus'];
