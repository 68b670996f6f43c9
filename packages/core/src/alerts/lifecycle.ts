import type { Counter } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Severity } from '../env.js';
import type { SlakitError } from '../errors.js';
import { type Alert, alertFingerprint, cleanAnnotations, cleanValues, validateAlert } from './model.js';
import type { AlerterSettings } from './options.js';
import type { Remediator } from './remediation.js';
import { CLAIM_FIRING, CLAIM_RESOLVED, passesMinSeverity, type Routing } from './routing.js';
import { type AlertStates, matchingStates, newAlertState, notificationOf } from './state.js';
import type { NotifyFn } from './ticker.js';

/** What `fire()` did. */
export interface FireResult {
  fingerprint: string | undefined;
  action: 'notified' | 'suppressed' | 'filtered' | 'invalid' | 'closed';
}

/** What the state transitions (inactive → firing → resolved) need. */
export interface LifecycleDeps {
  clock: Clock;
  logger: Logger;
  states: AlertStates;
  routing: Routing;
  settings: Pick<AlerterSettings, 'service' | 'minSeverity' | 'dedupMs'>;
  /** `alerts.deduplicated`. */
  deduplicated: Counter;
  notify: NotifyFn;
  remediator: Remediator;
  /** Starts or stops the evaluation timer after the set of firing alerts changed. */
  syncTicker: () => void;
}

/**
 * Fires (or repeats) `alert`: validates it (an invalid alert is logged and ignored), adds the `service` label,
 * filters by minimum severity, suppresses a repeat inside the dedup window, notifies the route of its severity and,
 * for a new alert, starts its automatic remediation. Never throws.
 */
export function fireAlert(deps: LifecycleDeps, alert: Alert): FireResult {
  const { settings, states } = deps;
  let labels: Record<string, string>;
  try {
    labels = validateAlert(alert);
  } catch (error) {
    deps.logger.error(
      { code: (error as SlakitError).code, field: (error as SlakitError).field },
      `slakit alerts: invalid alert ignored: ${(error as Error).message}`,
    );
    return { fingerprint: undefined, action: 'invalid' };
  }
  if (settings.service && !labels.service) labels.service = settings.service;
  const severity = labels.severity as Severity;
  const fingerprint = alertFingerprint(labels);
  if (!passesMinSeverity(severity, settings.minSeverity)) return { fingerprint, action: 'filtered' };
  const now = deps.clock.now();
  const annotations = cleanAnnotations(alert.annotations);
  const values = cleanValues(alert.values);
  const existing = states.get(fingerprint);
  if (existing) {
    existing.annotations = annotations;
    existing.values = values;
    if (now - existing.lastNotifiedAt < settings.dedupMs) {
      deps.deduplicated.add(1, { alert: labels.alertname ?? '', severity });
      return { fingerprint, action: 'suppressed' };
    }
    deps.notify(existing, 'firing', 'repeat', deps.routing.routes[severity], CLAIM_FIRING);
    return { fingerprint, action: 'notified' };
  }
  const state = newAlertState(fingerprint, labels, annotations, values, now);
  states.set(fingerprint, state);
  deps.syncTicker();
  deps.notify(state, 'firing', 'new', deps.routing.routes[severity], CLAIM_FIRING);
  const alertname = labels.alertname ?? '';
  if (deps.remediator.isAutomatic(alertname)) {
    void deps.remediator.run(alertname, notificationOf(state, 'firing', 'new', now), 'auto');
  }
  return { fingerprint, action: 'notified' };
}

/**
 * Resolves every firing alert whose labels include `labels` and notifies the sinks that were told it fired; returns
 * their fingerprints. Never throws.
 */
export function resolveAlerts(
  deps: Pick<LifecycleDeps, 'states' | 'notify' | 'syncTicker'>,
  labels: Record<string, string | undefined>,
): string[] {
  const resolved: string[] = [];
  if (!labels || typeof labels !== 'object') return resolved;
  for (const s of matchingStates(deps.states, labels)) {
    deps.states.delete(s.fingerprint);
    resolved.push(s.fingerprint);
    deps.notify(s, 'resolved', 'resolved', [...s.notifiedSinks], CLAIM_RESOLVED);
  }
  deps.syncTicker();
  return resolved;
}
