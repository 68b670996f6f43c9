import { createNoopMeter } from '@opentelemetry/api';
import {
  type Alerter,
  type Clock,
  createLogger,
  describeError,
  invalidOption,
  METRIC_CATALOGUE,
  systemClock,
  type Telemetry,
  validateOptions,
} from '@slakit/core';
import type { Logger } from 'pino';
import { watchMissedRuns } from './missed-run.js';
import { scheduleOptionsSchema } from './options-schema.js';
import { cronSlots } from './schedule-slots.js';
import type { SlaJob } from './types.js';

export { MISSED_RUN_ALERT } from './missed-run.js';

/** Options of {@link schedule}. */
export interface ScheduleOptions {
  /** IANA time zone of the cron expression; default the process's. */
  timezone?: string;
  /**
   * Extra time after a period before a missing success is critical, in seconds; default 10 % of the period (≥ 60),
   * where the period is the gap of the schedule in which the last success fell.
   */
  graceSeconds?: number;
  /** Skip a fire while the previous run in this process still runs (recorded `skipped_overlap`); default true. */
  protect?: boolean;
  /** Raises `JobMissedRun` (critical) and resolves it on the next success. */
  alerter?: Alerter;
  /** `runbook_url` of `JobMissedRun`: one URL or a function of the alert name; default none. */
  runbookUrl?: string | ((alertname: string) => string);
  /** Records `job_next_run_timestamp_seconds{job_name}`. */
  telemetry?: Telemetry;
  logger?: Logger;
  clock?: Clock;
  /**
   * Time of the last success known at start (e.g. `await ledger.lastSuccess(job)`); default: the job's ledger's last
   * success once read (`job.lastSuccess()`), the start time until then or without one. Exported as
   * `job_last_success_known_timestamp_seconds{job_name}`.
   */
  lastSuccessAt?: Date;
  /** How often the missed-run watchdog looks, in ms (the alert may lag by up to this); default min(longest gap, 60 s). */
  watchdogIntervalMs?: number;
}

/** A running schedule. */
export interface Schedule {
  /** Next fire time (undefined when stopped or the expression has no future fire). */
  nextRun(): Date | undefined;
  /** Stops firing runs; the missed-run watchdog keeps watching (a paused scheduler misses runs). */
  pause(): void;
  resume(): void;
  /** Stops everything and clears every timer. */
  stop(): void;
  /** Resolves when the run in flight (if any) settles. */
  idle(): Promise<void>;
}

/**
 * The gauges of a schedule: the next run, and every success the watchdog knows of (its own runs', `lastSuccessAt`,
 * the ledger's at start, another replica's learned from the ledger) as `job_last_success_known_timestamp_seconds`,
 * so the generated JobMissedRun rule's max() agrees with the watchdog even when the replica that ran it is gone;
 * `job_schedule_start_timestamp_seconds` is recorded at once (before any success the rule counts from it).
 */
function scheduleGauges(telemetry: ScheduleOptions['telemetry'], name: string, clock: Clock) {
  const meter = telemetry?.meter ?? createNoopMeter();
  const gauge = (m: { otel: string; unit: string; help: string }) =>
    meter.createGauge(m.otel, { unit: m.unit, description: m.help });
  gauge(METRIC_CATALOGUE.jobScheduleStart).record(clock.now() / 1000, { job_name: name });
  return { nextGauge: gauge(METRIC_CATALOGUE.jobNextRun), knownGauge: gauge(METRIC_CATALOGUE.jobLastSuccessKnown) };
}

/**
 * Runs a `withSla` job on a cron expression (croner syntax, optional seconds field). Every fire passes its slot
 * (`scheduledAt`) so a ledger can make one slot run once across replicas; an overlapping fire in this process is
 * recorded `skipped_overlap`. A watchdog raises `JobMissedRun` (critical) when no run succeeded for one period + grace,
 * and the next success resolves it; the period is the gap of the schedule in which the last success fell, so each
 * stretch of an irregular schedule is judged on its own (`0 9 * * 1-5`: 72 h after a Friday, 24 h after a Monday).
 * Timers use the slakit `Clock` (unref'd), so nothing keeps the process alive.
 * @throws SlakitError `ERR_SLAKIT_INVALID_OPTION` for a bad cron expression, time zone, grace, lastSuccessAt or
 *   watchdogIntervalMs
 */
export function schedule(cron: string, job: SlaJob, options: ScheduleOptions = {}): Schedule {
  validateOptions(scheduleOptionsSchema, options);
  if (typeof job !== 'function' || typeof job.jobName !== 'string')
    throw invalidOption('job', job, 'a job returned by withSla()');
  const clock = options.clock ?? systemClock;
  const grace = options.graceSeconds;
  const slots = cronSlots(cron, options.timezone, clock, grace);
  if (grace !== undefined && (typeof grace !== 'number' || !Number.isFinite(grace) || grace < 0))
    throw invalidOption('graceSeconds', grace, 'a number of seconds ≥ 0');
  const watchdogMs = options.watchdogIntervalMs ?? Math.min(slots.longestGapMs, 60_000);
  if (typeof watchdogMs !== 'number' || !Number.isFinite(watchdogMs) || watchdogMs <= 0)
    throw invalidOption('watchdogIntervalMs', watchdogMs, 'a number of ms > 0');
  const known = options.lastSuccessAt;
  if (known !== undefined && !(known instanceof Date && Number.isFinite(known.getTime())))
    throw invalidOption('lastSuccessAt', known, 'a valid Date (e.g. await ledger.lastSuccess(job)) or undefined');
  const protect = options.protect ?? true;
  const name = job.jobName;
  const logger = (options.logger ?? options.telemetry?.logger ?? createLogger()).child({ job: name, component: 'schedule' });
  const { nextGauge, knownGauge } = scheduleGauges(options.telemetry, name, clock);
  const watch = watchMissedRuns({
    job: name,
    slots,
    clock,
    logger,
    alerter: options.alerter,
    runbookUrl: options.runbookUrl,
    lastSuccess: known?.getTime(),
    intervalMs: watchdogMs,
    ...(typeof job.lastSuccess === 'function' ? { lastSuccessElsewhere: () => job.lastSuccess() } : {}),
    onKnownSuccess: (at) => knownGauge.record(at / 1000, { job_name: name }),
  });
  if (known !== undefined) knownGauge.record(known.getTime() / 1000, { job_name: name });
  // Without `lastSuccessAt`, the shared ledger's last success replaces the start once read (a restart forgets
  // nothing the ledger knows).
  else if (typeof job.lastSuccess === 'function')
    job.lastSuccess().then(
      (at) => at && watch.adopt(at.getTime()),
      () => undefined,
    );

  let next: Date | undefined;
  let fireTimer: ReturnType<Clock['setTimeout']> | undefined;
  let running: Promise<unknown> | undefined;
  let paused = false;
  let stopped = false;

  const fire = (slot: Date) => {
    if (protect && running) {
      job.skip('skipped_overlap', { scheduledAt: slot }).catch(() => {});
      return;
    }
    const run = job(undefined, { scheduledAt: slot })
      .then(watch.onResult, (error: unknown) => logger.debug({ error: describeError(error).name }, 'scheduled run failed'))
      .finally(() => {
        if (running === run) running = undefined;
      });
    running = run;
  };

  // The last slot fired: the next one is computed strictly after it, so a timer that fires a little early (or a
  // clock whose now() lags its timers) can never fire one slot twice.
  let lastFired = Number.NEGATIVE_INFINITY;
  const arm = () => {
    clock.clearTimeout(fireTimer);
    fireTimer = undefined;
    if (stopped || paused) return;
    next = slots.pattern.nextRun(new Date(Math.max(clock.now(), lastFired))) ?? undefined;
    if (!next) return;
    nextGauge.record(next.getTime() / 1000, { job_name: name });
    const slot = next;
    const wait = () => {
      fireTimer = clock.setTimeout(
        () => {
          // A clock that fired early (a host clock clamping long delays, as Node does beyond 2^31-1 ms): wait again.
          if (clock.now() < slot.getTime()) return wait();
          lastFired = slot.getTime();
          fire(slot);
          arm();
        },
        Math.max(0, slot.getTime() - clock.now()),
      );
    };
    wait();
  };

  arm();
  return {
    nextRun: () => (stopped || paused ? undefined : next),
    pause() {
      paused = true;
      arm();
    },
    resume() {
      paused = false;
      arm();
    },
    stop() {
      stopped = true;
      clock.clearTimeout(fireTimer);
      watch.stop();
    },
    idle: async () => {
      while (running) await running;
    },
  };
}
