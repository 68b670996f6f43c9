import type { JobSettings } from './job-settings.js';
import { ODD_RUN_ALERTS, stallAlert } from './odd-runs.js';

/**
 * The stall watch of a run (`stallSeconds`): one timer at the last progress + `stallSeconds` (re-armed lazily, so
 * `ctx.progress()` in a hot loop costs a clock read), `JobStalled` when it passes without progress, resolved by the
 * next progress or the end of the run (`stop()`). Off without `stallSeconds`.
 */
export function watchStall(settings: JobSettings, startedAt: number): { progressed(): void; stop(): void } {
  const { clock, rules, name, instruments } = settings;
  const seconds = settings.stallSeconds;
  if (seconds === undefined) return { progressed() {}, stop() {} };
  const stallMs = seconds * 1000;
  let last = startedAt;
  let stalled = false;
  instruments.lastProgress.record(startedAt / 1000, { job_name: name });
  const check = () => {
    const since = clock.now() - last;
    if (since < stallMs) {
      timer = clock.setTimeout(check, stallMs - since);
      return;
    }
    stalled = true;
    stallAlert(rules, since, seconds);
  };
  let timer = clock.setTimeout(check, stallMs);
  return {
    progressed() {
      last = clock.now();
      instruments.lastProgress.record(last / 1000, { job_name: name });
      if (!stalled) return;
      stalled = false;
      rules.alerter?.resolve({ alertname: ODD_RUN_ALERTS.stalled, job_name: name });
      timer = clock.setTimeout(check, stallMs);
    },
    stop() {
      clock.clearTimeout(timer);
      instruments.lastProgress.record(0, { job_name: name });
      // A run that ended is no longer stalled (only this run's own watch resolves it: never an adopted older run).
      if (stalled) rules.alerter?.resolve({ alertname: ODD_RUN_ALERTS.stalled, job_name: name });
    },
  };
}
