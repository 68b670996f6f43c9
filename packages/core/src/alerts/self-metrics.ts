import { type Counter, createNoopMeter, type Meter } from '@opentelemetry/api';
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
  const notifications = m.createCounter('alerts.notifications', {
    description: 'Alert notifications by sink and result (sent, failed, dropped).',
  });
  const deduplicated = m.createCounter('alerts.deduplicated', {
    description: 'Alert repeats suppressed inside the dedup window (here or by another replica).',
  });
  const remediations = m.createCounter('alerts.remediations', {
    description: 'Remediation runs by action and final result.',
  });
  const activeGauge = m.createObservableGauge('alerts.active', { description: 'Alerts currently firing, by severity.' });
  const observeActive = (result: { observe(value: number, attrs: Record<string, string>): void }) => {
    for (const [severity, value] of Object.entries(countBySeverity(states))) result.observe(value, { severity });
  };
  activeGauge.addCallback(observeActive);
  return { notifications, deduplicated, remediations, close: () => activeGauge.removeCallback(observeActive) };
}
