import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { deliveryErrorCode } from './delivery.js';
import type { NotificationReason } from './model.js';
import { CLAIM_FIRING, claimEscalation, escalationDue, type Routing } from './routing.js';
import type { AlertState, AlertStates } from './state.js';

/** Sends a notification of a state through the store claim and the history (`notify` bound to its deps). */
export type NotifyFn = (
  state: AlertState,
  status: 'firing' | 'resolved',
  reason: NotificationReason,
  sinkNames: readonly string[],
  claimKey: string,
) => void;

/** What {@link evaluateFiring} needs. */
export interface EvaluateDeps {
  clock: Clock;
  logger: Logger;
  limited: (key: string, log: () => void) => void;
  states: AlertStates;
  routing: Routing;
  /** Re-send interval in ms; undefined = off. */
  resendMs: number | undefined;
  notify: NotifyFn;
  /** Dispatches a refresh to one sink, outside the history and the store. */
  refresh: (state: AlertState, sinkName: string, now: number) => void;
}

/** Sends the due escalations, re-sends and per-sink refreshes of one firing alert. */
function evaluateOne(deps: EvaluateDeps, s: AlertState, now: number): void {
  const { routing, resendMs } = deps;
  routing.escalations.forEach((e, i) => {
    if (!escalationDue(e, s, i, now)) return;
    s.escalated.add(i);
    deps.notify(s, 'firing', 'escalation', e.sinks, claimEscalation(i));
  });
  if (resendMs !== undefined && now - s.lastNotifiedAt >= resendMs) {
    deps.notify(s, 'firing', 'resend', routing.routes[s.severity], CLAIM_FIRING);
  }
  for (const name of s.notifiedSinks) {
    const sink = routing.byName.get(name);
    if (!sink?.refreshSeconds) continue;
    const last = s.lastRefresh.get(name) ?? s.lastNotifiedAt;
    if (now - last >= sink.refreshSeconds * 1000) {
      s.lastRefresh.set(name, now);
      deps.refresh(s, name, now);
    }
  }
}

/** One tick: evaluates every firing alert. Never throws (a failure is logged, rate-limited). */
export function evaluateFiring(deps: EvaluateDeps): void {
  try {
    const now = deps.clock.now();
    for (const s of deps.states.values()) evaluateOne(deps, s, now);
  } catch (error) {
    deps.limited('tick', () => deps.logger.error({ code: deliveryErrorCode(error) }, 'slakit alerts: evaluation failed'));
  }
}

/** An interval timer that runs only while needed. */
export interface Ticker {
  /** Starts the timer when `needed` and stopped, stops it when not needed and running. */
  sync(needed: boolean): void;
}

export function createTicker(clock: Clock, intervalMs: number, tick: () => void): Ticker {
  let handle: ReturnType<Clock['setInterval']> | undefined;
  return {
    sync(needed) {
      if (needed && handle === undefined) handle = clock.setInterval(tick, intervalMs);
      if (!needed && handle !== undefined) {
        clock.clearInterval(handle);
        handle = undefined;
      }
    },
  };
}
