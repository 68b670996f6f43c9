import type { Counter } from '@opentelemetry/api';
import { type Clock, withDeadline } from '../clock.js';
import { type DispatchDeps, dispatch } from './delivery.js';
import type { History, NotificationRecord } from './history.js';
import type { NotificationReason } from './model.js';
import { storeKey } from './routing.js';
import { type AlertState, markNotified, notificationOf } from './state.js';
import type { AlertStore } from './store.js';

/** What {@link notify} needs beyond {@link DispatchDeps}. */
export interface NotifyDeps extends DispatchDeps {
  clock: Clock;
  history: History;
  /** Shared dedup store; undefined = this process only. */
  store: AlertStore | undefined;
  /** Dedup window in ms (a claim in the store lives at least 1 s). */
  dedupMs: number;
  /** `alerts.deduplicated`. */
  deduplicated: Counter;
}

/** Records a notification of `state` in the history (refreshes are not recorded). */
function record(
  history: History,
  state: AlertState,
  status: 'firing' | 'resolved',
  reason: NotificationReason,
  now: number,
): NotificationRecord | undefined {
  if (reason === 'refresh') return undefined;
  return history.addNotification({
    kind: 'notification',
    at: new Date(now),
    fingerprint: state.fingerprint,
    alertname: state.labels.alertname ?? '',
    severity: state.severity,
    status,
    reason,
    labels: state.labels,
    summary: state.annotations.summary,
    sinks: {},
  });
}

/**
 * Notifies `sinkNames` of `state`: marks the state notified, records the notification in the history and dispatches
 * it — unless another replica claimed the same `claimKey` of this alert inside the window (when a store is shared;
 * a store that does not answer within 1 s fails open: a duplicate beats a lost page). Never throws.
 */
export function notify(
  deps: NotifyDeps,
  state: AlertState,
  status: 'firing' | 'resolved',
  reason: NotificationReason,
  sinkNames: readonly string[],
  claimKey: string,
): void {
  const now = deps.clock.now();
  const notification = notificationOf(state, status, reason, now);
  markNotified(state, reason, sinkNames, now);
  const entry = record(deps.history, state, status, reason, now);
  const store = deps.store;
  if (!store || sinkNames.length === 0) {
    dispatch(deps, notification, sinkNames, entry);
    return;
  }
  deps.track(
    withDeadline(store.claim(storeKey(state.fingerprint, claimKey), Math.max(deps.dedupMs, 1000)), 1000).then(
      (claimed) => {
        if (claimed === false) {
          deps.deduplicated.add(1, { alert: state.labels.alertname ?? '', severity: state.severity });
          if (entry) entry.suppressedBy = 'store';
          return;
        }
        // undefined = the store did not answer in time: fail open (a duplicate beats a lost page)
        if (claimed === undefined)
          deps.limited('store', () => deps.logger.warn('slakit alerts: dedup store did not answer; sending anyway'));
        dispatch(deps, notification, sinkNames, entry);
      },
      () => dispatch(deps, notification, sinkNames, entry),
    ),
  );
}
