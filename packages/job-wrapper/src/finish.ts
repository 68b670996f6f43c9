import type { Span } from '@opentelemetry/api';
import { logFailure, withDeadline } from '@slakit/core';
import type { Logger } from 'pino';
import type { JobSettings } from './job-settings.js';
import type { Lease } from './lease.js';
import { recordOf } from './ledger.js';
import { readShape, recordShape } from './odd-runs.js';
import { type Execution, executedResult, type RunBase } from './outcome.js';
import { type BudgetFired, evaluateRules, readBaseline } from './rules.js';
import {
  endRunSpan,
  logRunSummary,
  recordConsecutiveFailures,
  recordLastRun,
  recordRunMetrics,
  recordThroughput,
} from './run-metrics.js';
import type { RunResult } from './types.js';

// The finish of every run, in one order: outcome → metrics → ledger write → rules → lease release (last, so the run
// holds its lease until it is recorded and a next holder sees it in the ledger).

/** Ledger write: the run's final record (its schedule slot kept only for a run that claimed it). */
export async function writeRun(settings: JobSettings, result: RunResult, slot: Date | undefined): Promise<void> {
  await settings.ledger?.record(recordOf(result, settings.budgetSeconds, slot, settings.ownerText));
}

/**
 * Rules: reads the consecutive-failure count from the ledger once — exported as `job_consecutive_failures` and
 * judged by the consecutive-failure rule — then evaluates every rule of the job. Skipped runs change neither.
 */
export async function applyRules(settings: JobSettings, result: RunResult, budget: BudgetFired | undefined): Promise<void> {
  if (result.outcome === 'skipped_locked' || result.outcome === 'skipped_overlap') return;
  settings.reconciler.seen(result.runId);
  let current = false;
  try {
    const consecutiveFailures = await settings.failures(result);
    current = consecutiveFailures !== undefined;
    recordConsecutiveFailures(settings.instruments, settings.name, consecutiveFailures);
    const { ledger, baseline } = settings;
    const baselinePerHour =
      result.outcome === 'succeeded' && ledger && baseline
        ? await readBaseline(settings.name, ledger, baseline, result)
        : undefined;
    recordThroughput(settings.instruments, result, baseline ? baselinePerHour : false);
    const shape = ledger ? await readShape(ledger, result, settings.rules.warningPercent) : undefined;
    if (shape) recordShape(settings.instruments, settings.name, shape);
    await evaluateRules({ rules: settings.rules, result, ledger, consecutiveFailures, baselinePerHour, budget, shape });
  } catch (error) {
    // A host alerter whose fire()/resolve() throws must not fail the run nor keep its lease.
    logFailure(settings.logger, `job ${settings.name}: rules`, error);
  } finally {
    // Last, so the replica becomes the latest runner only once its last-run gauges are current — and not at all when
    // the ledger's failure count could not be read (its gauge still holds an older count).
    recordLastRun(settings.instruments, result, current);
  }
}

/** Lease release: the last step; bounded by `leaseTimeoutMs`. */
export async function releaseLease(settings: JobSettings, lease: Lease): Promise<void> {
  await withDeadline(lease.release(), settings.leaseTimeoutMs);
}

/** The finish pipeline of a run that executed. */
export async function finishExecuted(
  settings: JobSettings,
  run: {
    base: RunBase;
    slot: Date | undefined;
    lease: Lease;
    execution: Execution;
    fired: BudgetFired;
    span: Span | undefined;
    runLogger: Logger;
  },
): Promise<RunResult> {
  const result = executedResult(run.base, run.execution);
  recordRunMetrics(settings.instruments, result, settings.priority, run.span);
  endRunSpan(run.span, result, run.execution.thrown);
  logRunSummary(run.runLogger, result);
  try {
    await writeRun(settings, result, run.slot);
    await applyRules(settings, result, run.fired);
  } finally {
    await releaseLease(settings, run.lease);
  }
  return result;
}

/**
 * The finish pipeline of a run that did not execute (skipped, or refused because the lease store was unavailable):
 * metrics → ledger write → rules → release of the lease it may hold (a `skipped_overlap` run took it to claim the
 * slot). `slot` is recorded only for skipped runs: a refused run must not take a slot another replica may claim.
 */
export async function finishUnexecuted(
  settings: JobSettings,
  result: RunResult,
  slot: Date | undefined,
  lease?: Lease,
): Promise<RunResult> {
  recordRunMetrics(settings.instruments, result, settings.priority);
  try {
    await writeRun(settings, result, result.outcome === 'failed' ? undefined : slot);
    await applyRules(settings, result, undefined);
  } finally {
    if (lease) await releaseLease(settings, lease);
  }
  return result;
}
