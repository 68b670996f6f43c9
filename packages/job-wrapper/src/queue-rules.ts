import { ALERT_CATALOGUE, type Alerter } from '@slakit/core';
import { type RunbookUrlOption, runbookFor } from './runbook.js';

/** What a queue probe reports. Ages are those of the waiting items (0 when the queue is empty). */
export interface QueueSnapshot {
  depth: number;
  averageAgeSeconds: number;
  oldestAgeSeconds: number;
  /** Items older than the SLA (24 h by default). */
  overSla: number;
  /** Items older than the probe's escalation age (7 days by default); reported, the alert uses `oldestAgeSeconds`. */
  requiringEscalation: number;
  /** Items resolved in the last 24 h. */
  resolvedPerDay: number;
  /** Ids of the oldest items needing escalation (at most 10). */
  oldestIds: string[];
}

const D = {
  depthWarning: ALERT_CATALOGUE.QueueDepthWarning.params.depthWarning,
  depthCritical: ALERT_CATALOGUE.QueueDepthCritical.params.depthCritical,
  ...ALERT_CATALOGUE.QueueAgeWarning.params,
  ...ALERT_CATALOGUE.QueueEscalationRequired.params,
  ...ALERT_CATALOGUE.QueueResolutionRateLow.params,
};

/**
 * Thresholds of a queue monitor — the fields of the config's `queues.<name>` (pass `queueThresholds(config, name)`
 * so the monitor and the generated rules use the same values). Defaults: the env (seed 000), else the alert catalogue.
 */
export interface QueueThresholds {
  /** `MRQ_DEPTH_WARNING` (100): `QueueDepthWarning` while warning < depth ≤ critical. */
  depthWarning?: number;
  /** `MRQ_DEPTH_CRITICAL` (500): `QueueDepthCritical` above. */
  depthCritical?: number;
  /** `MRQ_AGE_WARNING_HOURS` (48): average age that warns. */
  ageWarningHours?: number;
  /** `MRQ_AGE_ESCALATION_HOURS` (168): an oldest item older is critical (escalation). */
  ageEscalationHours?: number;
  /** Resolutions per day below this share of their baseline warn; default 0.5. */
  resolutionRateRatio?: number;
  /** The window the resolution baseline averages, in hours; default 168 (7 days). */
  resolutionBaselineHours?: number;
  /** The baseline counts once its oldest sample is at least this old, in hours (< the window); default 24. */
  resolutionMinHistoryHours?: number;
}

/** The catalogue's defaults of {@link QueueThresholds}. */
export const QUEUE_DEFAULTS: Readonly<Required<QueueThresholds>> = Object.freeze({ ...D });

/** Alert names of queue monitors. */
export const QUEUE_ALERTS = {
  depthWarning: ALERT_CATALOGUE.QueueDepthWarning.name,
  depthCritical: ALERT_CATALOGUE.QueueDepthCritical.name,
  age: ALERT_CATALOGUE.QueueAgeWarning.name,
  escalation: ALERT_CATALOGUE.QueueEscalationRequired.name,
  resolutionRate: ALERT_CATALOGUE.QueueResolutionRateLow.name,
} as const;
type QueueAlertName = (typeof QUEUE_ALERTS)[keyof typeof QUEUE_ALERTS];

const SNAPSHOT_NUMBERS = [
  'depth',
  'averageAgeSeconds',
  'oldestAgeSeconds',
  'overSla',
  'requiringEscalation',
  'resolvedPerDay',
] as const;

/** A probe's answer is used only when every field has the documented type (finite numbers ≥ 0, an array of ids). */
export function validSnapshot(s: unknown): s is QueueSnapshot {
  try {
    if (s === null || typeof s !== 'object') return false;
    const r = s as Record<string, unknown>;
    for (const k of SNAPSHOT_NUMBERS) {
      const v = r[k];
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) return false;
    }
    return Array.isArray(r.oldestIds);
  } catch {
    return false;
  }
}

/** The alerts of one queue: fire and resolve with the `queue` label; severity, summary and action from the catalogue. */
export interface QueueAlerts {
  fire(alertname: QueueAlertName, measured: string, values: Record<string, number | string>): void;
  resolve(alertname: QueueAlertName): void;
}

/** Fires and resolves a queue's alerts through `alerter` (nothing without one). */
export function queueAlerts(queue: string, alerter: Alerter | undefined, runbookUrl: RunbookUrlOption): QueueAlerts {
  return {
    fire: (alertname, measured, values) => {
      const def = ALERT_CATALOGUE[alertname];
      alerter?.fire({
        labels: { alertname, severity: def.severity, queue },
        annotations: {
          summary: `${def.summary.replace('{queue}', queue)} (${measured})`,
          runbook_url: runbookFor(runbookUrl, alertname),
          recommended_action: def.action,
        },
        values,
      });
    },
    resolve: (alertname) => alerter?.resolve({ alertname, queue }),
  };
}

/** One sample of the resolutions per day, at `at` (epoch ms). */
export interface RateSample {
  at: number;
  value: number;
}

/** Samples a monitor keeps at most (a probe every ≥ 61 s fills a 7-day window). */
export const MAX_RATE_SAMPLES = 10_000;

const round1 = (n: number) => Math.round(n * 10) / 10;
const HOUR = 3600;

function depthRule(s: QueueSnapshot, t: Required<QueueThresholds>, a: QueueAlerts): void {
  const critical = s.depth > t.depthCritical;
  const warning = !critical && s.depth > t.depthWarning;
  if (critical)
    a.fire(QUEUE_ALERTS.depthCritical, `${s.depth} > ${t.depthCritical}`, { depth: s.depth, threshold: t.depthCritical });
  else a.resolve(QUEUE_ALERTS.depthCritical);
  if (warning) a.fire(QUEUE_ALERTS.depthWarning, `${s.depth} > ${t.depthWarning}`, { depth: s.depth, threshold: t.depthWarning });
  else a.resolve(QUEUE_ALERTS.depthWarning);
}

function ageRules(s: QueueSnapshot, t: Required<QueueThresholds>, a: QueueAlerts): void {
  const avgHours = round1(s.averageAgeSeconds / HOUR);
  if (s.depth > 0 && s.averageAgeSeconds > t.ageWarningHours * HOUR) {
    a.fire(QUEUE_ALERTS.age, `${avgHours} h > ${t.ageWarningHours} h`, {
      average_age_hours: avgHours,
      threshold_hours: t.ageWarningHours,
      items_over_sla: s.overSla,
    });
  } else a.resolve(QUEUE_ALERTS.age);
  const oldestHours = round1(s.oldestAgeSeconds / HOUR);
  if (s.depth > 0 && s.oldestAgeSeconds > t.ageEscalationHours * HOUR) {
    a.fire(QUEUE_ALERTS.escalation, `oldest ${oldestHours} h > ${t.ageEscalationHours} h`, {
      items_requiring_escalation: s.requiringEscalation,
      oldest_age_hours: oldestHours,
      oldest_ids: s.oldestIds
        .slice(0, 10)
        .map((id) => (typeof id === 'string' || typeof id === 'number' || typeof id === 'bigint' ? String(id) : '?'))
        .join(','),
    });
  } else a.resolve(QUEUE_ALERTS.escalation);
}

/**
 * `samples`: the resolutions per day of earlier checks, oldest first; this check's is appended and samples that
 * left the baseline window are dropped. The baseline is the average of the window's samples (this one included),
 * used once the window holds a sample at least `resolutionMinHistoryHours` old — as the generated rule computes
 * `avg_over_time(queue_resolved_per_day[window])` with a sample in `[window − min] offset min`.
 */
function resolutionRateRule(
  s: QueueSnapshot,
  t: Required<QueueThresholds>,
  a: QueueAlerts,
  samples: RateSample[],
  now: number,
): void {
  samples.push({ at: now, value: s.resolvedPerDay });
  const windowStart = now - t.resolutionBaselineHours * HOUR * 1000;
  while (samples.length > MAX_RATE_SAMPLES || (samples.length > 0 && (samples[0] as RateSample).at < windowStart))
    samples.shift();
  const historyEnd = now - t.resolutionMinHistoryHours * HOUR * 1000;
  const baselineReady = (samples[0] as RateSample).at <= historyEnd;
  const average = samples.reduce((sum, x) => sum + x.value, 0) / samples.length;
  if (baselineReady && s.resolvedPerDay < average * t.resolutionRateRatio) {
    a.fire(QUEUE_ALERTS.resolutionRate, `${s.resolvedPerDay} in 24 h, average ${round1(average)}`, {
      resolved_per_day: s.resolvedPerDay,
      average_per_day: round1(average),
      ratio: t.resolutionRateRatio,
    });
  } else a.resolve(QUEUE_ALERTS.resolutionRate);
}

/** Evaluates every queue rule for one snapshot taken at `now`: depth, average age, escalation age, resolution rate. */
export function evaluateQueueRules(
  s: QueueSnapshot,
  t: Required<QueueThresholds>,
  alerts: QueueAlerts,
  samples: RateSample[],
  now: number,
): void {
  depthRule(s, t, alerts);
  ageRules(s, t, alerts);
  resolutionRateRule(s, t, alerts, samples, now);
}
