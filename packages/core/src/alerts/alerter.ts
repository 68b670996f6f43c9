import { type Counter, createNoopMeter } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { type Clock, runWithDeadline, systemClock, withDeadline } from '../clock.js';
import { loadEnvSections, SEVERITIES, type Severity } from '../env.js';
import { describeValue, invalidOption, SlakitError } from '../errors.js';
import { createLogger, rateLimitedLog } from '../logger.js';
import type { Telemetry } from '../telemetry.js';
import { validateOptions } from '../validation/options.js';
import { alerterOptionsSchema } from '../validation/schemas.js';
import {
  type AlertSink,
  createDeliverer,
  type Deliverer,
  type DeliveryResult,
  deliveryErrorCode,
  type SinkKind,
} from './delivery.js';
import {
  createHistory,
  type HistoryEntry,
  type HistoryQuery,
  type NotificationRecord,
  type RemediationRecord,
} from './history.js';
import {
  type Alert,
  type AlertNotification,
  type AlertValues,
  alertFingerprint,
  cleanAnnotations,
  cleanValues,
  labelsMatch,
  type NotificationReason,
  severityRank,
  validateAlert,
} from './model.js';
import { logSink } from './sinks/log.js';
import type { AlertStore } from './store.js';

/** Re-route an alert still firing after a delay (seeds: page on-call after 30 min, email the lead after 24 h). */
export interface Escalation {
  /** Seconds the alert must have been firing. */
  afterSeconds: number;
  /** Only alerts of this severity; default any. */
  severity?: Severity;
  /** Names of the sinks to notify. */
  sinks: string[];
}

/** What a remediation action receives. */
export interface RemediationContext {
  /** The alert that triggered it (undefined for a manual run without a firing alert). */
  alert: AlertNotification | undefined;
  /** 1-based attempt number. */
  attempt: number;
  /** Aborted at the attempt's deadline. */
  signal: AbortSignal;
}

/** A remediation: a function, or a named action with its own deadline. */
export type RemediationAction =
  | ((ctx: RemediationContext) => Promise<unknown> | unknown)
  | { name: string; run: (ctx: RemediationContext) => Promise<unknown> | unknown; timeoutMs?: number };

/** Options of {@link createAlerter}. */
export interface AlerterOptions {
  /** Where notifications go; default one `logSink` on the logger. Names must be unique. */
  sinks?: AlertSink[];
  /**
   * Sink names per severity. Default by kind: info → log; warning → log, chat, sentry, webhook, alertmanager;
   * critical → log, pager, chat, sentry, webhook, alertmanager.
   */
  routes?: Partial<Record<Severity, string[]>>;
  /** Repeats of a firing alert inside this window are suppressed and counted; default `ALERT_DEDUP_WINDOW_SEC` (300). */
  dedupWindowSeconds?: number;
  /** Re-notify a still-firing alert every N seconds even when nobody fires it again; default off. */
  resendIntervalSeconds?: number;
  /** Alerts below this severity are ignored; default `ALERT_MIN_SEVERITY` (`warning`). */
  minSeverity?: Severity;
  /** Escalations of long-firing alerts. */
  escalations?: Escalation[];
  /** Remediation actions by `alertname`, run when an alert starts firing (if enabled) or on `remediate()`. */
  remediations?: Record<string, RemediationAction>;
  remediation?: {
    /** Run remediations automatically; default `AUTO_REMEDIATION_ENABLED` (false). */
    enabled?: boolean;
    /** Attempts per remediation at most (at least one); default `AUTO_REMEDIATION_MAX_RETRIES` (3). */
    maxRetries?: number;
    /** First backoff between attempts in ms, doubled each time; default 1000. */
    backoffMs?: number;
    /** Deadline of one attempt in ms; default 30000. */
    timeoutMs?: number;
  };
  /** Shared dedup state for several replicas (`redisAlertStore(client)`); default none (this process only). */
  store?: AlertStore;
  /** Telemetry for self-metrics and the default logger/service. */
  telemetry?: Telemetry;
  /** Logger; default the telemetry's logger, else a silent one. */
  logger?: Logger;
  /** `service` label added to alerts without one; default the telemetry's service name. */
  service?: string;
  /** Entries kept in `history()`; default 1000. */
  historyLimit?: number;
  /** How often escalations, re-sends and refreshes are evaluated, in seconds; default 5. */
  tickSeconds?: number;
  /** Deadline of `close()` in ms; default 5000. */
  closeTimeoutMs?: number;
  /** Time source; default the system clock. */
  clock?: Clock;
  /** Environment for defaults; default `process.env`. */
  env?: Record<string, string | undefined>;
}

/** What `fire()` did. */
export interface FireResult {
  fingerprint: string | undefined;
  action: 'notified' | 'suppressed' | 'filtered' | 'invalid' | 'closed';
}

/** A firing alert as the alerter sees it. */
export interface ActiveAlert {
  fingerprint: string;
  labels: Readonly<Record<string, string>>;
  annotations: Readonly<Record<string, string>>;
  values: Readonly<AlertValues>;
  startsAt: Date;
  lastNotifiedAt: Date;
}

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

interface State {
  fingerprint: string;
  labels: Record<string, string>;
  severity: Severity;
  annotations: Record<string, string>;
  values: AlertValues;
  startsAt: number;
  lastNotifiedAt: number;
  notifiedSinks: Set<string>;
  escalated: Set<number>;
  lastRefresh: Map<string, number>;
}

const DEFAULT_ROUTE_KINDS: Record<Severity, SinkKind[]> = {
  info: ['log'],
  warning: ['log', 'chat', 'sentry', 'webhook', 'alertmanager', 'custom'],
  critical: ['log', 'pager', 'chat', 'sentry', 'webhook', 'alertmanager', 'custom'],
};

function positive(field: string, value: unknown, allowZero = false): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw invalidOption(field, value, allowZero ? 'a number ≥ 0' : 'a number > 0');
  }
}

function actionName(alertname: string, action: RemediationAction): string {
  return typeof action === 'function' ? alertname : action.name;
}

/**
 * Creates the alerter: a fingerprinted state machine (inactive → firing → resolved) that notifies on state
 * changes, suppresses repeats inside the dedup window, re-sends, routes by severity, escalates long-firing alerts,
 * runs remediation hooks with retries, keeps a bounded history and counts everything in self-metrics.
 * Sinks are called with deadlines, retries and bounded queues; a failing sink never throws to the caller and never
 * blocks the others. Timers run only while alerts are firing and are unref'd.
 *
 * @throws SlakitError for bad options: `ERR_SLAKIT_INVALID_OPTION`, `ERR_SLAKIT_DUPLICATE_NAME` (two sinks with one
 *   name), `ERR_SLAKIT_UNKNOWN_REFERENCE` (a route or escalation naming a sink that is not configured)
 */
export function createAlerter(options: AlerterOptions = {}): Alerter {
  validateOptions(alerterOptionsSchema, options);
  const env = loadEnvSections(options.env ?? process.env, ['alerts', 'remediation']);
  positive('dedupWindowSeconds', options.dedupWindowSeconds, true);
  positive('resendIntervalSeconds', options.resendIntervalSeconds);
  positive('tickSeconds', options.tickSeconds);
  positive('closeTimeoutMs', options.closeTimeoutMs);
  positive('remediation.backoffMs', options.remediation?.backoffMs, true);
  positive('remediation.timeoutMs', options.remediation?.timeoutMs);
  if (options.historyLimit !== undefined && (!Number.isInteger(options.historyLimit) || options.historyLimit < 1)) {
    throw invalidOption('historyLimit', options.historyLimit, 'an integer ≥ 1');
  }
  const maxRetries = options.remediation?.maxRetries ?? env.remediation.maxRetries;
  if (!Number.isInteger(maxRetries) || maxRetries < 0 || maxRetries > 100) {
    throw invalidOption('remediation.maxRetries', maxRetries, 'an integer from 0 to 100');
  }
  const minSeverity = options.minSeverity ?? env.alerts.minSeverity;
  if (!SEVERITIES.includes(minSeverity)) throw invalidOption('minSeverity', minSeverity, SEVERITIES.join(', '));

  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? options.telemetry?.logger ?? createLogger({ level: 'silent' });
  const service = options.service ?? options.telemetry?.service.name;
  const dedupMs = (options.dedupWindowSeconds ?? env.alerts.dedupWindowSeconds) * 1000;
  const resendMs = options.resendIntervalSeconds !== undefined ? options.resendIntervalSeconds * 1000 : undefined;
  const tickMs = (options.tickSeconds ?? 5) * 1000;
  const remediationEnabled = options.remediation?.enabled ?? env.remediation.enabled;
  const remediationAttempts = Math.max(1, maxRetries);
  const remediationBackoff = options.remediation?.backoffMs ?? 1000;
  const remediationTimeout = options.remediation?.timeoutMs ?? 30_000;

  // --- sinks and routes ---------------------------------------------------------------------------------------
  const sinks = options.sinks ?? [logSink(logger)];
  const byName = new Map<string, AlertSink>();
  sinks.forEach((sink, i) => {
    if (!sink || typeof sink.send !== 'function' || typeof sink.name !== 'string' || !sink.name) {
      throw invalidOption(`sinks[${i}]`, sink, 'a sink with a name and a send() function');
    }
    if (byName.has(sink.name)) {
      throw new SlakitError('ERR_SLAKIT_DUPLICATE_NAME', `sinks[${i}].name ${describeValue(sink.name)} is used by two sinks`, {
        field: `sinks[${i}].name`,
        value: sink.name,
        accepted: 'a name no other sink uses (pass { name } to the sink factory)',
      });
    }
    byName.set(sink.name, sink);
  });
  const known = (field: string, names: unknown): string[] => {
    if (!Array.isArray(names)) throw invalidOption(field, names, 'an array of sink names');
    names.forEach((name, i) => {
      if (!byName.has(name)) {
        throw new SlakitError(
          'ERR_SLAKIT_UNKNOWN_REFERENCE',
          `${field}[${i}] names sink ${describeValue(name)}, which is not configured`,
          {
            field: `${field}[${i}]`,
            value: name,
            accepted: `one of ${[...byName.keys()].join(', ') || '(no sinks)'}`,
          },
        );
      }
    });
    return names as string[];
  };
  const routes = {} as Record<Severity, string[]>;
  for (const severity of SEVERITIES) {
    const explicit = options.routes?.[severity];
    routes[severity] =
      explicit !== undefined
        ? known(`routes.${severity}`, explicit)
        : sinks.filter((s) => DEFAULT_ROUTE_KINDS[severity].includes(s.kind)).map((s) => s.name);
  }
  for (const key of Object.keys(options.routes ?? {})) {
    if (!SEVERITIES.includes(key as Severity)) throw invalidOption(`routes.${key}`, key, `a severity: ${SEVERITIES.join(', ')}`);
  }
  const escalations = (options.escalations ?? []).map((e, i) => {
    positive(`escalations[${i}].afterSeconds`, e?.afterSeconds);
    if (typeof e?.afterSeconds !== 'number')
      throw invalidOption(`escalations[${i}].afterSeconds`, e?.afterSeconds, 'a number > 0');
    if (e.severity !== undefined && !SEVERITIES.includes(e.severity)) {
      throw invalidOption(`escalations[${i}].severity`, e.severity, SEVERITIES.join(', '));
    }
    return { afterMs: e.afterSeconds * 1000, severity: e.severity, sinks: known(`escalations[${i}].sinks`, e.sinks) };
  });
  const remediations = new Map<string, RemediationAction>();
  for (const [alertname, action] of Object.entries(options.remediations ?? {})) {
    const ok = typeof action === 'function' || (action && typeof action.run === 'function' && typeof action.name === 'string');
    if (!ok) throw invalidOption(`remediations.${alertname}`, action, 'a function or { name, run, timeoutMs? }');
    remediations.set(alertname, action);
  }

  // --- self-metrics -------------------------------------------------------------------------------------------
  const meter = options.telemetry?.meter ?? createNoopMeter();
  const notifications: Counter = meter.createCounter('alerts.notifications', {
    description: 'Alert notifications by sink and result (sent, failed, dropped).',
  });
  const deduplicated: Counter = meter.createCounter('alerts.deduplicated', {
    description: 'Alert repeats suppressed inside the dedup window (here or by another replica).',
  });
  const remediationsCounter: Counter = meter.createCounter('alerts.remediations', {
    description: 'Remediation runs by action and final result.',
  });
  const activeGauge = meter.createObservableGauge('alerts.active', { description: 'Alerts currently firing, by severity.' });
  const observeActive = (result: { observe(value: number, attrs: Record<string, string>): void }) => {
    const counts: Record<string, number> = { info: 0, warning: 0, critical: 0 };
    for (const s of states.values()) counts[s.severity] = (counts[s.severity] ?? 0) + 1;
    for (const [severity, value] of Object.entries(counts)) result.observe(value, { severity });
  };
  activeGauge.addCallback(observeActive);

  const limited = rateLimitedLog(60_000, () => clock.now());
  const history = createHistory(options.historyLimit ?? 1000);
  const deliverers = new Map<string, Deliverer>(sinks.map((s) => [s.name, createDeliverer(s, clock)]));
  const states = new Map<string, State>();
  const pendingWork = new Set<Promise<unknown>>();
  let ticker: ReturnType<Clock['setInterval']> | undefined;
  let closed = false;
  let closePromise: Promise<void> | undefined;

  const track = <T>(promise: Promise<T>): Promise<T> => {
    pendingWork.add(promise);
    promise.finally(() => pendingWork.delete(promise)).catch(() => {});
    return promise;
  };

  const notificationOf = (
    s: State,
    status: 'firing' | 'resolved',
    reason: NotificationReason,
    now: number,
  ): AlertNotification => ({
    status,
    reason,
    fingerprint: s.fingerprint,
    labels: s.labels,
    annotations: s.annotations,
    values: s.values,
    startsAt: new Date(s.startsAt),
    endsAt: status === 'resolved' ? new Date(now) : undefined,
    at: new Date(now),
  });

  const dispatch = (n: AlertNotification, sinkNames: string[], record: NotificationRecord | undefined) => {
    const alert = n.labels.alertname ?? '';
    const severity = n.labels.severity ?? '';
    for (const name of sinkNames) {
      const sink = byName.get(name);
      const deliverer = deliverers.get(name);
      if (!sink || !deliverer) continue;
      if (n.status === 'resolved' && sink.sendResolved === false) continue;
      if (record) record.sinks[name] = 'pending';
      const settled = new Promise<void>((resolve) => {
        deliverer.enqueue(n, (result: DeliveryResult, code?: string) => {
          notifications.add(1, { alert, severity, sink: name, result });
          if (record) record.sinks[name] = result;
          if (result !== 'sent') {
            limited(`sink:${name}:${result}`, () =>
              logger.warn(
                { sink: name, alert, fingerprint: n.fingerprint, result, code },
                `slakit alerts: notification ${result} at sink ${name}`,
              ),
            );
          }
          resolve();
        });
      });
      track(settled);
    }
  };

  /** Sends unless another replica claimed the same key inside the window (when a store is shared). */
  const notify = (s: State, status: 'firing' | 'resolved', reason: NotificationReason, sinkNames: string[], claimKey: string) => {
    const now = clock.now();
    const n = notificationOf(s, status, reason, now);
    if (reason !== 'refresh') {
      s.lastNotifiedAt = now;
      for (const name of sinkNames) s.notifiedSinks.add(name);
    }
    const record: NotificationRecord | undefined =
      reason === 'refresh'
        ? undefined
        : history.addNotification({
            kind: 'notification',
            at: new Date(now),
            fingerprint: s.fingerprint,
            alertname: s.labels.alertname ?? '',
            severity: s.severity,
            status,
            reason,
            labels: s.labels,
            summary: s.annotations.summary,
            sinks: {},
          });
    if (!options.store || sinkNames.length === 0) {
      dispatch(n, sinkNames, record);
      return;
    }
    const store = options.store;
    track(
      withDeadline(store.claim(`${s.fingerprint}:${claimKey}`, Math.max(dedupMs, 1000)), 1000).then(
        (claimed) => {
          if (claimed === false) {
            deduplicated.add(1, { alert: s.labels.alertname ?? '', severity: s.severity });
            if (record) record.suppressedBy = 'store';
            return;
          }
          // undefined = the store did not answer in time: fail open (a duplicate beats a lost page)
          if (claimed === undefined)
            limited('store', () => logger.warn('slakit alerts: dedup store did not answer; sending anyway'));
          dispatch(n, sinkNames, record);
        },
        () => dispatch(n, sinkNames, record),
      ),
    );
  };

  const tick = () => {
    try {
      const now = clock.now();
      for (const s of states.values()) {
        escalations.forEach((e, i) => {
          if (s.escalated.has(i) || (e.severity && e.severity !== s.severity) || now - s.startsAt < e.afterMs) return;
          s.escalated.add(i);
          notify(s, 'firing', 'escalation', e.sinks, `escalation:${i}`);
        });
        if (resendMs !== undefined && now - s.lastNotifiedAt >= resendMs) {
          notify(s, 'firing', 'resend', routes[s.severity], 'firing');
        }
        for (const name of s.notifiedSinks) {
          const sink = byName.get(name);
          if (!sink?.refreshSeconds) continue;
          const last = s.lastRefresh.get(name) ?? s.lastNotifiedAt;
          if (now - last >= sink.refreshSeconds * 1000) {
            s.lastRefresh.set(name, now);
            dispatch(notificationOf(s, 'firing', 'refresh', now), [name], undefined);
          }
        }
      }
    } catch (error) {
      limited('tick', () => logger.error({ code: deliveryErrorCode(error) }, 'slakit alerts: evaluation failed'));
    }
  };

  const syncTicker = () => {
    const needed = states.size > 0 && !closed;
    if (needed && ticker === undefined) ticker = clock.setInterval(tick, tickMs);
    if (!needed && ticker !== undefined) {
      clock.clearInterval(ticker);
      ticker = undefined;
    }
  };

  const sleep = (ms: number) => new Promise<void>((resolve) => clock.setTimeout(resolve, ms));

  const runRemediation = async (
    alertname: string,
    action: RemediationAction,
    alert: AlertNotification | undefined,
    trigger: 'auto' | 'manual',
  ): Promise<RemediationRecord> => {
    const name = actionName(alertname, action);
    const run = typeof action === 'function' ? action : action.run;
    const timeoutMs = typeof action === 'function' ? remediationTimeout : (action.timeoutMs ?? remediationTimeout);
    const record = history.addRemediation({
      kind: 'remediation',
      at: new Date(clock.now()),
      action: name,
      alertname,
      fingerprint: alert?.fingerprint,
      trigger,
      attempts: 0,
      result: 'running',
      error: undefined,
    });
    for (let attempt = 1; attempt <= remediationAttempts; attempt++) {
      record.attempts = attempt;
      try {
        await runWithDeadline(
          clock,
          timeoutMs,
          (signal) => run({ alert, attempt, signal }),
          () => Object.assign(new Error('remediation deadline exceeded'), { code: 'TIMEOUT' }),
        );
        record.result = 'succeeded';
        record.error = undefined;
        logger.info({ action: name, alert: alertname, attempt, trigger }, 'slakit alerts: remediation succeeded');
        break;
      } catch (error) {
        record.error = deliveryErrorCode(error);
        logger.warn(
          { action: name, alert: alertname, attempt, of: remediationAttempts, code: record.error },
          'slakit alerts: remediation attempt failed',
        );
        if (attempt === remediationAttempts) record.result = 'failed';
        else await sleep(remediationBackoff * 2 ** (attempt - 1));
      }
    }
    remediationsCounter.add(1, { action: name, result: record.result });
    return record;
  };

  // Single flight per alertname: a remediation requested while one runs (auto or manual) shares that run's record.
  const remediating = new Map<string, Promise<RemediationRecord>>();
  const remediateOnce = (
    alertname: string,
    action: RemediationAction,
    alert: AlertNotification | undefined,
    trigger: 'auto' | 'manual',
  ): Promise<RemediationRecord> => {
    const inFlight = remediating.get(alertname);
    if (inFlight) return inFlight;
    const run = track(runRemediation(alertname, action, alert, trigger));
    remediating.set(alertname, run);
    run.finally(() => remediating.delete(alertname)).catch(() => {});
    return run;
  };

  return {
    fire(alert) {
      if (closed) return { fingerprint: undefined, action: 'closed' };
      let labels: Record<string, string>;
      try {
        labels = validateAlert(alert);
      } catch (error) {
        logger.error(
          { code: (error as SlakitError).code, field: (error as SlakitError).field },
          `slakit alerts: invalid alert ignored: ${(error as Error).message}`,
        );
        return { fingerprint: undefined, action: 'invalid' };
      }
      if (service && !labels.service) labels.service = service;
      const severity = labels.severity as Severity;
      const fingerprint = alertFingerprint(labels);
      if (severityRank(severity) < severityRank(minSeverity)) return { fingerprint, action: 'filtered' };
      const now = clock.now();
      const annotations = cleanAnnotations(alert.annotations);
      const values = cleanValues(alert.values);
      const existing = states.get(fingerprint);
      if (existing) {
        existing.annotations = annotations;
        existing.values = values;
        if (now - existing.lastNotifiedAt < dedupMs) {
          deduplicated.add(1, { alert: labels.alertname ?? '', severity });
          return { fingerprint, action: 'suppressed' };
        }
        notify(existing, 'firing', 'repeat', routes[severity], 'firing');
        return { fingerprint, action: 'notified' };
      }
      const state: State = {
        fingerprint,
        labels,
        severity,
        annotations,
        values,
        startsAt: now,
        lastNotifiedAt: now,
        notifiedSinks: new Set(),
        escalated: new Set(),
        lastRefresh: new Map(),
      };
      states.set(fingerprint, state);
      syncTicker();
      notify(state, 'firing', 'new', routes[severity], 'firing');
      const action = remediations.get(labels.alertname ?? '');
      if (action && remediationEnabled) {
        void remediateOnce(labels.alertname ?? '', action, notificationOf(state, 'firing', 'new', now), 'auto');
      }
      return { fingerprint, action: 'notified' };
    },

    resolve(labels) {
      const resolved: string[] = [];
      if (closed || !labels || typeof labels !== 'object') return resolved;
      for (const s of [...states.values()]) {
        if (!labelsMatch(s.labels, labels)) continue;
        states.delete(s.fingerprint);
        resolved.push(s.fingerprint);
        notify(s, 'resolved', 'resolved', [...s.notifiedSinks], 'resolved');
      }
      syncTicker();
      return resolved;
    },

    active(labels = {}) {
      return [...states.values()]
        .filter((s) => labelsMatch(s.labels, labels))
        .map((s) => ({
          fingerprint: s.fingerprint,
          labels: s.labels,
          annotations: s.annotations,
          values: s.values,
          startsAt: new Date(s.startsAt),
          lastNotifiedAt: new Date(s.lastNotifiedAt),
        }));
    },

    history: (query) => history.query(query),

    async remediate(alertname, labels = {}) {
      const action = remediations.get(alertname);
      if (!action) {
        // Reported, never recorded: unknown names must not evict the real history (id 0 = not in the history).
        return {
          kind: 'remediation',
          id: 0,
          at: new Date(clock.now()),
          action: alertname,
          alertname,
          fingerprint: undefined,
          trigger: 'manual',
          attempts: 0,
          result: 'failed',
          error: 'NO_ACTION',
        };
      }
      const firing = [...states.values()].find((s) => s.labels.alertname === alertname && labelsMatch(s.labels, labels));
      return remediateOnce(alertname, action, firing && notificationOf(firing, 'firing', 'new', clock.now()), 'manual');
    },

    async idle() {
      while (pendingWork.size > 0) await Promise.allSettled([...pendingWork]);
      await Promise.all([...deliverers.values()].map((d) => d.idle()));
    },

    close() {
      if (closePromise) return closePromise;
      closed = true;
      syncTicker();
      activeGauge.removeCallback(observeActive);
      closePromise = withDeadline(
        (async () => {
          while (pendingWork.size > 0) await Promise.allSettled([...pendingWork]);
        })(),
        options.closeTimeoutMs ?? 5000,
      ).then(() => {
        for (const d of deliverers.values()) d.close();
      });
      return closePromise;
    },
  };
}
