import { createNoopMeter } from '@opentelemetry/api';
import {
  type Alerter,
  type Clock,
  createLogger,
  describeValue,
  invalidOption,
  SlakitError,
  systemClock,
  type Telemetry,
} from '@slakit/core';
import { Cron } from 'croner';
import type { Logger } from 'pino';
import { runbookFor } from './runbook.js';
import type { RunResult, SlaJob } from './with-sla.js';

/** Alert raised when a scheduled job has not succeeded for one period + grace. */
export const MISSED_RUN_ALERT = 'JobMissedRun';

/** Options of {@link schedule}. */
export interface ScheduleOptions {
  /** IANA time zone of the cron expression; default the process's. */
  timezone?: string;
  /** Extra time after a period before a missing success is critical, in seconds; default 10 % of the period (≥ 60). */
  graceSeconds?: number;
  /** Skip a fire while the previous run in this process still runs (recorded `skipped_overlap`); default true. */
  protect?: boolean;
  /** Raises `JobMissedRun` (critical) and resolves it on the next success. */
  alerter?: Alerter;
  /** `runbook_url` of `JobMissedRun`: one URL or a function of the alert name; default none. */
  runbookUrl?: string | ((alertname: string) => string);
  /** Records `job_next_run_timestamp_seconds{job}`. */
  telemetry?: Telemetry;
  logger?: Logger;
  clock?: Clock;
  /** Time of the last success known at start (e.g. `await ledger.lastSuccess(job)`); default: the start time. */
  lastSuccessAt?: Date;
  /** How often the missed-run watchdog looks, in ms (the alert may lag by up to this); default min(period, 60 s). */
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
 * Runs a `withSla` job on a cron expression (croner syntax, optional seconds field). Every fire passes its slot
 * (`scheduledAt`) so a ledger can make one slot run once across replicas; an overlapping fire in this process is
 * recorded `skipped_overlap`. A watchdog raises `JobMissedRun` (critical) when no run succeeded for one period + grace,
 * and the next success resolves it. Timers use the slakit `Clock` (unref'd), so nothing keeps the process alive.
 * @throws SlakitError `ERR_SLAKIT_INVALID_OPTION` for a bad cron expression, time zone or grace
 */
export function schedule(cron: string, job: SlaJob, options: ScheduleOptions = {}): Schedule {
  if (typeof job !== 'function' || typeof job.jobName !== 'string')
    throw invalidOption('job', job, 'a job returned by withSla()');
  const clock = options.clock ?? systemClock;
  let pattern: Cron;
  let first: Date[];
  try {
    pattern = new Cron(cron, { paused: true, timezone: options.timezone });
    first = pattern.nextRuns(2, new Date(clock.now())); // an invalid time zone only shows here
  } catch (error) {
    throw new SlakitError(
      'ERR_SLAKIT_INVALID_OPTION',
      `cron must be a valid cron expression${options.timezone ? ' with a valid timezone' : ''}, got ${describeValue(cron)}: ${(error as Error).message}`,
      {
        field: 'cron',
        value: cron,
        accepted: 'a cron expression such as */15 * * * * (croner syntax)',
      },
    );
  }
  if (first.length < 2) throw invalidOption('cron', cron, 'an expression that fires repeatedly');
  const periodMs = (first[1] as Date).getTime() - (first[0] as Date).getTime();
  const graceMs = (options.graceSeconds ?? Math.max(60, periodMs / 10_000)) * 1000;
  if (!Number.isFinite(graceMs) || graceMs < 0)
    throw invalidOption('graceSeconds', options.graceSeconds, 'a number of seconds ≥ 0');
  const protect = options.protect ?? true;
  const name = job.jobName;
  const logger = (options.logger ?? options.telemetry?.logger ?? createLogger()).child({ job: name, component: 'schedule' });
  const nextGauge = (options.telemetry?.meter ?? createNoopMeter()).createGauge('job.next_run.timestamp', {
    unit: 's',
    description: 'Unix time of the next scheduled run.',
  });

  let lastSuccess = options.lastSuccessAt?.getTime() ?? clock.now();
  let next: Date | undefined;
  let fireTimer: ReturnType<Clock['setTimeout']> | undefined;
  let running: Promise<unknown> | undefined;
  let paused = false;
  let stopped = false;
  let missed = false;

  const onResult = (result: RunResult) => {
    if (result.outcome !== 'succeeded') return;
    lastSuccess = result.finishedAt.getTime();
    if (missed) {
      missed = false;
      options.alerter?.resolve({ alertname: MISSED_RUN_ALERT, job: name });
    }
  };

  const fire = (slot: Date) => {
    if (protect && running) {
      job.skip('skipped_overlap', { scheduledAt: slot }).catch(() => {});
      return;
    }
    const run = job(undefined, { scheduledAt: slot })
      .then(onResult, (error: unknown) => logger.debug({ error: (error as Error)?.name }, 'scheduled run failed'))
      .finally(() => {
        if (running === run) running = undefined;
      });
    running = run;
  };

  const arm = () => {
    clock.clearTimeout(fireTimer);
    fireTimer = undefined;
    if (stopped || paused) return;
    next = pattern.nextRun(new Date(clock.now())) ?? undefined;
    if (!next) return;
    nextGauge.record(next.getTime() / 1000, { job: name });
    const slot = next;
    fireTimer = clock.setTimeout(
      () => {
        fire(slot);
        arm();
      },
      Math.max(0, slot.getTime() - clock.now()),
    );
  };

  const watchdog = clock.setInterval(() => {
    if (stopped || missed) return;
    const silentMs = clock.now() - lastSuccess;
    if (silentMs > periodMs + graceMs) {
      missed = true;
      logger.error(
        { silent_seconds: Math.round(silentMs / 1000) },
        `job ${name} missed its schedule: no success for ${Math.round(silentMs / 1000)} s`,
      );
      options.alerter?.fire({
        labels: { alertname: MISSED_RUN_ALERT, severity: 'critical', job: name },
        annotations: {
          summary: `Job ${name} has not succeeded for ${Math.round(silentMs / 1000)} s (period ${periodMs / 1000} s + grace ${graceMs / 1000} s)`,
          runbook_url: runbookFor(options.runbookUrl, MISSED_RUN_ALERT),
          recommended_action: 'Check that the scheduler is running and that the lease is not held by a zombie process.',
        },
        values: { silent_seconds: Math.round(silentMs / 1000), period_seconds: periodMs / 1000, grace_seconds: graceMs / 1000 },
      });
    }
  }, options.watchdogIntervalMs ?? Math.min(periodMs, 60_000));

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
      clock.clearInterval(watchdog);
    },
    idle: async () => {
      while (running) await running;
    },
  };
}
