import { SEVERITIES, type Severity } from '../env.js';
import { type AlertNotification, type AlertValues, labelsMatch, type NotificationReason } from './model.js';

/** A firing alert as the alerter sees it. */
export interface ActiveAlert {
  fingerprint: string;
  labels: Readonly<Record<string, string>>;
  annotations: Readonly<Record<string, string>>;
  values: Readonly<AlertValues>;
  startsAt: Date;
  lastNotifiedAt: Date;
}

/** The bookkeeping of one firing alert (times in epoch ms). */
export interface AlertState {
  fingerprint: string;
  labels: Record<string, string>;
  severity: Severity;
  annotations: Record<string, string>;
  values: AlertValues;
  startsAt: number;
  lastNotifiedAt: number;
  /** Sinks that got a (non-refresh) notification: they get the resolution and refreshes. */
  notifiedSinks: Set<string>;
  /** Indexes of the escalations already sent. */
  escalated: Set<number>;
  /** Last refresh per sink. */
  lastRefresh: Map<string, number>;
}

/** Firing alerts by fingerprint. */
export type AlertStates = Map<string, AlertState>;

/** The state of an alert that starts firing at `now`. */
export function newAlertState(
  fingerprint: string,
  labels: Record<string, string>,
  annotations: Record<string, string>,
  values: AlertValues,
  now: number,
): AlertState {
  return {
    fingerprint,
    labels,
    severity: labels.severity as Severity,
    annotations,
    values,
    startsAt: now,
    lastNotifiedAt: now,
    notifiedSinks: new Set(),
    escalated: new Set(),
    lastRefresh: new Map(),
  };
}

/** What the sinks receive about `state` at `now`. */
export function notificationOf(
  state: AlertState,
  status: 'firing' | 'resolved',
  reason: NotificationReason,
  now: number,
): AlertNotification {
  return {
    status,
    reason,
    fingerprint: state.fingerprint,
    labels: state.labels,
    annotations: state.annotations,
    values: state.values,
    startsAt: new Date(state.startsAt),
    endsAt: status === 'resolved' ? new Date(now) : undefined,
    at: new Date(now),
  };
}

/** Records that a notification went to `sinkNames` at `now` (refreshes are not recorded). */
export function markNotified(state: AlertState, reason: NotificationReason, sinkNames: readonly string[], now: number): void {
  if (reason === 'refresh') return;
  state.lastNotifiedAt = now;
  for (const name of sinkNames) state.notifiedSinks.add(name);
}

/** The firing alerts whose labels include `labels`, in firing order. */
export function matchingStates(states: AlertStates, labels: Readonly<Record<string, string | undefined>>): AlertState[] {
  return [...states.values()].filter((s) => labelsMatch(s.labels, labels));
}

/** The public view of a state. */
export function activeAlertOf(state: AlertState): ActiveAlert {
  return {
    fingerprint: state.fingerprint,
    labels: state.labels,
    annotations: state.annotations,
    values: state.values,
    startsAt: new Date(state.startsAt),
    lastNotifiedAt: new Date(state.lastNotifiedAt),
  };
}

/** Firing alerts per severity (every severity present, zero when none). */
export function countBySeverity(states: AlertStates): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(SEVERITIES.map((s) => [s, 0]));
  for (const s of states.values()) counts[s.severity] = (counts[s.severity] ?? 0) + 1;
  return counts;
}
