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
}

/**
 * Every `intervalMs`, raises `JobMissedRun` (critical) once no run succeeded for one period + grace after the last
 * success; the next success resolves it.
 */
export function watchMissedRuns(o: MissedRunOptions): MissedRunWatch {
  const { job, clock, logger } = o;
  let lastSuccess = o.lastSuccess;
  let due = o.slots.dueAfter(lastSuccess);
  let missed = false;
  let stopped = false;
  const watchdog = clock.setInterval(() => {
    if (stopped || missed) return;
    const now = clock.now();
    if (now <= due.at) return;
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
  }, o.intervalMs);
  return {
    onResult(result) {
      if (result.outcome !== 'succeeded') return;
      lastSuccess = result.finishedAt.getTime();
      due = o.slots.dueAfter(lastSuccess, result.scheduledAt.getTime());
      if (missed) {
        missed = false;
        o.alerter?.resolve({ alertname: MISSED_RUN_ALERT, job_name: job });
      }
    },
    stop() {
      stopped = true;
      clock.clearInterval(watchdog);
    },
  };
}
