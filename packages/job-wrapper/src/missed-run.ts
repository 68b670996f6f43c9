import { ALERT_CATALOGUE, type Alerter, type Clock, contained, logFailure } from '@slakit/core';
import type { Logger } from 'pino';
import { type RunbookUrlOption, runbookFor } from './runbook.js';
import type { CronSlots } from './schedule-slots.js';
import type { RunResult } from './types.js';

/** Alert raised when a scheduled job has not succeeded for one period + grace. */
export const MISSED_RUN_ALERT = ALERT_CATALOGUE.JobMissedRun.name;

/** The missed-run watchdog of one schedule. */
export interface MissedRunWatch {
  /** A run finished: a success moves the deadline and resolves `JobMissedRun`. */
  onResult(result: RunResult): void;
  /**
   * The last success the shared ledger held at start (read after the watchdog started): replaces the start as the
   * reference when no success is known yet — a job missing since before a deploy stays missing — else the later wins.
   */
  adopt(at: number): void;
  stop(): void;
}

/** Inputs of {@link watchMissedRuns}. */
export interface MissedRunOptions {
  job: string;
  slots: CronSlots;
  clock: Clock;
  logger: Logger;
  alerter: Alerter | undefined;
  runbookUrl: RunbookUrlOption;
  /** The last success known at start (epoch ms); undefined: none, the start counts. */
  lastSuccess: number | undefined;
  /** How often the watchdog looks, in ms. */
  intervalMs: number;
  /**
   * The last success in the shared ledger, asked before firing: a success another replica ran moves the deadline
   * (this process only sees its own results). Undefined: none.
   */
  lastSuccessElsewhere?: () => Promise<Date | undefined>;
  /** Told every success this watchdog learns (its own, adopted, from elsewhere): schedule() exports it. */
  onKnownSuccess?: (at: number) => void;
}

/**
 * Every `intervalMs`, raises `JobMissedRun` (critical) once no run succeeded for one period + grace after the last
 * success (the start, before any); the next success resolves it. Past the deadline it first asks
 * `lastSuccessElsewhere` (the shared ledger), so a success on another replica moves the deadline or resolves.
 */
export function watchMissedRuns(o: MissedRunOptions): MissedRunWatch {
  const { job, clock, logger } = o;
  let lastSuccess = o.lastSuccess ?? clock.now();
  let knowsSuccess = o.lastSuccess !== undefined;
  let due = o.slots.dueAfter(lastSuccess);
  let missed = false;
  let stopped = false;
  let asking = false;
  const succeeded = (at: number, slot?: number) => {
    lastSuccess = at;
    knowsSuccess = true;
    due = o.slots.dueAfter(lastSuccess, slot);
    o.onKnownSuccess?.(at);
  };
  const check = async () => {
    if (o.lastSuccessElsewhere) {
      asking = true;
      const elsewhere = await o.lastSuccessElsewhere().catch(() => undefined);
      asking = false;
      const at = elsewhere?.getTime();
      if (at !== undefined && Number.isFinite(at) && at > lastSuccess) {
        succeeded(at);
        if (missed && clock.now() <= due.at) resolveMissed();
      }
    }
    if (stopped || missed || clock.now() <= due.at) return;
    fireMissed();
  };
  // Past the deadline, and while missed (another replica's success resolves it), the ledger is asked each interval.
  const watchdog = clock.setInterval(() => {
    if (stopped || asking || (!missed && clock.now() <= due.at)) return;
    check().catch((error: unknown) => logFailure(logger, `job ${job}: missed-run check`, error));
  }, o.intervalMs);
  // The host's alerter is called inside timers and promise callbacks: what it throws is logged, never rethrown.
  const resolveMissed = () => {
    missed = false;
    contained(logger, `job ${job}: resolve ${MISSED_RUN_ALERT}`, () =>
      o.alerter?.resolve({ alertname: MISSED_RUN_ALERT, job_name: job }),
    );
  };
  const fireMissed = () => {
    const now = clock.now();
    const silentSeconds = Math.round((now - lastSuccess) / 1000);
    const { gapMs: periodMs, graceMs } = due;
    missed = true;
    logger.error({ silent_seconds: silentSeconds }, `job ${job} missed its schedule: no success for ${silentSeconds} s`);
    contained(logger, `job ${job}: fire ${MISSED_RUN_ALERT}`, () =>
      o.alerter?.fire({
        labels: { alertname: MISSED_RUN_ALERT, severity: 'critical', job_name: job },
        annotations: {
          summary: `Job ${job} has not succeeded for ${silentSeconds} s (period ${periodMs / 1000} s + grace ${graceMs / 1000} s)`,
          runbook_url: runbookFor(o.runbookUrl, MISSED_RUN_ALERT),
          recommended_action: 'Check that the scheduler is running and that the lease is not held by a zombie process.',
        },
        values: { silent_seconds: silentSeconds, period_seconds: periodMs / 1000, grace_seconds: graceMs / 1000 },
      }),
    );
  };
  return {
    onResult(result) {
      if (result.outcome !== 'succeeded') return;
      succeeded(result.finishedAt.getTime(), result.scheduledAt.getTime());
      if (missed) resolveMissed();
    },
    adopt(at) {
      if (!Number.isFinite(at) || (knowsSuccess && at <= lastSuccess)) return;
      succeeded(at);
      if (missed && clock.now() <= due.at) resolveMissed();
    },
    stop() {
      stopped = true;
      clock.clearInterval(watchdog);
    },
  };
}
