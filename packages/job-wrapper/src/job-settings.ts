import {
  type Alerter,
  type Clock,
  createLogger,
  describeValue,
  invalidOption,
  type JOB_PRIORITIES,
  JOB_START_DELAY_THRESHOLDS,
  loadEnvSections,
  SlakitError,
  systemClock,
  type Telemetry,
  validateOptions,
} from '@slakit/core';
import type { Logger } from 'pino';
import { type JobInstruments, jobInstruments } from './instruments.js';
import { defaultOwner, type LeaseOwner, type LeaseStore } from './lease.js';
import type { RunLedger } from './ledger.js';
import { type GuardedLedger, guardLedger } from './ledger-guard.js';
import { memoryLeases } from './memory-leases.js';
import { memoryLedger } from './memory-ledger.js';
import { withSlaOptionsSchema } from './options-schema.js';
import { createReconciler, type Reconciler } from './reconcile.js';
import { type RetryOptions, type RetryPolicy, retryPolicy } from './retry.js';
import { DEFAULT_ACTION, failureCounter, type JobRules, ruleThresholds } from './rules.js';
import type { RuleOptions, RunResult } from './types.js';

/** Options of {@link withSla}. */
export interface WithSlaOptions {
  /** The SLA budget of one run, in seconds (> 0). Required. */
  budgetSeconds: number;
  /** Share of the budget that raises a warning while the job runs; default `SLA_WARNING_THRESHOLD_PERCENT` (80). */
  warningPercent?: number;
  /** Share of the budget that raises a critical alert (breach); default `SLA_CRITICAL_THRESHOLD_PERCENT` (100). */
  criticalPercent?: number;
  /** Lease store; default `memoryLeases()` (this process only). */
  leases?: LeaseStore;
  /** Lease TTL in ms (≥ 1000; renewed every TTL/3); default 30000. */
  leaseTtlMs?: number;
  /**
   * Hard deadline in seconds; default off — a running job is never killed. At the deadline `ctx.signal` aborts and the
   * run ends `timed_out` even when the job ignores the signal: the lease is released (the next holder gets a higher
   * fence, so fenced writes of the still-running body are rejected) and the next call proceeds; the body's eventual
   * result or rejection is logged at warn and otherwise ignored.
   */
  hardTimeoutSeconds?: number;
  /** Passed to the job as `ctx.dryRun`; default false. */
  dryRun?: boolean;
  telemetry?: Telemetry;
  /** Budget alerts go here; without one they are only logged. */
  alerter?: Alerter;
  /** Default: the telemetry's logger, else a new pino logger on stdout. */
  logger?: Logger;
  /**
   * `runbook_url` of the job's alerts: one URL, or a function of the alert name (e.g. from the config:
   * `runbookUrl: (alert) => runbookUrl(config, alert)`); default none.
   */
  runbookUrl?: string | ((alertname: string) => string);
  /** `recommended_action` of the budget alerts; default "Review batch size, check database load, verify indexes". */
  recommendedAction?: string;
  /** Lease owner; default this host, pid and a random id. */
  owner?: LeaseOwner;
  /** Deadline of lease acquire and release calls in ms; default the TTL. */
  leaseTimeoutMs?: number;
  clock?: Clock;
  /** Environment for defaults; default `process.env`. */
  env?: Record<string, string | undefined>;
  /**
   * Records every run (skipped ones included) and claims schedule slots; rules are evaluated against it, and
   * `job_consecutive_failures` is its count of failed runs since the last success.
   * Default: an in-memory ledger of this job's last 1000 runs; `false` keeps no ledger (and evaluates no rules).
   */
  ledger?: RunLedger | false;
  /** Thresholds of the rules evaluated after each run (needs `ledger` and `alerter`); `false` turns them off. */
  rules?: RuleOptions | false;
  /** Deadline of each ledger call in ms; default 5000. A failing ledger is logged and never fails the run. */
  ledgerTimeoutMs?: number;
  /**
   * Retries within one run: after a failed attempt the job is called again (`ctx.attempt` counts from 1) after a
   * backoff, under the same lease (renewed throughout) and the same budget and hard deadline. Each attempt is a span
   * (`job <name> attempt`, child of the run's) and a ledger row linked to the run (`recordAttempt`). Default: no
   * retries (one attempt).
   */
  retry?: RetryOptions;
  /** Priority of the job: its late-start threshold (5 / 30 / 60 / 300 s for critical / high / normal / low); default `normal`. */
  priority?: JobPriority;
  /**
   * A run called with `scheduledAt` that starts more than this many seconds after its slot is late (`JobStartLate`,
   * warning); default the priority's threshold (`JOB_START_DELAY_THRESHOLDS`).
   */
  lateStartSeconds?: number;
  /** A run that succeeds in less than this many seconds is suspicious (`JobRunTooFast`, warning); default off. */
  minDurationSeconds?: number;
  /**
   * An executed run that starts less than this many seconds after the previous executed run (in the ledger, any
   * replica) runs too often (`JobRunTooOften`, warning) — e.g. the schedule's period minus a margin; default off.
   */
  minIntervalSeconds?: number;
  /**
   * A running run that reports no progress (`ctx.progress()`) for this many seconds — since its start or its last
   * progress — is stalled (`JobStalled`, critical; the job keeps running); default off.
   */
  stallSeconds?: number;
}

/** A job priority (`JOB_PRIORITIES`). */
export type JobPriority = (typeof JOB_PRIORITIES)[number];

/** Everything a run of one wrapped job uses, resolved and validated once by `withSla()`. */
export interface JobSettings {
  name: string;
  budgetSeconds: number;
  clock: Clock;
  leases: LeaseStore;
  leaseKey: string;
  ttlMs: number;
  leaseTimeoutMs: number;
  owner: LeaseOwner;
  /** `host:pid` of the owner, as recorded in the ledger. */
  ownerText: string;
  hardTimeoutSeconds: number | undefined;
  dryRun: boolean;
  telemetry: Telemetry | undefined;
  /** Bound to `job`. */
  logger: Logger;
  instruments: JobInstruments;
  ledger: GuardedLedger | undefined;
  /** The consecutive-failure count after a run (the ledger's): exported as the gauge, read by the rule. */
  failures: (result: RunResult) => Promise<number | undefined>;
  /**
   * The throughput baseline a successful run is judged against (exported as `job_baseline_records_per_second` for the
   * generated rules even without an alerter); undefined without a ledger or with `rules: false`.
   */
  baseline: { runs: number; minRuns: number } | undefined;
  rules: JobRules;
  /** Adopts other replicas' runs while this replica has job alerts firing (see reconcile.ts). */
  reconciler: Reconciler;
  retry: RetryPolicy;
  priority: JobPriority;
  stallSeconds: number | undefined;
}

const JOB_NAME = /^[a-z][a-z0-9_]*$/;

function validate(name: string, options: WithSlaOptions, warning: number, critical: number): void {
  if (typeof name !== 'string' || !JOB_NAME.test(name)) {
    throw new SlakitError(
      'ERR_SLAKIT_INVALID_NAME',
      `job name must match [a-z][a-z0-9_]* (it becomes a metric label), got ${describeValue(name)}`,
      { field: 'name', value: name, accepted: 'a name matching [a-z][a-z0-9_]*, e.g. cleanup_quiz_responses' },
    );
  }
  const b = options?.budgetSeconds;
  if (typeof b !== 'number' || !Number.isFinite(b) || b <= 0) throw invalidOption('budgetSeconds', b, 'a number of seconds > 0');
  for (const [field, v] of [
    ['warningPercent', warning],
    ['criticalPercent', critical],
  ] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > 1000)
      throw invalidOption(field, v, 'a percentage > 0 and ≤ 1000');
  }
  if (warning >= critical) {
    throw new SlakitError(
      'ERR_SLAKIT_THRESHOLD_ORDER',
      `warningPercent (${warning}) must be lower than criticalPercent (${critical})`,
      { field: 'warningPercent', value: warning, accepted: `a value lower than criticalPercent (${critical})` },
    );
  }
  const ttl = options.leaseTtlMs;
  if (ttl !== undefined && (!Number.isInteger(ttl) || ttl < 1000)) {
    throw invalidOption('leaseTtlMs', ttl, 'an integer number of ms ≥ 1000 (the lease is renewed every TTL/3)');
  }
  const h = options.hardTimeoutSeconds;
  if (h !== undefined && (typeof h !== 'number' || !Number.isFinite(h) || h <= 0))
    throw invalidOption('hardTimeoutSeconds', h, 'a number of seconds > 0');
  const lt = options.leaseTimeoutMs;
  if (lt !== undefined && (!Number.isFinite(lt) || lt <= 0)) throw invalidOption('leaseTimeoutMs', lt, 'a number of ms > 0');
  if (
    options.leases !== undefined &&
    (typeof options.leases?.acquire !== 'function' || typeof options.leases?.listLeases !== 'function')
  ) {
    throw invalidOption('leases', options.leases, 'a LeaseStore (memoryLeases(), redisLeases(), postgresLeases(), …)');
  }
}

/** Checks `withSla()`'s options against their schema (unknown keys, types). */
export function checkWithSlaOptions(options: WithSlaOptions): void {
  validateOptions(withSlaOptionsSchema, options);
}

/**
 * Validates `withSla()`'s options (after {@link checkWithSlaOptions}) and resolves their defaults: thresholds from
 * the environment, memory leases, an in-memory ledger of 1000 runs, …
 * @throws SlakitError `ERR_SLAKIT_INVALID_NAME`, `ERR_SLAKIT_INVALID_OPTION`, `ERR_SLAKIT_THRESHOLD_ORDER`
 */
export function jobSettings(name: string, options: WithSlaOptions): JobSettings {
  const env = loadEnvSections(options?.env ?? process.env, ['sla']);
  const warningPercent = options?.warningPercent ?? env.sla.warningPercent;
  const criticalPercent = options?.criticalPercent ?? env.sla.criticalPercent;
  validate(name, options, warningPercent, criticalPercent);
  const retry = retryPolicy(options.retry);
  const priority = options.priority ?? 'normal';
  const clock = options.clock ?? systemClock;
  const ttlMs = options.leaseTtlMs ?? 30_000;
  const owner = options.owner ?? defaultOwner();
  const logger = (options.logger ?? options.telemetry?.logger ?? createLogger()).child({ job: name });
  const store =
    options.ledger === false ? undefined : (options.ledger ?? memoryLedger({ maxRuns: 1000, now: () => clock.now() }));
  const ledger = store && guardLedger(store, options.ledgerTimeoutMs ?? 5000, logger);
  const thresholds = ruleThresholds(options.rules || undefined, env.sla.successRateThreshold);
  const rulesOn = ledger !== undefined && options.rules !== false && options.alerter !== undefined;
  const baseline =
    ledger !== undefined && options.rules !== false
      ? { runs: thresholds.baselineRuns, minRuns: thresholds.minBaselineRuns }
      : undefined;
  const rules: JobRules = {
    job: name,
    alerter: undefined,
    logger,
    budgetSeconds: options.budgetSeconds,
    warningPercent,
    criticalPercent,
    runbookUrl: options.runbookUrl,
    recommendedAction: options.recommendedAction ?? DEFAULT_ACTION,
    ledgerRules: rulesOn ? thresholds : undefined,
    runRules: options.rules !== false,
    maxAttempts: retry.attempts,
    lateStartSeconds: options.lateStartSeconds ?? JOB_START_DELAY_THRESHOLDS[priority],
    minDurationSeconds: options.minDurationSeconds,
    minIntervalSeconds: options.minIntervalSeconds,
  };
  // The rules fire through the reconciler's alerter: while one of the job's alerts fires here, it adopts the runs
  // other replicas recorded in the shared ledger.
  const reconciler = createReconciler({
    job: name,
    alerter: options.alerter,
    ledger,
    clock,
    logger,
    rules: () => rules,
    baseline,
  });
  rules.alerter = reconciler.alerter;
  return {
    name,
    budgetSeconds: options.budgetSeconds,
    clock,
    leases: options.leases ?? memoryLeases({ clock }),
    leaseKey: `job:${name}`,
    ttlMs,
    leaseTimeoutMs: options.leaseTimeoutMs ?? ttlMs,
    owner,
    ownerText: `${owner.host}:${owner.pid}`,
    hardTimeoutSeconds: options.hardTimeoutSeconds,
    dryRun: options.dryRun ?? false,
    telemetry: options.telemetry,
    logger,
    instruments: jobInstruments(options.telemetry),
    ledger,
    failures: failureCounter(name, ledger),
    baseline,
    rules,
    reconciler,
    retry,
    priority,
    stallSeconds: options.stallSeconds,
  };
}
