/**
 * Every label key slakit puts on a metric or an alert: the OpenTelemetry attribute key, its Prometheus label name
 * (`prometheusLabelName()`: dots become underscores) and, where bounded, its values. Pure data, no imports.
 */

/** One label key of the catalogue. */
export interface LabelDefinition {
  /** Attribute key as recorded (OpenTelemetry), or the alert label as fired. */
  readonly key: string;
  /** Label name in the Prometheus exposition. */
  readonly prometheus: string;
  /** Where it appears: on metrics, on alerts, on both, or only on generated recording rules. */
  readonly on: 'metric' | 'alert' | 'both' | 'rule';
  /** The values it takes, when bounded. */
  readonly values?: readonly string[];
  /** What the value is. */
  readonly description: string;
}

/**
 * Alert severities, lowest first: `info` (for the record), `warning` (look during working hours), `error` (needs
 * action today: chat and tickets, never a page), `critical` (page now).
 */
export const SEVERITIES = ['info', 'warning', 'error', 'critical'] as const;
/** An alert severity. */
export type Severity = (typeof SEVERITIES)[number];

/** Outcomes of a job run (`outcome` label of `job_runs_total`, `job_run_duration_seconds`). */
export const JOB_OUTCOMES = ['succeeded', 'failed', 'timed_out', 'lease_lost', 'skipped_locked', 'skipped_overlap'] as const;

/** Priorities of a job (`priority` label of `job_start_delay_seconds`), highest first. */
export const JOB_PRIORITIES = ['critical', 'high', 'normal', 'low'] as const;

/** Every label key, by a stable camelCase name. */
export const LABEL_CATALOGUE = {
  alertname: {
    key: 'alertname',
    prometheus: 'alertname',
    on: 'alert',
    description: 'the alert name (a key of `ALERT_CATALOGUE`)',
  },
  severity: {
    key: 'severity',
    prometheus: 'severity',
    on: 'both',
    values: SEVERITIES,
    description: 'alert severity, lowest first (`SEVERITIES`)',
  },
  service: {
    key: 'service',
    prometheus: 'service',
    on: 'alert',
    description: 'the service name (added by the alerter from the telemetry when missing; the config `service` in rules)',
  },
  job: {
    key: 'job_name',
    prometheus: 'job_name',
    on: 'both',
    description:
      'the job name given to `withSla()` (not `job`: that is the target label Prometheus sets on every scraped series, so a metric label `job` would become `exported_job` under a default scrape)',
  },
  outcome: { key: 'outcome', prometheus: 'outcome', on: 'metric', values: JOB_OUTCOMES, description: 'outcome of a job run' },
  priority: {
    key: 'priority',
    prometheus: 'priority',
    on: 'metric',
    values: JOB_PRIORITIES,
    description: 'the priority given to `withSla()` (default `normal`): picks the late-start threshold',
  },
  queue: { key: 'queue', prometheus: 'queue', on: 'both', description: 'the queue name given to `watchQueue()`' },
  check: { key: 'check', prometheus: 'check', on: 'both', description: 'the health check name' },
  slo: { key: 'slo', prometheus: 'slo', on: 'alert', description: 'the SLO name of the config (generated rules only)' },
  window: {
    key: 'window',
    prometheus: 'window',
    on: 'rule',
    description: 'the SLO window of the `slo:…_window` recording rules',
  },
  alert: { key: 'alert', prometheus: 'alert', on: 'metric', description: 'the alertname a notification is about' },
  sink: { key: 'sink', prometheus: 'sink', on: 'metric', description: 'the name of the alert sink' },
  result: {
    key: 'result',
    prometheus: 'result',
    on: 'metric',
    values: ['sent', 'failed', 'dropped', 'succeeded'],
    description: 'result of a delivery (`sent`, `failed`, `dropped`) or of a remediation (`succeeded`, `failed`)',
  },
  action: { key: 'action', prometheus: 'action', on: 'metric', description: 'the name of a remediation action' },
  eventLoopState: {
    key: 'nodejs.eventloop.state',
    prometheus: 'nodejs_eventloop_state',
    on: 'metric',
    values: ['active', 'idle'],
    description: 'state of the event loop (runtime metrics)',
  },
  resourceType: {
    key: 'v8js.resource.type',
    prometheus: 'v8js_resource_type',
    on: 'metric',
    description: 'type of an active resource (`TCPWrap`, `Timeout`, …; runtime metrics)',
  },
  heapSpace: {
    key: 'v8js.heap.space.name',
    prometheus: 'v8js_heap_space_name',
    on: 'metric',
    description: 'V8 heap space (`new_space`, `old_space`, `code_space`, …; runtime metrics)',
  },
  gcType: {
    key: 'v8js.gc.type',
    prometheus: 'v8js_gc_type',
    on: 'metric',
    values: ['major', 'minor', 'incremental', 'weakcb'],
    description: 'kind of garbage collection (runtime metrics)',
  },
  cpuMode: {
    key: 'cpu.mode',
    prometheus: 'cpu_mode',
    on: 'metric',
    values: ['user', 'system'],
    description: 'CPU time mode (runtime metrics)',
  },
  httpRequestMethod: {
    key: 'http.request.method',
    prometheus: 'http_request_method',
    on: 'metric',
    description: 'HTTP method (semconv; unknown methods are `_OTHER`)',
  },
  httpRoute: {
    key: 'http.route',
    prometheus: 'http_route',
    on: 'metric',
    description: 'matched route template, never the raw URL (`_overflow` past `maxRoutes`)',
  },
  httpResponseStatusCode: {
    key: 'http.response.status_code',
    prometheus: 'http_response_status_code',
    on: 'metric',
    description: 'HTTP response status code',
  },
  urlScheme: { key: 'url.scheme', prometheus: 'url_scheme', on: 'metric', values: ['http', 'https'], description: 'URL scheme' },
  errorType: {
    key: 'error.type',
    prometheus: 'error_type',
    on: 'metric',
    description: 'class name of the thrown error, `aborted`, or the status code of a 5xx',
  },
} as const satisfies Record<string, LabelDefinition>;

/** A label of the catalogue, by its camelCase name. */
export type LabelName = keyof typeof LABEL_CATALOGUE;
/** A label key as recorded (`job`, `http.route`, …). */
export type LabelKey = (typeof LABEL_CATALOGUE)[LabelName]['key'];
