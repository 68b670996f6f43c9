import {
  ALERT_CATALOGUE,
  type Alerter,
  type Clock,
  contained,
  durationSeconds,
  METRIC_CATALOGUE as M,
  type Telemetry,
  type TimerHandle,
} from '@slakit/core';
import type { Logger } from 'pino';
import type { CheckResult } from './check.js';
import type { CheckState } from './runner.js';

const HEALTH_ALERT = ALERT_CATALOGUE.HealthCheckFailing;

/** The default `failingForMs` of `createHealth`: the `for` of the `HealthCheckFailing` rule in the catalogue (5 min). */
export const DEFAULT_FAILING_FOR_MS = durationSeconds(HEALTH_ALERT.rule.for) * 1000;

/** The instruments health records each check run on (none without a meter). */
export interface HealthInstruments {
  duration?: { record(value: number, attributes: { check: string }): void };
  status?: { record(value: number, attributes: { check: string }): void };
}

/** `health_check_duration_seconds` and `health_check_status` on `meter`. */
export function createInstruments(meter: Telemetry['meter'] | undefined): HealthInstruments {
  return {
    duration: meter?.createHistogram(M.healthDuration.otel, {
      unit: M.healthDuration.unit,
      description: M.healthDuration.help,
      advice: { explicitBucketBoundaries: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] },
    }),
    status: meter?.createGauge(M.healthStatus.otel, { description: M.healthStatus.help }),
  };
}

/** Where a check result is reported. */
export interface ResultSinks {
  instruments: HealthInstruments;
  logger: Logger;
  alerter?: Alerter;
  clock: Clock;
  /** How long a critical check's results must stay `fail` before `HealthCheckFailing` fires (0: at once). */
  failingForMs: number;
}

/** A critical check's failure streak: since when it fails, the pending alert timer, whether the alert fires. */
interface Streak {
  since: number;
  timer: TimerHandle | undefined;
  firing: boolean;
  output: string;
}

/** What {@link createReporter} returns. */
export interface Reporter {
  /** Reports one finished check run (see {@link createReporter}). */
  report(state: CheckState, previous: CheckResult | undefined): void;
  /** Cancels the pending alert timers (on close / shutdown). */
  stop(): void;
}

/**
 * Reports finished check runs: records duration and status, logs a status change (fail at `warn`), and for a
 * critical check fires `HealthCheckFailing{check}` once its results have been `fail` without a break for
 * `failingForMs` (a timer on the clock from the first failing result; a `pass` or `warn` result ends the streak and
 * resolves the alert) — the per-process equivalent of the generated rule `health_check_status == 0` with
 * `for: <health.failingFor>`.
 */
export function createReporter(sinks: ResultSinks): Reporter {
  const { instruments, logger, alerter, clock, failingForMs } = sinks;
  const streaks = new Map<string, Streak>();

  const fire = (name: string, streak: Streak) => {
    streak.timer = undefined;
    streak.firing = true;
    // Called from a timer: a throwing host alerter is logged, never crashes the process.
    contained(logger, `health check ${name}: fire ${HEALTH_ALERT.name}`, () =>
      alerter?.fire({
        labels: { alertname: HEALTH_ALERT.name, severity: HEALTH_ALERT.severity, check: name },
        annotations: {
          summary: `${HEALTH_ALERT.summary.replace('{check}', name)} (${streak.output})`,
          recommended_action: HEALTH_ALERT.action,
        },
        values: { output: streak.output, failing_since: new Date(streak.since).toISOString() },
      }),
    );
  };

  const alerting = (name: string, failing: boolean, output: string) => {
    const streak = streaks.get(name);
    if (!failing) {
      if (!streak) return;
      clock.clearTimeout(streak.timer);
      streaks.delete(name);
      if (streak.firing)
        contained(logger, `health check ${name}: resolve ${HEALTH_ALERT.name}`, () =>
          alerter?.resolve({ alertname: HEALTH_ALERT.name, check: name }),
        );
      return;
    }
    if (streak) {
      streak.output = output;
      if (streak.firing) fire(name, streak); // a repeat: the alerter deduplicates it
      return;
    }
    const started: Streak = { since: clock.now(), timer: undefined, firing: false, output };
    streaks.set(name, started);
    if (failingForMs <= 0) fire(name, started);
    else started.timer = clock.setTimeout(() => fire(name, started), failingForMs);
  };

  return {
    report(s, previous) {
      const name = s.check.name;
      const status = s.result?.status ?? 'fail';
      instruments.duration?.record((s.latencyMs ?? 0) / 1000, { check: name });
      instruments.status?.record(status === 'pass' ? 1 : status === 'warn' ? 0.5 : 0, { check: name });
      if (previous?.status !== status) {
        const level = status === 'fail' ? 'warn' : 'info';
        logger[level]({ check: name, status, output: s.result?.output }, `health check ${name}: ${status}`);
      }
      if (s.check.severity !== 'critical' || !alerter) return;
      alerting(name, status === 'fail', s.result?.output ?? 'fail');
    },
    stop() {
      for (const streak of streaks.values()) clock.clearTimeout(streak.timer);
      streaks.clear();
    },
  };
}
