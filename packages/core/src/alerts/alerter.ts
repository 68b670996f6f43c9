import { withDeadline } from '../clock.js';
import { rateLimitedLog } from '../logger.js';
import { createDeliverer, type DispatchDeps, dispatch } from './delivery.js';
import { createHistory, type HistoryEntry, type HistoryQuery, type RemediationRecord } from './history.js';
import { type FireResult, fireAlert, type LifecycleDeps, resolveAlerts } from './lifecycle.js';
import type { Alert } from './model.js';
import { type NotifyDeps, notify } from './notify.js';
import { type AlerterOptions, resolveSettings } from './options.js';
import { createRemediator, resolveRemediations } from './remediation.js';
import { createRouting } from './routing.js';
import { createAlertMetrics } from './self-metrics.js';
import { logSink } from './sinks/log.js';
import { type ActiveAlert, type AlertState, activeAlertOf, matchingStates, notificationOf } from './state.js';
import { createTicker, type EvaluateDeps, evaluateFiring, type NotifyFn } from './ticker.js';
import { createWorkTracker } from './work.js';

export type { FireResult } from './lifecycle.js';
export type { AlerterOptions, Escalation, RemediationAction, RemediationContext } from './options.js';
export type { ActiveAlert } from './state.js';

/** What {@link createAlerter} returns. */
export interface Alerter {
  /** Fires (or repeats) an alert. Never throws; an invalid alert is logged and ignored. */
  fire(alert: Alert): FireResult;
  /** Resolves every firing alert whose labels include `labels`; returns their fingerprints. Never throws. */
  resolve(labels: Record<string, string | undefined>): string[];
  /** Firing alerts, optionally filtered by labels. */
  active(labels?: Record<string, string | undefined>): ActiveAlert[];
  /** Newest-first notifications and remediations. */
  history(query?: HistoryQuery): HistoryEntry[];
  /**
   * Runs the remediation of `alertname` now (even when automatic remediation is off). Never rejects. Single flight:
   * while a remediation of `alertname` runs (automatic or manual), further calls return that run's record. An unknown
   * name returns `{ result: 'failed', error: 'NO_ACTION', id: 0 }` and is not recorded in the history.
   */
  remediate(alertname: string, labels?: Record<string, string | undefined>): Promise<RemediationRecord>;
  /** Resolves when every queued notification and running remediation has settled. */
  idle(): Promise<void>;
  /** Stops timers and waits (up to `closeTimeoutMs`) for deliveries in flight. Idempotent. */
  close(): Promise<void>;
}

/**
 * Creates the alerter: a fingerprinted state machine (inactive → firing → resolved) that notifies on state
 * changes, suppresses repeats inside the dedup window, re-sends, routes by severity, escalates long-firing alerts,
 * runs remediation hooks with retries, keeps a bounded history and counts everything in self-metrics.
 * Sinks are called with deadlines, retries and bounded queues; a failing sink never throws to the caller and never
 * blocks the others. Timers run only while alerts are firing and are unref'd.
 *
 * The parts: `options.ts` (settings and defaults), `routing.ts` (sinks, routes, escalations, min severity, claim
 * keys), `state.ts` (firing bookkeeping), `lifecycle.ts` (fire/resolve), `notify.ts` + `delivery.ts` (store
 * claim, history record, sink fan-out, retries), `ticker.ts` (escalations, re-sends, refreshes), `remediation.ts`,
 * `history.ts`, `self-metrics.ts`.
 *
 * @throws SlakitError for bad options: `ERR_SLAKIT_INVALID_OPTION`, `ERR_SLAKIT_DUPLICATE_NAME` (two sinks with one
 *   name), `ERR_SLAKIT_UNKNOWN_REFERENCE` (a route or escalation naming a sink that is not configured)
 */
export function createAlerter(options: AlerterOptions = {}): Alerter {
  const settings = resolveSettings(options);
  const { clock, logger } = settings;
  const sinks = options.sinks ?? [logSink(logger)];
  const routing = createRouting(sinks, options);
  const actions = resolveRemediations(options.remediations);

  const states = new Map<string, AlertState>();
  const metrics = createAlertMetrics(options.telemetry?.meter, states);
  const limited = rateLimitedLog(60_000, () => clock.now());
  const history = createHistory(settings.historyLimit);
  const deliverers = new Map(sinks.map((s) => [s.name, createDeliverer(s, clock)]));
  const work = createWorkTracker();
  let closed = false;
  let closePromise: Promise<void> | undefined;

  const dispatchDeps: DispatchDeps = {
    byName: routing.byName,
    deliverers,
    notifications: metrics.notifications,
    logger,
    limited,
    track: work.track,
  };
  const notifyDeps: NotifyDeps = {
    ...dispatchDeps,
    clock,
    history,
    store: options.store,
    dedupMs: settings.dedupMs,
    deduplicated: metrics.deduplicated,
  };
  const notifyBound: NotifyFn = (s, status, reason, sinkNames, claimKey) =>
    notify(notifyDeps, s, status, reason, sinkNames, claimKey);
  const evaluation: EvaluateDeps = {
    clock,
    logger,
    limited,
    states,
    routing,
    resendMs: settings.resendMs,
    notify: notifyBound,
    refresh: (s, name, now) => dispatch(dispatchDeps, notificationOf(s, 'firing', 'refresh', now), [name], undefined),
  };
  const ticker = createTicker(clock, settings.tickMs, () => evaluateFiring(evaluation));
  const remediator = createRemediator(actions, {
    clock,
    logger,
    history,
    counter: metrics.remediations,
    track: work.track,
    settings: settings.remediation,
  });
  const lifecycle: LifecycleDeps = {
    clock,
    logger,
    states,
    routing,
    settings,
    deduplicated: metrics.deduplicated,
    notify: notifyBound,
    remediator,
    syncTicker: () => ticker.sync(states.size > 0 && !closed),
  };

  return {
    fire: (alert) => (closed ? { fingerprint: undefined, action: 'closed' } : fireAlert(lifecycle, alert)),
    resolve: (labels) => (closed ? [] : resolveAlerts(lifecycle, labels)),
    active: (labels = {}) => matchingStates(states, labels).map(activeAlertOf),
    history: (query) => history.query(query),
    async remediate(alertname, labels = {}) {
      if (!remediator.has(alertname)) return remediator.unknown(alertname);
      const firing = matchingStates(states, labels).find((s) => s.labels.alertname === alertname);
      return remediator.run(alertname, firing && notificationOf(firing, 'firing', 'new', clock.now()), 'manual');
    },
    async idle() {
      await work.drain();
      await Promise.all([...deliverers.values()].map((d) => d.idle()));
    },
    close() {
      if (closePromise) return closePromise;
      closed = true;
      lifecycle.syncTicker();
      metrics.close();
      closePromise = withDeadline(work.drain(), settings.closeTimeoutMs).then(() => {
        for (const d of deliverers.values()) d.close();
      });
      return closePromise;
    },
  };
}
