import { SEVERITIES, type Severity } from '../env.js';
import { describeValue, SlakitError } from '../errors.js';
import { sanitizeMessage } from '../secrets.js';

/**
 * Labels identify an alert: `alertname`, `severity`, `service` and its subject (`job`, `queue`, `check` or `slo`),
 * plus any other label. Values must be short, bounded strings — never raw URLs or error messages.
 */
export interface AlertLabels {
  alertname: string;
  severity: Severity;
  service?: string;
  job?: string;
  queue?: string;
  check?: string;
  slo?: string;
  [label: string]: string | undefined;
}

/** Human-facing text of an alert. */
export interface AlertAnnotations {
  summary?: string;
  description?: string;
  runbook_url?: string;
  recommended_action?: string;
  [annotation: string]: string | undefined;
}

/**
 * Measured values attached to an alert, e.g. `sla_budget_seconds`, `actual_duration_seconds`,
 * `utilization_percent`, `threshold_percent` (the seed 000 payload fields).
 */
export type AlertValues = Record<string, number | string | boolean>;

/** What `alerter.fire()` takes. */
export interface Alert {
  labels: AlertLabels;
  annotations?: AlertAnnotations;
  values?: AlertValues;
}

/** Why a notification was sent. */
export type NotificationReason = 'new' | 'repeat' | 'resend' | 'escalation' | 'resolved' | 'refresh';

/** What a sink receives. */
export interface AlertNotification {
  status: 'firing' | 'resolved';
  reason: NotificationReason;
  /** Alertmanager-compatible fingerprint of the labels (16 hex digits). */
  fingerprint: string;
  labels: Readonly<Record<string, string>>;
  annotations: Readonly<Record<string, string>>;
  values: Readonly<AlertValues>;
  startsAt: Date;
  /** Set when resolved. */
  endsAt: Date | undefined;
  /** Time this notification was produced. */
  at: Date;
}

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK = 0xffffffffffffffffn;
const encoder = new TextEncoder();

/**
 * The fingerprint of a label set: FNV-1a 64 over the label names in sorted order, each name and value followed by
 * the byte 0xff — exactly Alertmanager's `model.LabelSet.Fingerprint()`, rendered as 16 hex digits. The same value
 * is the PagerDuty `dedup_key` and the Sentry fingerprint. Empty values are dropped (as Alertmanager does).
 */
export function alertFingerprint(labels: Readonly<Record<string, string | undefined>>): string {
  let hash = FNV_OFFSET;
  const feed = (text: string) => {
    for (const byte of encoder.encode(text)) hash = ((hash ^ BigInt(byte)) * FNV_PRIME) & MASK;
    hash = ((hash ^ 0xffn) * FNV_PRIME) & MASK;
  };
  const names = Object.keys(labels)
    .filter((k) => labels[k] !== undefined && labels[k] !== '')
    .sort();
  for (const name of names) {
    feed(name);
    feed(labels[name] as string);
  }
  return hash.toString(16).padStart(16, '0');
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * The entry of `map` for a notification's `severity` label, or `fallback` when it is missing or not a severity (a
 * prototype key such as `constructor` included): how each sink turns the four levels into its own.
 */
export function forSeverity<T>(map: Readonly<Record<Severity, T>>, severity: string | undefined, fallback: T): T {
  return severity !== undefined && Object.hasOwn(map, severity) ? map[severity as Severity] : fallback;
}

/** Rank of a severity: info 0, warning 1, error 2, critical 3. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/**
 * Validates an alert and returns its normalised labels (undefined and empty values dropped).
 * @throws SlakitError `ERR_SLAKIT_INVALID_ALERT` naming the offending label
 */
export function validateAlert(alert: Alert): Record<string, string> {
  const labels = alert?.labels;
  if (!labels || typeof labels !== 'object') {
    throw new SlakitError('ERR_SLAKIT_INVALID_ALERT', `alert.labels must be an object, got ${describeValue(labels)}`, {
      field: 'labels',
      value: labels,
      accepted: 'an object with alertname and severity',
    });
  }
  if (typeof labels.alertname !== 'string' || !LABEL_NAME.test(labels.alertname)) {
    throw new SlakitError(
      'ERR_SLAKIT_INVALID_ALERT',
      `labels.alertname must be a name matching [a-zA-Z_][a-zA-Z0-9_]*, got ${describeValue(labels.alertname)}`,
      { field: 'labels.alertname', value: labels.alertname, accepted: 'a name matching [a-zA-Z_][a-zA-Z0-9_]*' },
    );
  }
  if (!SEVERITIES.includes(labels.severity)) {
    throw new SlakitError(
      'ERR_SLAKIT_INVALID_ALERT',
      `labels.severity must be one of ${SEVERITIES.join(', ')}, got ${describeValue(labels.severity)}`,
      { field: 'labels.severity', value: labels.severity, accepted: SEVERITIES.join(', ') },
    );
  }
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(labels)) {
    if (value === undefined || value === '') continue;
    if (!LABEL_NAME.test(name) || typeof value !== 'string') {
      throw new SlakitError('ERR_SLAKIT_INVALID_ALERT', `labels.${name} must be a string label, got ${describeValue(value)}`, {
        field: `labels.${name}`,
        value,
        accepted: 'a string value under a name matching [a-zA-Z_][a-zA-Z0-9_]*',
      });
    }
    out[name] = value.length > 256 ? value.slice(0, 256) : value;
  }
  return out;
}

/** True when every label in `subset` has the same value in `labels`. */
export function labelsMatch(
  labels: Readonly<Record<string, string>>,
  subset: Readonly<Record<string, string | undefined>>,
): boolean {
  return Object.entries(subset).every(([k, v]) => v === undefined || labels[k] === v);
}

/**
 * Annotations with undefined values dropped, secrets scrubbed ({@link sanitizeMessage}: URL credentials, `key=value`
 * secrets, tokens) and long texts truncated (4 KiB), before any sink or the history sees them.
 */
export function cleanAnnotations(annotations: AlertAnnotations | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(annotations ?? {})) {
    if (typeof v === 'string' && v !== '') out[k] = sanitizeMessage(v, 4096);
  }
  return out;
}

/** A copy of alert values with string values scrubbed of secrets ({@link sanitizeMessage}, 4 KiB). */
export function cleanValues(values: AlertValues | undefined): AlertValues {
  const out: AlertValues = {};
  for (const [k, v] of Object.entries(values ?? {})) out[k] = typeof v === 'string' ? sanitizeMessage(v, 4096) : v;
  return out;
}
