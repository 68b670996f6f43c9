import { ALERT_CATALOGUE, type Alerter, METRIC_CATALOGUE as M, type Telemetry } from '@slakit/core';
import type { Logger } from 'pino';
import type { CheckResult } from './check.js';
import type { CheckState } from './runner.js';

const HEALTH_ALERT = ALERT_CATALOGUE.HealthCheckFailing.name;

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
}

/**
 * Reports one finished check run: records duration and status, logs a status change (fail at `warn`), and for a
 * critical check fires `HealthCheckFailing{check}` while it fails and resolves it on recovery.
 */
export function reportResult(sinks: ResultSinks, s: CheckState, previous: CheckResult | undefined): void {
  const { instruments, logger, alerter } = sinks;
  const name = s.check.name;
  const status = s.result?.status ?? 'fail';
  instruments.duration?.record((s.latencyMs ?? 0) / 1000, { check: name });
  instruments.status?.record(status === 'pass' ? 1 : status === 'warn' ? 0.5 : 0, { check: name });
  if (previous?.status !== status) {
    const level = status === 'fail' ? 'warn' : 'info';
    logger[level]({ check: name, status, output: s.result?.output }, `health check ${name}: ${status}`);
  }
  if (s.check.severity !== 'critical' || !alerter) return;
  if (status === 'fail') {
    alerter.fire({
      labels: { alertname: HEALTH_ALERT, severity: 'critical', check: name },
      annotations: {
        summary: `Health check ${name} is failing (${s.result?.output ?? 'fail'})`,
        recommended_action: 'Check the dependency behind this check; readiness is failing, so traffic is held off this instance.',
      },
      values: { output: s.result?.output ?? 'fail' },
    });
  } else if (previous?.status === 'fail') {
    alerter.resolve({ alertname: HEALTH_ALERT, check: name });
  }
}
