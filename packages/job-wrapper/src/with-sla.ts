import { randomUUID } from 'node:crypto';
import { invalidOption } from '@slakit/core';
import { acquireLease } from './acquire.js';
import { executeRun } from './execute.js';
import { finishExecuted, finishUnexecuted } from './finish.js';
import { checkWithSlaOptions, type JobSettings, jobSettings, type WithSlaOptions } from './job-settings.js';
import type { Lease } from './lease.js';
import { recordOf } from './ledger.js';
import { recordShape } from './odd-runs.js';
import { blankResult, type RunBase, retriesExhausted } from './outcome.js';
import { recordConsecutiveFailures, recordLastRun } from './run-metrics.js';
import type { JobContext, JobReturn, RunOptions, RunResult, SlaJob } from './types.js';

export type { JobPriority, WithSlaOptions } from './job-settings.js';
export type { RetryOptions } from './retry.js';
export { JOB_ALERTS } from './rules.js';
export type { AttemptRecord, JobContext, JobReturn, RunOptions, RunOutcome, RunResult, SlaJob } from './types.js';

type JobFn<I> = (ctx: JobContext<I>) => Promise<JobReturn> | JobReturn;

/** The base of one call's result; rejects a `scheduledAt` that is not a valid Date. */
function runBase(settings: JobSettings, runOptions: RunOptions): RunBase {
  const slot = runOptions?.scheduledAt;
  if (slot !== undefined && !(slot instanceof Date && Number.isFinite(slot.getTime())))
    throw invalidOption('scheduledAt', slot, 'a valid Date (the schedule slot of this run) or undefined');
  const requestedAt = settings.clock.now();
  return {
    runId: randomUUID(),
    job: settings.name,
    dryRun: runOptions.dryRun ?? settings.dryRun,
    scheduledAt: runOptions.scheduledAt ?? new Date(requestedAt),
    slotAt: slot?.getTime(),
  };
}

/** Claims the run's schedule slot in the ledger: false when another run (here or on a replica) already has it. */
async function claimSlot(settings: JobSettings, base: RunBase, slot: Date | undefined, lease: Lease): Promise<boolean> {
  if (!settings.ledger) return true;
  const now = new Date(settings.clock.now());
  const claimed = await settings.ledger.claim({
    ...recordOf(blankResult(base, 'succeeded', now), settings.budgetSeconds, slot, settings.ownerText),
    fence: lease.fence,
    startedAt: new Date(settings.clock.now()),
    finishedAt: undefined,
  });
  return claimed !== false;
}

/** One call of the wrapped job: lease, slot claim, run phase, finish pipeline. */
async function runJob<I>(settings: JobSettings, fn: JobFn<I>, input: I | undefined, runOptions: RunOptions): Promise<RunResult> {
  const { clock, name, logger } = settings;
  const base = runBase(settings, runOptions);
  const slot = runOptions.scheduledAt;
  const blank = (outcome: RunResult['outcome'], error?: RunResult['error']) =>
    blankResult(base, outcome, new Date(clock.now()), error);

  const lease = await acquireLease(settings);
  if (lease === 'unavailable') {
    const error = {
      type: 'LeaseUnavailable',
      code: 'LEASE_UNAVAILABLE',
      message: `lease store ${settings.leases.kind} unavailable`,
    };
    return finishUnexecuted(settings, blank('failed', error), slot);
  }
  if (lease === null) {
    settings.instruments.contention.add(1, { job_name: name });
    const result = await finishUnexecuted(settings, blank('skipped_locked'), slot);
    logger.info({ run_id: base.runId, outcome: 'skipped_locked' }, `job ${name} skipped: another holder has the lease`);
    return result;
  }
  if (!(await claimSlot(settings, base, slot, lease))) {
    const result = await finishUnexecuted(settings, blank('skipped_overlap'), slot, lease);
    logger.info(
      { run_id: base.runId, slot: slot?.toISOString(), outcome: 'skipped_overlap' },
      `job ${name} skipped: slot already run`,
    );
    return result;
  }

  const runLogger = logger.child({ run_id: base.runId });
  const { execution, fired, span } = await executeRun(settings, fn, lease, base, input, runLogger);
  const result = await finishExecuted(settings, { base, slot, lease, execution, fired, span, runLogger });
  if (execution.thrown && !execution.abortedBy) throw execution.thrown.error;
  return result;
}

/** Records a run that did not happen (a schedule fire while the previous run still runs). */
async function skipJob(
  settings: JobSettings,
  outcome: 'skipped_overlap' | 'skipped_locked',
  runOptions: RunOptions,
): Promise<RunResult> {
  const at = new Date(settings.clock.now());
  const base: RunBase = {
    runId: randomUUID(),
    job: settings.name,
    dryRun: runOptions.dryRun ?? settings.dryRun,
    scheduledAt: runOptions.scheduledAt ?? at,
  };
  const result = await finishUnexecuted(settings, blankResult(base, outcome, at), runOptions.scheduledAt);
  settings.logger.info(
    { run_id: result.runId, outcome, slot: runOptions.scheduledAt?.toISOString() },
    `job ${settings.name} ${outcome}`,
  );
  return result;
}

/**
 * Wraps a job with its SLA: every call takes the job's lease (skipping when another holder has it), times the run
 * against `budgetSeconds` and raises warning/critical alerts **while it runs**, renews the lease every TTL/3 (a lost
 * lease aborts `ctx.signal` and records `lease_lost`), then finishes in one order: metrics, the ledger record, the
 * rules (budget alerts resolve once a run is back within budget; `job_consecutive_failures` is the ledger's count),
 * and last the lease release. Errors thrown by `fn` are recorded and rethrown.
 *
 * Runs aborted by slakit (`lease_lost`, `timed_out`) resolve with their outcome instead of throwing; a lease store
 * that cannot be reached resolves `failed` with error code `LEASE_UNAVAILABLE` and does not run the job.
 *
 * @throws SlakitError `ERR_SLAKIT_INVALID_NAME`, `ERR_SLAKIT_INVALID_OPTION`, `ERR_SLAKIT_THRESHOLD_ORDER`
 */
export function withSla<I = unknown>(name: string, fn: JobFn<I>, options: WithSlaOptions): SlaJob<I> {
  checkWithSlaOptions(options);
  if (typeof fn !== 'function') throw invalidOption('fn', fn, 'the job function');
  const settings = jobSettings(name, options);
  // Counters start at 0 for this job, so Prometheus' increase()/rate() count the very first run (a series that first
  // appears at 1 has no increase) — the generated success-rate and throughput rules rely on it.
  for (const outcome of ['succeeded', 'failed', 'timed_out', 'lease_lost', 'skipped_locked'] as const)
    settings.instruments.runs.add(0, { job_name: name, outcome });
  settings.instruments.processed.add(0, { job_name: name });
  settings.instruments.retries.add(0, { job_name: name });
  for (const outcome of ['succeeded', 'failed'] as const) settings.instruments.attempts.add(0, { job_name: name, outcome });
  // A new process adopts the ledger's latest run (gauges and verdicts): after a restart the generated rules and the
  // run-time alerts still see what the shared ledger knows (3 failures in a row stay 3). Without telemetry or an
  // alerter there is nobody to tell: no ledger read at all.
  if (settings.telemetry || settings.rules.alerter)
    void settings.reconciler.hydrate((result, consecutiveFailures, shape) => {
      recordConsecutiveFailures(settings.instruments, name, consecutiveFailures);
      settings.instruments.utilization.record(result.utilization, { job_name: name });
      const exhausted = retriesExhausted(result.outcome, result.attempts, settings.retry.attempts);
      settings.instruments.retriesExhausted.record(exhausted ? 1 : 0, { job_name: name });
      if (result.startDelaySeconds !== undefined)
        settings.instruments.lastStartDelay.record(result.startDelaySeconds, { job_name: name });
      if (result.outcome === 'succeeded') settings.instruments.lastRunDuration.record(result.durationSeconds, { job_name: name });
      if (shape) recordShape(settings.instruments, name, shape);
      recordLastRun(settings.instruments, result);
    });
  const run = (input?: I, runOptions: RunOptions = {}) => runJob(settings, fn, input, runOptions);
  const skip = (outcome: 'skipped_overlap' | 'skipped_locked', runOptions: RunOptions = {}) =>
    skipJob(settings, outcome, runOptions);
  const lastSuccess = async () => {
    const at = await settings.ledger?.lastSuccess(name);
    return at instanceof Date && Number.isFinite(at.getTime()) ? at : undefined;
  };
  return Object.assign(run, { jobName: name, budgetSeconds: settings.budgetSeconds, skip, lastSuccess }) as SlaJob<I>;
}
