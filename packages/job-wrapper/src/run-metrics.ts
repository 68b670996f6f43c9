import { type Span, SpanStatusCode } from '@opentelemetry/api';
import { recordException } from '@slakit/core';
import type { Logger } from 'pino';
import type { JobInstruments } from './instruments.js';
import type { RunResult } from './types.js';

/**
 * Records a finished (or skipped) run: `job_runs_total`, and for a run that was not skipped its duration,
 * utilization, records (the duration with the run `span` as its exemplar when sampled), retries (`job_retries_total`,
 * `job_last_run_retries_exhausted`) and, for a run with a schedule slot, its start delay
 * (`job_start_delay_seconds{priority}`, `job_last_run_start_delay_seconds`) (the last-run timestamps come last,
 * {@link recordLastRun}). `job_consecutive_failures` comes later, from the ledger ({@link recordConsecutiveFailures}).
 */
export function recordRunMetrics(instruments: JobInstruments, result: RunResult, priority: string, span?: Span): void {
  const attrs = { job_name: result.job };
  const outcomeAttrs = { job_name: result.job, outcome: result.outcome };
  instruments.runs.add(1, outcomeAttrs);
  if (result.outcome === 'skipped_locked' || result.outcome === 'skipped_overlap') return;
  instruments.duration.record(result.durationSeconds, outcomeAttrs, span?.spanContext());
  instruments.utilization.record(result.utilization, attrs);
  if (result.processed > 0) instruments.processed.add(result.processed, attrs);
  if (result.attempts > 1) instruments.retries.add(result.attempts - 1, attrs);
  if (result.outcome === 'succeeded') instruments.lastRunDuration.record(result.durationSeconds, attrs);
  instruments.retriesExhausted.record(result.retriesExhausted ? 1 : 0, attrs);
  if (result.startDelaySeconds !== undefined) {
    instruments.startDelay.record(result.startDelaySeconds, { job_name: result.job, priority });
    instruments.lastStartDelay.record(result.startDelaySeconds, attrs);
  }
}

/** `job_consecutive_failures{job_name}`: the count the ledger holds after the run (left as it was when unreadable). */
export function recordConsecutiveFailures(instruments: JobInstruments, job: string, count: number | undefined): void {
  if (count !== undefined) instruments.consecutiveFailures.record(count, { job_name: job });
}

/**
 * For a successful run: `job_last_run_records_per_second` and, when the job has a baseline (a ledger and rules on),
 * `job_baseline_records_per_second` — the usable baseline, or 0 when there is none (so the rules stop comparing).
 * `baselinePerHour` `false`: no baseline gauge at all (no ledger or `rules: false`).
 */
export function recordThroughput(
  instruments: JobInstruments,
  result: RunResult,
  baselinePerHour: number | undefined | false,
): void {
  if (result.outcome !== 'succeeded') return;
  const attrs = { job_name: result.job };
  instruments.lastRunThroughput.record(result.throughputPerHour / 3600, attrs);
  if (baselinePerHour !== false) instruments.baselineThroughput.record((baselinePerHour ?? 0) / 3600, attrs);
}

/**
 * `job_last_run_timestamp_seconds` (and `job_last_success_timestamp_seconds` for a success): when this process's last
 * executed run ended — the generated rules' latest-runner selectors, so they are recorded after every other gauge.
 */
export function recordLastRun(instruments: JobInstruments, result: RunResult, latestRunner = true): void {
  if (result.outcome === 'skipped_locked' || result.outcome === 'skipped_overlap') return;
  const attrs = { job_name: result.job };
  const at = result.finishedAt.getTime() / 1000;
  if (result.outcome === 'succeeded') instruments.lastSuccess.record(at, attrs);
  if (latestRunner) instruments.lastRun.record(at, attrs);
}

/** Ends the run's span with its outcome (error status unless it succeeded; the thrown value as a scrubbed event). */
export function endRunSpan(span: Span | undefined, result: RunResult, thrown: { error: unknown } | undefined): void {
  if (!span) return;
  span.setAttribute('job.outcome', result.outcome);
  if (result.outcome !== 'succeeded') span.setStatus({ code: SpanStatusCode.ERROR, message: result.outcome });
  if (thrown) recordException(span, thrown.error); // message and stack scrubbed of secrets
  span.end();
}

/** The run's summary line: info for a success, error (with the error) otherwise. */
export function logRunSummary(runLogger: Logger, result: RunResult): void {
  const summary = {
    outcome: result.outcome,
    duration_seconds: result.durationSeconds,
    utilization: Math.round(result.utilization * 1000) / 1000,
    processed: result.processed,
    fence: result.fence?.toString(),
  };
  if (result.outcome === 'succeeded') runLogger.info(summary, `job ${result.job} succeeded`);
  else runLogger.error({ ...summary, error: result.error }, `job ${result.job} ${result.outcome}`);
}
