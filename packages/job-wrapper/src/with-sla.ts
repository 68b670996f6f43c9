import { randomUUID } from 'node:crypto';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import {
  type Alerter,
  type Clock,
  createLogger,
  describeError,
  describeValue,
  invalidOption,
  loadEnvSections,
  recordException,
  SlakitError,
  systemClock,
  type Telemetry,
  validateOptions,
  withDeadline,
} from '@slakit/core';
import type { Logger } from 'pino';
import { jobInstruments } from './instruments.js';
import { defaultOwner, type Lease, type LeaseOwner, type LeaseStore } from './lease.js';
import { memoryLedger, type RunLedger, recordOf } from './ledger.js';
import { memoryLeases } from './memory-leases.js';
import { withSlaOptionsSchema } from './options-schema.js';
import { baselineBefore, evaluateRules, type RuleContext, type RuleOptions } from './rules.js';
import { runbookFor } from './runbook.js';

/** How a run ended. */
export type RunOutcome = 'succeeded' | 'failed' | 'timed_out' | 'lease_lost' | 'skipped_locked' | 'skipped_overlap';

/** What the job function receives. */
export interface JobContext<I = unknown> {
  /** Aborted on a lost lease or at the hard timeout: stop work and return. */
  signal: AbortSignal;
  /** The lease fence: strictly increasing across all holders of this job's lease; guard writes with it. */
  fence: bigint;
  /** Reports processed records (adds to the run's count). */
  progress(records: number): void;
  runId: string;
  dryRun: boolean;
  /** Logger with `job` and `run_id` bound. */
  logger: Logger;
  /** The schedule slot of this run (from `schedule()`), else the start time. */
  scheduledAt: Date;
  /** What the caller passed to the wrapped function. */
  input: I | undefined;
}

/** What a job may return. */
// biome-ignore lint/suspicious/noConfusingVoidType: job functions that return nothing are typed `void`
export type JobReturn = { processed?: number } | undefined | void;

/** The record of one run. */
export interface RunResult {
  runId: string;
  job: string;
  outcome: RunOutcome;
  startedAt: Date;
  finishedAt: Date;
  durationSeconds: number;
  /** Duration / budget (0 for skipped runs). */
  utilization: number;
  processed: number;
  /** Records per hour of this run (0 when nothing was processed). */
  throughputPerHour: number;
  fence: bigint | undefined;
  /**
   * Error of a failed run, whatever was thrown (`describeError`): class name (or the kind of value thrown), code (the
   * error's own, else its class name, else `NON_ERROR_THROWN`/`UNREADABLE_ERROR`) and a sanitised message
   * (credentials removed, at most 500 characters, no NUL or lone surrogates).
   */
  error: { type: string; code: string | undefined; message: string } | undefined;
  dryRun: boolean;
  scheduledAt: Date;
}

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
   * Records every run (skipped ones included) and claims schedule slots; rules are evaluated against it.
   * Default: an in-memory ledger of this job's last 1000 runs; `false` keeps no ledger (and evaluates no rules).
   */
  ledger?: RunLedger | false;
  /** Thresholds of the rules evaluated after each run (needs `ledger` and `alerter`); `false` turns them off. */
  rules?: RuleOptions | false;
  /** Deadline of each ledger call in ms; default 5000. A failing ledger is logged and never fails the run. */
  ledgerTimeoutMs?: number;
}

/** Options of one call of the wrapped function. */
export interface RunOptions {
  /** Schedule slot of this run; a valid Date (else the call rejects with `ERR_SLAKIT_INVALID_OPTION`). */
  scheduledAt?: Date;
  /** Overrides the wrapper's `dryRun`. */
  dryRun?: boolean;
}

/** The wrapped job: each call performs one run. */
export interface SlaJob<I = unknown> {
  (input?: I, options?: RunOptions): Promise<RunResult>;
  /** The job name. */
  readonly jobName: string;
  /** The budget in seconds. */
  readonly budgetSeconds: number;
  /** Records a run that did not happen (e.g. a schedule fire while the previous run is still going): metrics, ledger, log. */
  skip(outcome: 'skipped_overlap' | 'skipped_locked', options?: RunOptions): Promise<RunResult>;
}

const JOB_NAME = /^[a-z][a-z0-9_]*$/;
const HARD_DEADLINE = Symbol('hard deadline');

/** Resolves after a few microtask turns (no timer): time for a job that honours an abort to settle. */
async function afterMicrotasks(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}
/** Alert names raised by `withSla` (also used by the generated Prometheus rules). */
export const JOB_ALERTS = { warning: 'JobSlaBreachWarning', critical: 'JobSlaBreachCritical' } as const;
const DEFAULT_ACTION = 'Review batch size, check database load, verify indexes';

/** The result of a run that did not execute (skipped, or refused before it started). */
function blankResult(
  job: string,
  outcome: RunOutcome,
  at: Date,
  fields: { runId: string; dryRun: boolean; scheduledAt: Date; error?: RunResult['error'] },
): RunResult {
  return {
    runId: fields.runId,
    job,
    outcome,
    startedAt: at,
    finishedAt: at,
    durationSeconds: 0,
    utilization: 0,
    processed: 0,
    throughputPerHour: 0,
    fence: undefined,
    error: fields.error,
    dryRun: fields.dryRun,
    scheduledAt: fields.scheduledAt,
  };
}

/** `processed` of what the job returned, read without trusting it (a Proxy or a throwing getter counts as none). */
function returnedProcessed(returned: unknown): number | undefined {
  if (returned === null || typeof returned !== 'object') return undefined;
  try {
    const p = (returned as { processed?: unknown }).processed;
    return typeof p === 'number' && Number.isFinite(p) && p >= 0 ? p : undefined;
  } catch {
    return undefined;
  }
}

/** Any thrown value as safe strings (never throws; see `describeError`). */
function errorInfo(error: unknown): NonNullable<RunResult['error']> {
  const { name, code, message } = describeError(error);
  return { type: name, code, message };
}

function validate(name: string, options: WithSlaOptions, warning: number, critical: number): void {
  if (typeof name !== 'string' || !JOB_NAME.test(name)) {
    throw new SlakitError(
      'ERR_SLAKIT_INVALID_NAME',
      `job name must match [a-z][a-z0-9_]* (it becomes a metric label), got ${describeValue(name)}`,
      {
        field: 'name',
        value: name,
        accepted: 'a name matching [a-z][a-z0-9_]*, e.g. cleanup_quiz_responses',
      },
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
      {
        field: 'warningPercent',
        value: warning,
        accepted: `a value lower than criticalPercent (${critical})`,
      },
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

/**
 * Wraps a job with its SLA: every call takes the job's lease (skipping when another holder has it), times the run
 * against `budgetSeconds` and raises warning/critical alerts **while it runs**, renews the lease every TTL/3 (a lost
 * lease aborts `ctx.signal` and records `lease_lost`), then records metrics, releases the lease and resolves the
 * budget alerts once a run is back within budget. Errors thrown by `fn` are recorded and rethrown.
 *
 * Runs aborted by slakit (`lease_lost`, `timed_out`) resolve with their outcome instead of throwing; a lease store
 * that cannot be reached resolves `failed` with error code `LEASE_UNAVAILABLE` and does not run the job.
 *
 * @throws SlakitError `ERR_SLAKIT_INVALID_NAME`, `ERR_SLAKIT_INVALID_OPTION`, `ERR_SLAKIT_THRESHOLD_ORDER`
 */
export function withSla<I = unknown>(
  name: string,
  fn: (ctx: JobContext<I>) => Promise<JobReturn> | JobReturn,
  options: WithSlaOptions,
): SlaJob<I> {
  validateOptions(withSlaOptionsSchema, options);
  if (typeof fn !== 'function') throw invalidOption('fn', fn, 'the job function');
  const env = loadEnvSections(options?.env ?? process.env, ['sla']);
  const warningPercent = options?.warningPercent ?? env.sla.warningPercent;
  const criticalPercent = options?.criticalPercent ?? env.sla.criticalPercent;
  validate(name, options, warningPercent, criticalPercent);

  const budgetSeconds = options.budgetSeconds;
  const budgetMs = budgetSeconds * 1000;
  const clock = options.clock ?? systemClock;
  const leases = options.leases ?? memoryLeases({ clock });
  const ttlMs = options.leaseTtlMs ?? 30_000;
  const leaseTimeoutMs = options.leaseTimeoutMs ?? ttlMs;
  const owner = options.owner ?? defaultOwner();
  const ownerText = `${owner.host}:${owner.pid}`;
  const telemetry = options.telemetry;
  const logger = (options.logger ?? telemetry?.logger ?? createLogger()).child({ job: name });
  const instruments = jobInstruments(telemetry?.meter);
  // Counters start at 0 for this job, so Prometheus' increase()/rate() count the very first run (a series that first
  // appears at 1 has no increase) — the generated success-rate and throughput rules rely on it.
  for (const outcome of ['succeeded', 'failed', 'timed_out', 'lease_lost', 'skipped_locked'] as const)
    instruments.runs.add(0, { job: name, outcome });
  instruments.processed.add(0, { job: name });
  const alerter = options.alerter;
  const leaseKey = `job:${name}`;
  const ledger =
    options.ledger === false ? undefined : (options.ledger ?? memoryLedger({ maxRuns: 1000, now: () => clock.now() }));
  const ledgerTimeoutMs = options.ledgerTimeoutMs ?? 5000;
  const ruleContext: RuleContext | undefined =
    ledger && options.rules !== false && options.alerter
      ? {
          job: name,
          ledger,
          alerter: options.alerter,
          budgetSeconds,
          runbookUrl: options.runbookUrl,
          recommendedAction: options.recommendedAction ?? DEFAULT_ACTION,
          options: {
            successRateThreshold: options.rules?.successRateThreshold ?? env.sla.successRateThreshold,
            successRateWindowSeconds: options.rules?.successRateWindowSeconds ?? 86_400,
            minRuns: options.rules?.minRuns ?? 5,
            throughputRatio: options.rules?.throughputRatio ?? 0.5,
            baselineRuns: options.rules?.baselineRuns ?? 10,
            minBaselineRuns: options.rules?.minBaselineRuns ?? 5,
            consecutiveFailures: options.rules?.consecutiveFailures ?? 3,
          },
        }
      : undefined;
  /** A ledger call that can neither throw nor hang the run. */
  const ledgerCall = async <T>(what: string, call: () => Promise<T>): Promise<T | undefined> =>
    withDeadline(
      Promise.resolve().then(call),
      ledgerTimeoutMs,
      (error) => logger.warn({ error: errorInfo(error) }, `run ledger: ${what} failed`),
      () => logger.warn(`run ledger: ${what} timed out`),
    );
  const attrs = { job: name };
  let consecutiveFailures = 0;

  const budgetAlert = (severity: 'warning' | 'critical', elapsedMs: number) => {
    const utilization = elapsedMs / budgetMs;
    const pct = Math.round(utilization * 1000) / 10;
    const threshold = severity === 'warning' ? warningPercent : criticalPercent;
    const summary =
      severity === 'warning'
        ? `Job ${name} approaching SLA limit (${pct}% utilization)`
        : `Job ${name} exceeded its SLA budget (${pct}% utilization)`;
    const values = {
      alert_type: `sla_breach_${severity}`,
      sla_budget_seconds: budgetSeconds,
      actual_duration_seconds: Math.round(elapsedMs / 100) / 10,
      utilization_percent: pct,
      threshold_percent: threshold,
    };
    (severity === 'warning' ? logger.warn : logger.error).call(logger, values, summary);
    alerter?.fire({
      labels: { alertname: JOB_ALERTS[severity], severity, job: name },
      annotations: {
        summary,
        description: `${name} has run ${values.actual_duration_seconds} s of its ${budgetSeconds} s budget (threshold ${threshold}%). The job keeps running: never kill a running cleanup job.`,
        runbook_url: runbookFor(options.runbookUrl, JOB_ALERTS[severity]),
        recommended_action: options.recommendedAction ?? DEFAULT_ACTION,
      },
      values,
    });
  };

  const acquire = async (): Promise<Lease | null | 'unavailable'> => {
    const pending = leases.acquire(leaseKey, { ttlMs, owner });
    let timedOut = false;
    const lease = await withDeadline(
      pending,
      leaseTimeoutMs,
      (error) =>
        logger.error({ store: leases.kind, error: errorInfo(error) }, `lease store ${leases.kind} failed; the job did not run`),
      () => {
        timedOut = true;
        logger.error(
          { store: leases.kind },
          `lease store ${leases.kind} did not answer in ${leaseTimeoutMs} ms; the job did not run`,
        );
      },
    );
    if (timedOut) {
      // A late grant must not hold the lease for a run that will never happen.
      pending.then(
        (late) => late?.release(),
        () => {},
      );
      return 'unavailable';
    }
    return lease === undefined ? 'unavailable' : lease;
  };

  const record = (result: RunResult) => {
    const outcomeAttrs = { job: name, outcome: result.outcome };
    instruments.runs.add(1, outcomeAttrs);
    if (result.outcome === 'skipped_locked' || result.outcome === 'skipped_overlap') return;
    instruments.duration.record(result.durationSeconds, outcomeAttrs);
    instruments.utilization.record(result.utilization, attrs);
    if (result.processed > 0) instruments.processed.add(result.processed, attrs);
    if (result.outcome === 'succeeded') {
      consecutiveFailures = 0;
      instruments.lastSuccess.record(result.finishedAt.getTime() / 1000, attrs);
    } else {
      consecutiveFailures += 1;
    }
    instruments.consecutiveFailures.record(consecutiveFailures, attrs);
  };

  const run = async (input?: I, runOptions: RunOptions = {}): Promise<RunResult> => {
    const slotOption = runOptions?.scheduledAt;
    if (slotOption !== undefined && !(slotOption instanceof Date && Number.isFinite(slotOption.getTime())))
      throw invalidOption('scheduledAt', slotOption, 'a valid Date (the schedule slot of this run) or undefined');
    const runId = randomUUID();
    const dryRun = runOptions.dryRun ?? options.dryRun ?? false;
    const requestedAt = clock.now();
    const scheduledAt = runOptions.scheduledAt ?? new Date(requestedAt);
    const base = { runId, job: name, dryRun, scheduledAt };
    const empty = (outcome: RunOutcome, error?: RunResult['error']): RunResult =>
      blankResult(name, outcome, new Date(clock.now()), { ...base, error });

    const lease = await acquire();
    if (lease === 'unavailable') {
      const result = empty('failed', {
        type: 'LeaseUnavailable',
        code: 'LEASE_UNAVAILABLE',
        message: `lease store ${leases.kind} unavailable`,
      });
      record(result);
      return result;
    }
    const slot = runOptions.scheduledAt;
    if (lease === null) {
      instruments.contention.add(1, attrs);
      const result = empty('skipped_locked');
      record(result);
      if (ledger) await ledgerCall('record', () => ledger.record(recordOf(result, budgetSeconds, slot, ownerText)));
      logger.info({ run_id: runId, outcome: 'skipped_locked' }, `job ${name} skipped: another holder has the lease`);
      return result;
    }

    if (ledger) {
      const claimed = await ledgerCall('claim', () =>
        ledger.claim({
          ...recordOf(empty('succeeded'), budgetSeconds, slot, ownerText),
          fence: lease.fence,
          startedAt: new Date(clock.now()),
          finishedAt: undefined,
        }),
      );
      if (claimed === false) {
        await withDeadline(lease.release(), leaseTimeoutMs);
        const result = empty('skipped_overlap');
        record(result);
        await ledgerCall('record', () =>
          ledger.record({ ...recordOf(result, budgetSeconds, slot, ownerText), runId: `${result.runId}` }),
        );
        logger.info(
          { run_id: runId, slot: slot?.toISOString(), outcome: 'skipped_overlap' },
          `job ${name} skipped: slot already run`,
        );
        return result;
      }
    }

    const startedAt = clock.now();
    const controller = new AbortController();
    let abortedBy: 'lease_lost' | 'timed_out' | undefined;
    const abort = (why: 'lease_lost' | 'timed_out', reason: unknown) => {
      if (controller.signal.aborted) return;
      abortedBy = why;
      controller.abort(reason);
    };
    const onLeaseLost = () => abort('lease_lost', lease.signal.reason);
    lease.signal.addEventListener('abort', onLeaseLost, { once: true });
    const fired = { warning: false, critical: false };
    const raise = (severity: 'warning' | 'critical') => {
      fired[severity] = true;
      budgetAlert(severity, clock.now() - startedAt);
    };
    const timers = [
      clock.setTimeout(() => raise('warning'), (budgetMs * warningPercent) / 100),
      clock.setTimeout(() => raise('critical'), (budgetMs * criticalPercent) / 100),
    ];
    // The hard deadline aborts ctx.signal and, should the job ignore it, ends the run anyway (see below).
    let hardDeadline: Promise<typeof HARD_DEADLINE> | undefined;
    if (options.hardTimeoutSeconds !== undefined) {
      const hardMs = options.hardTimeoutSeconds * 1000;
      hardDeadline = new Promise((resolve) => {
        timers.push(
          clock.setTimeout(() => {
            abort(
              'timed_out',
              Object.assign(new Error(`job ${name} hit its hard timeout`), { name: 'TimeoutError', code: 'TIMEOUT' }),
            );
            // A job that honours the signal settles within a few microtasks: let it, so its own result is used.
            afterMicrotasks().then(() => resolve(HARD_DEADLINE));
          }, hardMs),
        );
      });
    }
    const renewal = clock.setInterval(
      () => {
        lease.extend().catch(() => {});
      },
      Math.max(1, Math.floor(ttlMs / 3)),
    );

    let reported = 0;
    const runLogger = logger.child({ run_id: runId });
    const ctx: JobContext<I> = {
      signal: controller.signal,
      fence: lease.fence,
      progress(records: number) {
        if (typeof records === 'number' && Number.isFinite(records) && records > 0) reported += records;
      },
      runId,
      dryRun,
      logger: runLogger,
      scheduledAt,
      input,
    };

    instruments.active.add(1, attrs);
    const span = telemetry?.tracer.startSpan(`job ${name}`, {
      attributes: { 'job.name': name, 'job.run_id': runId, 'job.fence': lease.fence.toString() },
    });
    runLogger.info({ fence: lease.fence.toString(), budget_seconds: budgetSeconds, dry_run: dryRun }, `job ${name} started`);

    let returned: JobReturn;
    let thrown: { error: unknown } | undefined;
    const call = () => Promise.resolve().then(() => fn(ctx));
    const settled: Promise<{ value: JobReturn } | { error: unknown }> = Promise.resolve()
      .then(() => (span && telemetry ? telemetry.context.with(trace.setSpan(telemetry.context.active(), span), call) : call()))
      .then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      );
    const first = hardDeadline ? await Promise.race([settled, hardDeadline]) : await settled;
    if (first === HARD_DEADLINE) {
      // The job ignored its signal: the run ends now (timed_out, lease released so the next run proceeds and gets a
      // higher fence); whatever the zombie body does later is logged and ignored — never an unhandled rejection.
      settled.then((late) =>
        runLogger.warn(
          'error' in late ? { outcome: 'timed_out', error: errorInfo(late.error) } : { outcome: 'timed_out' },
          `job ${name} ${'error' in late ? 'failed' : 'finished'} after its hard timeout; the result is ignored`,
        ),
      );
    } else if ('error' in first) thrown = { error: first.error };
    else returned = first.value;

    const finishedAt = clock.now();
    for (const t of timers) clock.clearTimeout(t);
    clock.clearInterval(renewal);
    lease.signal.removeEventListener('abort', onLeaseLost);
    instruments.active.add(-1, attrs);
    const stillHeld = await withDeadline(lease.release(), leaseTimeoutMs);
    if (!abortedBy && stillHeld === false && lease.signal.aborted) abortedBy = 'lease_lost';

    const durationMs = finishedAt - startedAt;
    const processed = returnedProcessed(returned) ?? reported;
    const outcome: RunOutcome = abortedBy ?? (thrown ? 'failed' : 'succeeded');
    const result: RunResult = {
      ...base,
      outcome,
      startedAt: new Date(startedAt),
      finishedAt: new Date(finishedAt),
      durationSeconds: durationMs / 1000,
      utilization: durationMs / budgetMs,
      processed,
      throughputPerHour: durationMs > 0 && processed > 0 ? processed / (durationMs / 3_600_000) : 0,
      fence: lease.fence,
      error: thrown ? errorInfo(thrown.error) : abortedBy ? errorInfo(controller.signal.reason) : undefined,
    };
    record(result);
    if (ledger) {
      const baseline = ruleContext ? await ledgerCall('baseline', () => baselineBefore(ruleContext)) : undefined;
      await ledgerCall('record', () => ledger.record(recordOf(result, budgetSeconds, slot, ownerText)));
      if (ruleContext && baseline) await ledgerCall('rules', () => evaluateRules(ruleContext, result, baseline));
    }

    // Alerts: the timers fired during the run (raise any a coarse clock skipped); a run back within budget resolves them.
    const pct = result.utilization * 100;
    if (pct >= warningPercent && !fired.warning) budgetAlert('warning', durationMs);
    if (pct >= criticalPercent && !fired.critical) budgetAlert('critical', durationMs);
    if (pct < criticalPercent && alerter) {
      alerter.resolve({ alertname: JOB_ALERTS.critical, job: name });
      if (pct < warningPercent) alerter.resolve({ alertname: JOB_ALERTS.warning, job: name });
    }

    if (span) {
      span.setAttribute('job.outcome', outcome);
      if (outcome !== 'succeeded') span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
      if (thrown) recordException(span, thrown.error); // message and stack scrubbed of secrets
      span.end();
    }
    const summary = {
      outcome,
      duration_seconds: result.durationSeconds,
      utilization: Math.round(result.utilization * 1000) / 1000,
      processed,
      fence: lease.fence.toString(),
    };
    if (outcome === 'succeeded') runLogger.info(summary, `job ${name} succeeded`);
    else runLogger.error({ ...summary, error: result.error }, `job ${name} ${outcome}`);

    if (thrown && !abortedBy) throw thrown.error;
    return result;
  };

  const skip = async (outcome: 'skipped_overlap' | 'skipped_locked', runOptions: RunOptions = {}): Promise<RunResult> => {
    const at = new Date(clock.now());
    const result = blankResult(name, outcome, at, {
      runId: randomUUID(),
      dryRun: runOptions.dryRun ?? options.dryRun ?? false,
      scheduledAt: runOptions.scheduledAt ?? at,
    });
    record(result);
    if (ledger)
      await ledgerCall('record', () => ledger.record(recordOf(result, budgetSeconds, runOptions.scheduledAt, ownerText)));
    logger.info({ run_id: result.runId, outcome, slot: runOptions.scheduledAt?.toISOString() }, `job ${name} ${outcome}`);
    return result;
  };

  return Object.assign(run, { jobName: name, budgetSeconds, skip }) as SlaJob<I>;
}
