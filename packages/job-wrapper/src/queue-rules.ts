import { ALERT_CATALOGUE, type Alerter } from '@slakit/core';
import { type RunbookUrlOption, runbookFor } from './runbook.js';

/** What a queue probe reports. */
export interface QueueSnapshot {
  depth: number;
  averageAgeSeconds: number;
  oldestAgeSeconds: number;
  /** Items older than the SLA (24 h by default). */
  overSla: number;
  /** Items older than the escalation age (7 days by default). */
  requiringEscalation: number;
  /** Items resolved in the last 24 h. */
  resolvedPerDay: number;
  /** Ids of the oldest items needing escalation (at most 10). */
  oldestIds: string[];
}

/** Thresholds of a queue monitor; defaults from `loadEnvConfig()` (seed 000). */
export interface QueueThresholds {
  /** `MRQ_DEPTH_WARNING` (100). */
  depthWarning?: number;
  /** `MRQ_DEPTH_CRITICAL` (500). */
  depthCritical?: number;
  /** `MRQ_AGE_WARNING_HOURS` (48): average age that warns. */
  ageWarningHours?: number;
  /** `MRQ_AGE_ESCALATION_HOURS` (168): any item older is critical (escalation). */
  ageEscalationHours?: number;
  /** Resolutions per day below this share of their running average warn; default 0.5. */
  resolutionRateRatio?: number;
}

/** Alert names of queue monitors. */
export const QUEUE_ALERTS = {
  depthWarning: ALERT_CATALOGUE.QueueDepthWarning.name,
  depthCritical: ALERT_CATALOGUE.QueueDepthCritical.name,
  age: ALERT_CATALOGUE.QueueAgeWarning.name,
  escalation: ALERT_CATALOGUE.QueueEscalationRequired.name,
  resolutionRate: ALERT_CATALOGUE.QueueResolutionRateLow.name,
} as const;

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

/** The alerts of one queue: fire and resolve with the `queue` label. */
export interface QueueAlerts {
  fire(alertname: string, severity: 'warning' | 'critical', summary: string, values: Record<string, number | string>): void;
  resolve(alertname: string): void;
}

/** Fires and resolves a queue's alerts through `alerter` (nothing without one). */
export function queueAlerts(queue: string, alerter: Alerter | undefined, runbookUrl: RunbookUrlOption): QueueAlerts {
  return {
    fire: (alertname, severity, summary, values) =>
      alerter?.fire({
        labels: { alertname, severity, queue },
        annotations: {
          summary,
          runbook_url: runbookFor(runbookUrl, alertname),
          recommended_action: 'Review the oldest items first; escalate items past the escalation age to the team lead.',
        },
        values,
      }),
    resolve: (alertname) => alerter?.resolve({ alertname, queue }),
  };
}

function depthRule(queue: string, s: QueueSnapshot, t: Required<QueueThresholds>, a: QueueAlerts): void {
  if (s.depth > t.depthCritical) {
    a.fire(QUEUE_ALERTS.depthCritical, 'critical', `Queue ${queue} depth ${s.depth} (> ${t.depthCritical})`, {
      depth: s.depth,
      threshold: t.depthCritical,
    });
    a.resolve(QUEUE_ALERTS.depthWarning);
  } else if (s.depth > t.depthWarning) {
    a.fire(QUEUE_ALERTS.depthWarning, 'warning', `Queue ${queue} depth ${s.depth} (> ${t.depthWarning})`, {
      depth: s.depth,
      threshold: t.depthWarning,
    });
    a.resolve(QUEUE_ALERTS.depthCritical);
  } else {
    a.resolve(QUEUE_ALERTS.depthWarning);
    a.resolve(QUEUE_ALERTS.depthCritical);
  }
}

function ageRules(queue: string, s: QueueSnapshot, t: Required<QueueThresholds>, a: QueueAlerts): void {
  const avgHours = s.averageAgeSeconds / 3600;
  if (s.depth > 0 && avgHours > t.ageWarningHours) {
    a.fire(
      QUEUE_ALERTS.age,
      'warning',
      `Queue ${queue} items wait ${Math.round(avgHours * 10) / 10} h on average (> ${t.ageWarningHours} h)`,
      {
        average_age_hours: Math.round(avgHours * 10) / 10,
        threshold_hours: t.ageWarningHours,
        items_over_sla: s.overSla,
      },
    );
  } else a.resolve(QUEUE_ALERTS.age);
  if (s.requiringEscalation > 0) {
    a.fire(
      QUEUE_ALERTS.escalation,
      'critical',
      `Queue ${queue}: ${s.requiringEscalation} item(s) older than ${t.ageEscalationHours} h need escalation`,
      {
        items_requiring_escalation: s.requiringEscalation,
        oldest_age_hours: Math.round((s.oldestAgeSeconds / 3600) * 10) / 10,
        oldest_ids: s.oldestIds
          .slice(0, 10)
          .map((id) => (typeof id === 'string' || typeof id === 'number' || typeof id === 'bigint' ? String(id) : '?'))
          .join(','),
      },
    );
  } else a.resolve(QUEUE_ALERTS.escalation);
}

/** `rates`: the resolutions per day of earlier checks (the last 30); this check's is appended. */
function resolutionRateRule(
  queue: string,
  s: QueueSnapshot,
  t: Required<QueueThresholds>,
  a: QueueAlerts,
  rates: number[],
): void {
  if (rates.length >= 3) {
    const average = rates.reduce((x, y) => x + y, 0) / rates.length;
    if (average > 0 && s.resolvedPerDay < average * t.resolutionRateRatio) {
      a.fire(
        QUEUE_ALERTS.resolutionRate,
        'warning',
        `Queue ${queue} resolved ${s.resolvedPerDay} items in 24 h (average ${Math.round(average)})`,
        { resolved_per_day: s.resolvedPerDay, average_per_day: Math.round(average * 10) / 10 },
      );
    } else a.resolve(QUEUE_ALERTS.resolutionRate);
  }
  rates.push(s.resolvedPerDay);
  if (rates.length > 30) rates.shift();
}

/** Evaluates every queue rule for one snapshot: depth, average age, escalation age, resolution rate. */
export function evaluateQueueRules(
  queue: string,
  s: QueueSnapshot,
  t: Required<QueueThresholds>,
  alerts: QueueAlerts,
  rates: number[],
): void {
  depthRule(queue, s, t, alerts);
  ageRules(queue, s, t, alerts);
  resolutionRateRule(queue, s, t, alerts, rates);
}
