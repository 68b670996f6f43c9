/** The types of the metric catalogue (apart, so the data files never import each other). */
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
  readonly instrument:
    | 'histogram'
    | 'counter'
    | 'upDownCounter'
    | 'gauge'
    | 'observableGauge'
    | 'observableCounter'
    | 'observableUpDownCounter';
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
