/** The types of the alert catalogue (apart, so the data files never import each other). */
import type { LabelKey, Severity } from './labels.js';

/** Who raises an alert at run time, and when it fires and resolves. */
export interface AlertRuntime {
  /** The API that fires it (`withSla`, `withSla` rules (ledger), `schedule`, `watchQueue`, `createHealth`). */
  readonly raisedBy: string;
  readonly package: 'job-wrapper' | 'health';
  readonly firesWhen: string;
  readonly resolvesWhen: string;
}

/** The generated Prometheus alerting rule of an alert. */
export interface AlertRule {
  /** The expression, simplified (the generated one adds the config's selector and thresholds). */
  readonly expr: string;
  /**
   * The rule's `for`, if any. When the alert is also raised at run time, the runtime waits the same time (the
   * condition must hold that long before it fires), so both evaluators read it from here.
   */
  readonly for?: string;
}

/** One alert of the catalogue. */
export interface AlertDefinition {
  /** The `alertname` label. */
  readonly name: string;
  readonly severity: Severity;
  /** The label naming what the alert is about. */
  readonly subject: 'job_name' | 'queue' | 'check' | 'slo' | 'service';
  /** The labels every instance carries. */
  readonly labels: readonly LabelKey[];
  /** The summary, with `{label}` placeholders (the fired text adds the measured values). */
  readonly summary: string;
  readonly description: string;
  /** The runbook page, relative to the repository root (`runbook_url` = `<alerting.runbookBaseUrl>/<name>.md`). */
  readonly runbook: string;
  /** Set when slakit fires it in process. */
  readonly runtime?: AlertRuntime;
  /** Set when `slakit rules` generates it. */
  readonly rule?: AlertRule;
  /**
   * The defaults of the rule's thresholds, windows and minimum samples, named like the options that change them
   * (the config section's field and the runtime factory's option). The config schema, the runtime evaluation and
   * the rule generator all read their defaults from here.
   */
  readonly params?: Readonly<Record<string, number>>;
  /** The `recommended_action` annotation, the same at run time and in the generated rule. */
  readonly action?: string;
  /**
   * Where the runtime evaluation and the generated rule cannot agree exactly, the difference, as a documented
   * property of the alert (docs/alerts.md). Absent: both evaluate the same definition on the same inputs.
   */
  readonly parity?: string;
}
