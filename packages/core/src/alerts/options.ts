import type { Logger } from 'pino';
import { type Clock, systemClock } from '../clock.js';
import { loadEnvSections, SEVERITIES, type Severity } from '../env.js';
import { invalidOption } from '../errors.js';
import { createLogger } from '../logger.js';
import type { Telemetry } from '../telemetry.js';
import { validateOptions } from '../validation/options.js';
import { alerterOptionsSchema } from '../validation/schemas.js';
import type { AlertSink } from './delivery.js';
import type { AlertNotification } from './model.js';
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
   * Sink names per severity. Default by kind: info → log; warning and error → log, chat, sentry, webhook,
   * alertmanager, custom (error never pages by default); critical → log, pager, chat, sentry, webhook, alertmanager,
   * custom.
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

/** The scalar settings of an alerter, validated and with defaults applied (durations in ms). */
export interface AlerterSettings {
  clock: Clock;
  logger: Logger;
  /** `service` label added to alerts without one. */
  service: string | undefined;
  minSeverity: Severity;
  dedupMs: number;
  resendMs: number | undefined;
  tickMs: number;
  closeTimeoutMs: number;
  historyLimit: number;
  remediation: {
    enabled: boolean;
    /** Attempts per run, at least one. */
    attempts: number;
    backoffMs: number;
    timeoutMs: number;
  };
}

/**
 * Checks an optional number option.
 * @throws SlakitError `ERR_SLAKIT_INVALID_OPTION` unless `value` is undefined or a finite number > 0 (≥ 0 with `allowZero`)
 */
export function checkPositive(field: string, value: unknown, allowZero = false): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw invalidOption(field, value, allowZero ? 'a number ≥ 0' : 'a number > 0');
  }
}

/**
 * Validates the options' scalars (schema first, then ranges) and applies the defaults from `options.env`.
 * Sinks, routes, escalations and remediations are checked by their own modules.
 *
 * @throws SlakitError `ERR_SLAKIT_INVALID_OPTION`
 */
export function resolveSettings(options: AlerterOptions): AlerterSettings {
  validateOptions(alerterOptionsSchema, options);
  const env = loadEnvSections(options.env ?? process.env, ['alerts', 'remediation']);
  checkPositive('dedupWindowSeconds', options.dedupWindowSeconds, true);
  checkPositive('resendIntervalSeconds', options.resendIntervalSeconds);
  checkPositive('tickSeconds', options.tickSeconds);
  checkPositive('closeTimeoutMs', options.closeTimeoutMs);
  checkPositive('remediation.backoffMs', options.remediation?.backoffMs, true);
  checkPositive('remediation.timeoutMs', options.remediation?.timeoutMs);
  if (options.historyLimit !== undefined && (!Number.isInteger(options.historyLimit) || options.historyLimit < 1)) {
    throw invalidOption('historyLimit', options.historyLimit, 'an integer ≥ 1');
  }
  const maxRetries = options.remediation?.maxRetries ?? env.remediation.maxRetries;
  if (!Number.isInteger(maxRetries) || maxRetries < 0 || maxRetries > 100) {
    throw invalidOption('remediation.maxRetries', maxRetries, 'an integer from 0 to 100');
  }
  const minSeverity = options.minSeverity ?? env.alerts.minSeverity;
  if (!SEVERITIES.includes(minSeverity)) throw invalidOption('minSeverity', minSeverity, SEVERITIES.join(', '));

  return {
    clock: options.clock ?? systemClock,
    logger: options.logger ?? options.telemetry?.logger ?? createLogger({ level: 'silent' }),
    service: options.service ?? options.telemetry?.service.name,
    minSeverity,
    dedupMs: (options.dedupWindowSeconds ?? env.alerts.dedupWindowSeconds) * 1000,
    resendMs: options.resendIntervalSeconds !== undefined ? options.resendIntervalSeconds * 1000 : undefined,
    tickMs: (options.tickSeconds ?? 5) * 1000,
    closeTimeoutMs: options.closeTimeoutMs ?? 5000,
    historyLimit: options.historyLimit ?? 1000,
    remediation: {
      enabled: options.remediation?.enabled ?? env.remediation.enabled,
      attempts: Math.max(1, maxRetries),
      backoffMs: options.remediation?.backoffMs ?? 1000,
      timeoutMs: options.remediation?.timeoutMs ?? 30_000,
    },
  };
}
