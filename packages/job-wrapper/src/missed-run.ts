import { ALERT_CATALOGUE, type Alerter, type Clock } from '@slakit/core';
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
  /** The last success known at start (epoch ms). */
  lastSuccess: number;
  /** How often the watchdog looks, in ms. */
  intervalMs: number;
  /**
   * The last success in the shared ledger, asked before firing: a success another replica ran moves the deadline
   * (this process only sees its own results). Undefined: none.
   */
  lastSuccessElsewhere?: () => Promise<Date | undefined>;
  /** Told a newer success learned from `lastSuccessElsewhere` (schedule() exports it as this replica's last success). */
  onSuccessElsewhere?: (at: number) => void;
}

/**
 * Every `intervalMs`, raises `JobMissedRun` (critical) once no run succeeded for one period + grace after the last
 * success (the start, before any); the next success resolves it. Past the deadline it first asks
 * `lastSuccessElsewhere` (the shared ledger), so a success on another replica moves the deadline or resolves.
 */
export function watchMissedRuns(o: MissedRunOptions): MissedRunWatch {
  const { job, clock, logger } = o;
  let lastSuccess = o.lastSuccess;
  let due = o.slots.dueAfter(lastSuccess);
  let missed = false;
  let stopped = false;
  let asking = false;
  const succeeded = (at: number, slot?: number) => {
    lastSuccess = at;
    due = o.slots.dueAfter(lastSuccess, slot);
  };
  const check = async () => {
    if (o.lastSuccessElsewhere) {
      asking = true;
      const elsewhere = await o.lastSuccessElsewhere().catch(() => undefined);
      asking = false;
      const at = elsewhere?.getTime();
      if (at !== undefined && Number.isFinite(at) && at > lastSuccess) {
        succeeded(at);
        o.onSuccessElsewhere?.(at);
        if (missed) resolveMissed();
      }
    }
    if (stopped || missed || clock.now() <= due.at) return;
    fireMissed();
  };
  // Past the deadline, and while missed (another replica's success resolves it), the ledger is asked each interval.
  const watchdog = clock.setInterval(() => {
    if (stopped || asking || (!missed && clock.now() <= due.at)) return;
    void check();
  }, o.intervalMs);
  const resolveMissed = () => {
    missed = false;
    o.alerter?.resolve({ alertname: MISSED_RUN_ALERT, job_name: job });
  };
  const fireMissed = () => {
    const now = clock.now();
    const silentSeconds = Math.round((now - lastSuccess) / 1000);
    const { gapMs: periodMs, graceMs } = due;
    missed = true;
    logger.error({ silent_seconds: silentSeconds }, `job ${job} missed its schedule: no success for ${silentSeconds} s`);
    o.alerter?.fire({
      labels: { alertname: MISSED_RUN_ALERT, severity: 'critical', job_name: job },
      annotations: {
        summary: `Job ${job} has not succeeded for ${silentSeconds} s (period ${periodMs / 1000} s + grace ${graceMs / 1000} s)`,
        runbook_url: runbookFor(o.runbookUrl, MISSED_RUN_ALERT),
        recommended_action: 'Check that the scheduler is running and that the lease is not held by a zombie process.',
      },
      values: { silent_seconds: silentSeconds, period_seconds: periodMs / 1000, grace_seconds: graceMs / 1000 },
    });
  };
  return {
    onResult(result) {
      if (result.outcome !== 'succeeded') return;
      succeeded(result.finishedAt.getTime(), result.scheduledAt.getTime());
      if (missed) resolveMissed();
    },
    stop() {
      stopped = true;
      clock.clearInterval(watchdog);
    },
  };
}
