import type { Counter } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { type Clock, runWithDeadline } from '../clock.js';
import { invalidOption } from '../errors.js';
import { deliveryErrorCode } from './delivery.js';
import type { History, RemediationRecord } from './history.js';
import type { AlertNotification } from './model.js';
import type { AlerterSettings, RemediationAction } from './options.js';

/** Who started a remediation. */
export type RemediationTrigger = 'auto' | 'manual';

/** What a {@link Remediator} needs. */
export interface RemediatorDeps {
  clock: Clock;
  logger: Logger;
  history: History;
  /** `alerts.remediations`. */
  counter: Counter;
  /** Keeps a running remediation visible to `idle()`/`close()`. */
  track: <T>(promise: Promise<T>) => Promise<T>;
  settings: AlerterSettings['remediation'];
}

/** Runs the remediation actions of an alerter, one run per `alertname` at a time. */
export interface Remediator {
  /** Whether `alertname` has an action. */
  has(alertname: string): boolean;
  /** Whether the action of `alertname` runs when the alert starts firing (it exists and auto-remediation is on). */
  isAutomatic(alertname: string): boolean;
  /**
   * Runs the action of `alertname` (which must exist: check {@link has}) with retries, or returns the record of the
   * run in flight. Never rejects.
   */
  run(alertname: string, alert: AlertNotification | undefined, trigger: RemediationTrigger): Promise<RemediationRecord>;
  /** The record returned for a name without an action (id 0: never recorded, so it cannot evict the history). */
  unknown(alertname: string): RemediationRecord;
}

/**
 * Checks the remediation actions by alertname.
 * @throws SlakitError `ERR_SLAKIT_INVALID_OPTION` for an entry that is neither a function nor `{ name, run }`
 */
export function resolveRemediations(remediations: Record<string, RemediationAction> | undefined): Map<string, RemediationAction> {
  const actions = new Map<string, RemediationAction>();
  for (const [alertname, action] of Object.entries(remediations ?? {})) {
    const ok = typeof action === 'function' || (action && typeof action.run === 'function' && typeof action.name === 'string');
    if (!ok) throw invalidOption(`remediations.${alertname}`, action, 'a function or { name, run, timeoutMs? }');
    actions.set(alertname, action);
  }
  return actions;
}

const sleep = (clock: Clock, ms: number) => new Promise<void>((resolve) => clock.setTimeout(resolve, ms));

/**
 * One remediation run: up to `settings.attempts` attempts, each under its deadline, with doubling backoff between
 * them; recorded in the history (the record is updated as the run goes) and counted. Never rejects.
 */
export async function runRemediation(
  deps: RemediatorDeps,
  alertname: string,
  action: RemediationAction,
  alert: AlertNotification | undefined,
  trigger: RemediationTrigger,
): Promise<RemediationRecord> {
  const { clock, logger, settings } = deps;
  const name = typeof action === 'function' ? alertname : action.name;
  const run = typeof action === 'function' ? action : action.run;
  const timeoutMs = typeof action === 'function' ? settings.timeoutMs : (action.timeoutMs ?? settings.timeoutMs);
  const record = deps.history.addRemediation({
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
  for (let attempt = 1; attempt <= settings.attempts; attempt++) {
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
        { action: name, alert: alertname, attempt, of: settings.attempts, code: record.error },
        'slakit alerts: remediation attempt failed',
      );
      if (attempt === settings.attempts) record.result = 'failed';
      else await sleep(clock, settings.backoffMs * 2 ** (attempt - 1));
    }
  }
  deps.counter.add(1, { action: name, result: record.result });
  return record;
}

/** Creates the remediator of `actions` (from {@link resolveRemediations}). */
export function createRemediator(actions: ReadonlyMap<string, RemediationAction>, deps: RemediatorDeps): Remediator {
  // Single flight per alertname: a remediation requested while one runs (auto or manual) shares that run's record.
  const running = new Map<string, Promise<RemediationRecord>>();
  const unknown = (alertname: string): RemediationRecord => ({
    kind: 'remediation',
    id: 0,
    at: new Date(deps.clock.now()),
    action: alertname,
    alertname,
    fingerprint: undefined,
    trigger: 'manual',
    attempts: 0,
    result: 'failed',
    error: 'NO_ACTION',
  });
  return {
    has: (alertname) => actions.has(alertname),
    isAutomatic: (alertname) => deps.settings.enabled && actions.has(alertname),
    run(alertname, alert, trigger) {
      const inFlight = running.get(alertname);
      if (inFlight) return inFlight;
      const action = actions.get(alertname);
      if (!action) return Promise.resolve(unknown(alertname));
      const run = deps.track(runRemediation(deps, alertname, action, alert, trigger));
      running.set(alertname, run);
      run.finally(() => running.delete(alertname)).catch(() => {});
      return run;
    },
    unknown,
  };
}
