import { type Counter, createNoopMeter, type Meter } from '@opentelemetry/api';
import { METRIC_CATALOGUE as M } from '../catalogue/index.js';
import { type AlertStates, countBySeverity } from './state.js';

/** The alerter's self-metrics. */
export interface AlertMetrics {
  /** `alerts.notifications` by alert, severity, sink and result. */
  notifications: Counter;
  /** `alerts.deduplicated` by alert and severity. */
  deduplicated: Counter;
  /** `alerts.remediations` by action and result. */
  remediations: Counter;
  /** Stops observing `alerts.active`. */
  close(): void;
}

/** Creates the self-metrics on `meter` (default a no-op meter); `alerts.active` observes `states`. */
export function createAlertMetrics(meter: Meter | undefined, states: AlertStates): AlertMetrics {
  const m = meter ?? createNoopMeter();
  const notifications = m.createCounter(M.alertsNotifications.otel, { description: M.alertsNotifications.help });
  const deduplicated = m.createCounter(M.alertsDeduplicated.otel, { description: M.alertsDeduplicated.help });
  const remediations = m.createCounter(M.alertsRemediations.otel, { description: M.alertsRemediations.help });
  const activeGauge = m.createObservableGauge(M.alertsActive.otel, { description: M.alertsActive.help });
  const observeActive = (result: { observe(value: number, attrs: Record<string, string>): void }) => {
    for (const [severity, value] of Object.entries(countBySeverity(states))) result.observe(value, { severity });
  };
  activeGauge.addCallback(observeActive);
  return { notifications, deduplicated, remediations, close: () => activeGauge.removeCallback(observeActive) };
}
