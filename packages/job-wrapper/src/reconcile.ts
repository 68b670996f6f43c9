import { type Alerter, type Clock, logFailure, type RunRecord } from '@slakit/core';
import type { Logger } from 'pino';
import type { GuardedLedger } from './ledger-guard.js';
import { type RunShape, readShape } from './odd-runs.js';
import { throughputPerHour } from './outcome.js';
import { type AlertTarget, type BudgetFired, evaluateRules, type JobRules, readBaseline } from './rules.js';
import type { RunResult } from './types.js';

// Replicas and the run-time job alerts: a replica only sees its own runs, so an alert it raised (3 failures in a
// row, a breached budget) would stay firing — and be re-sent — after another replica's run has put the job right.
// While a replica has job alerts of its own firing, it reads the shared ledger's newest run every `intervalMs`; a
// run it has not seen (another replica's) is evaluated as if it were its own, resolving what that run resolves —
// what the generated rules, reading the latest runner, do.

/** The reconciler of one wrapped job. */
export interface Reconciler {
  /** The alerter the job's rules fire through: it tracks which of the job's alerts this replica has firing. */
  readonly alerter: AlertTarget | undefined;
  /** A run of this replica was recorded and evaluated (it is not adopted again). */
  seen(runId: string): void;
  /**
   * At start (a new process): adopts the ledger's latest run — its verdicts, budget ones included, and through
   * `record` its last-run gauges — so a restart forgets nothing the shared ledger knows. Never rejects.
   */
  hydrate(record: (result: RunResult, consecutiveFailures: number, shape: RunShape | undefined) => void): Promise<void>;
}

/** Inputs of {@link createReconciler}. */
export interface ReconcilerOptions {
  job: string;
  alerter: Alerter | undefined;
  ledger: GuardedLedger | undefined;
  clock: Clock;
  logger: Logger;
  /** How often the ledger is read while an alert fires; default 60 s. */
  intervalMs?: number;
  /** The job's rules (their alerter is replaced by the tracking one) and baseline settings. */
  rules: () => JobRules;
  baseline: { runs: number; minRuns: number } | undefined;
}

/** A ledger record as the result the rules evaluate. */
export function resultOf(record: RunRecord): RunResult | undefined {
  const { outcome, finishedAt } = record;
  if (outcome === 'running' || outcome === 'skipped_locked' || outcome === 'skipped_overlap' || !finishedAt) return undefined;
  const durationMs = finishedAt.getTime() - record.startedAt.getTime();
  const budgetMs = record.budgetSeconds * 1000;
  return {
    runId: record.runId,
    job: record.job,
    outcome,
    startedAt: record.startedAt,
    finishedAt,
    durationSeconds: durationMs / 1000,
    utilization: budgetMs > 0 ? durationMs / budgetMs : 0,
    processed: record.processed,
    throughputPerHour: throughputPerHour(record.processed, durationMs),
    fence: record.fence,
    error: record.errorCode ? { type: record.errorCode, code: record.errorCode, message: '' } : undefined,
    dryRun: record.dryRun,
    scheduledAt: record.slot ?? record.startedAt,
    attempts: record.attempts ?? 1,
    // Judged by the rules against the adopting job's `retry.attempts` (`retriesExhausted()`), not stored.
    retriesExhausted: false,
    startDelaySeconds: record.slot ? Math.max(0, record.startedAt.getTime() - record.slot.getTime()) / 1000 : undefined,
  };
}

/** Budget alerts are never raised by an adopted run (its own replica does that), only resolved. */
const ADOPTED: BudgetFired = { warning: true, critical: true };
/** Ledger records read to find the newest executed run past the standbys' skipped ones. */
const RECENT = 50;

/** Creates the reconciler of a job (no timer until one of the job's alerts fires here). */
export function createReconciler(o: ReconcilerOptions): Reconciler {
  const { job, clock, logger, ledger } = o;
  const host = o.alerter;
  const firing = new Set<string>();
  let lastSeen: string | undefined;
  /** Runs of this process recorded so far: an adoption that started before one finished is dropped. */
  let ownRuns = 0;
  let timer: ReturnType<Clock['setInterval']> | undefined;
  let busy = false;

  const adopt = async (
    mode: 'resolve-only' | 'verdicts',
    record?: (result: RunResult, consecutiveFailures: number, shape: RunShape | undefined) => void,
  ) => {
    if (busy || !ledger) return;
    busy = true;
    const runsBefore = ownRuns;
    try {
      // The newest run that executed (standbys record skipped_locked runs after the winner's run started).
      const results = ((await ledger.recent(job, RECENT)) ?? []).map(resultOf);
      const result = results.find((r) => r !== undefined);
      if (!result || result.runId === lastSeen || ownRuns !== runsBefore) return;
      lastSeen = result.runId;
      const consecutiveFailures = await ledger.consecutiveFailures(job);
      const baselinePerHour =
        result.outcome === 'succeeded' && o.baseline ? await readBaseline(job, ledger, o.baseline, result) : undefined;
      const shape = await readShape(ledger, result, o.rules().warningPercent);
      // A run of this process finished meanwhile: its own verdict and gauges are newer, the adopted run is dropped.
      if (ownRuns !== runsBefore) return;
      if (consecutiveFailures !== undefined) record?.(result, consecutiveFailures, shape);
      const rules = o.rules();
      // Adopting while an alert fires only resolves: the replica that ran raises what its run raises (one sender).
      const host = rules.alerter;
      const resolveOnly: AlertTarget | undefined = host && {
        fire: () => ({ fingerprint: undefined, action: 'suppressed' }),
        resolve: (l) => host.resolve(l),
      };
      await evaluateRules({
        rules: mode === 'resolve-only' ? { ...rules, alerter: resolveOnly } : rules,
        result,
        ledger,
        consecutiveFailures,
        baselinePerHour,
        budget: mode === 'resolve-only' ? ADOPTED : { warning: false, critical: false },
        shape,
      });
    } finally {
      busy = false;
    }
  };
  const tick = () => adopt('resolve-only');
  const update = () => {
    if (firing.size > 0 && !timer && ledger) {
      timer = clock.setInterval(() => {
        tick().catch((error: unknown) => logFailure(logger, `job ${job}: reconcile with the ledger`, error));
      }, o.intervalMs ?? 60_000);
    } else if (firing.size === 0 && timer) {
      clock.clearInterval(timer);
      timer = undefined;
    }
  };
  const alerter: AlertTarget | undefined = host && {
    fire(alert) {
      const result = host.fire(alert);
      const name = alert.labels.alertname;
      if (typeof name === 'string') firing.add(name);
      update();
      return result;
    },
    resolve(labels) {
      const result = host.resolve(labels);
      if (typeof labels.alertname === 'string') firing.delete(labels.alertname);
      update();
      return result;
    },
  };
  return {
    alerter,
    seen(runId) {
      lastSeen = runId;
      ownRuns++;
    },
    hydrate: (record) =>
      adopt('verdicts', record).catch((error: unknown) => logFailure(logger, `job ${job}: read the ledger at start`, error)),
  };
}
