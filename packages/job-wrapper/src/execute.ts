import { type Span, SpanStatusCode, trace } from '@opentelemetry/api';
import { recordException, safeText } from '@slakit/core';
import type { Logger } from 'pino';
import type { JobSettings } from './job-settings.js';
import type { Lease } from './lease.js';
import { type Execution, errorInfo, type RunBase, returnedProcessed } from './outcome.js';
import { backoff, retryDelayMs, shouldRetry } from './retry.js';
import { type BudgetFired, budgetAlert } from './rules.js';
import { watchStall } from './stall.js';
import type { AttemptRecord, JobContext, JobReturn } from './types.js';

const HARD_DEADLINE = Symbol('hard deadline');

/** Resolves after a few microtask turns (no timer): time for a job that honours an abort to settle. */
async function afterMicrotasks(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

/** What watches a running job: its abort signal, the budget timers, the hard deadline and the lease renewal. */
interface Watch {
  signal: AbortSignal;
  fired: BudgetFired;
  /** Resolves at the hard deadline (after the job had a few microtasks to honour the abort); undefined when off. */
  hardDeadline: Promise<typeof HARD_DEADLINE> | undefined;
  abortedBy(): 'lease_lost' | 'timed_out' | undefined;
  /** The job reported progress (resets the stall watch, `job_last_progress_timestamp_seconds`). */
  progressed(): void;
  /** Clears every timer and stops listening to the lease; a lease lost before counts as `lease_lost`. */
  stop(): void;
}

function watchRun(settings: JobSettings, lease: Lease, startedAt: number): Watch {
  const { clock, rules, name } = settings;
  const budgetMs = settings.budgetSeconds * 1000;
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
    budgetAlert(rules, severity, clock.now() - startedAt);
  };
  const timers = [
    clock.setTimeout(() => raise('warning'), (budgetMs * rules.warningPercent) / 100),
    clock.setTimeout(() => raise('critical'), (budgetMs * rules.criticalPercent) / 100),
  ];
  // The hard deadline aborts ctx.signal and, should the job ignore it, ends the run anyway (see callJob).
  let hardDeadline: Promise<typeof HARD_DEADLINE> | undefined;
  if (settings.hardTimeoutSeconds !== undefined) {
    const hardMs = settings.hardTimeoutSeconds * 1000;
    hardDeadline = new Promise((resolve) => {
      timers.push(
        clock.setTimeout(() => {
          const error = Object.assign(new Error(`job ${name} hit its hard timeout`), { name: 'TimeoutError', code: 'TIMEOUT' });
          abort('timed_out', error);
          // A job that honours the signal settles within a few microtasks: let it, so its own result is used.
          afterMicrotasks().then(() => resolve(HARD_DEADLINE));
        }, hardMs),
      );
    });
  }
  const stall = watchStall(settings, startedAt);
  const renewal = clock.setInterval(
    () => {
      lease.extend().catch(() => {});
    },
    Math.max(1, Math.floor(settings.ttlMs / 3)),
  );
  return {
    signal: controller.signal,
    fired,
    hardDeadline,
    abortedBy: () => abortedBy,
    progressed: stall.progressed,
    stop() {
      stall.stop();
      for (const t of timers) clock.clearTimeout(t);
      clock.clearInterval(renewal);
      lease.signal.removeEventListener('abort', onLeaseLost);
      // A lease that was already lost when the run began never fired the listener: the run still lost it.
      if (!abortedBy && lease.signal.aborted) abortedBy = 'lease_lost';
    },
  };
}

/** Calls the job in its span; at the hard deadline a job that ignored its signal is abandoned (and logged later). */
async function callJob<I>(
  settings: JobSettings,
  fn: (ctx: JobContext<I>) => Promise<JobReturn> | JobReturn,
  ctx: JobContext<I>,
  span: Span | undefined,
  hardDeadline: Watch['hardDeadline'],
): Promise<{ returned: JobReturn; thrown: { error: unknown } | undefined }> {
  const { telemetry, name } = settings;
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
      ctx.logger.warn(
        'error' in late ? { outcome: 'timed_out', error: errorInfo(late.error) } : { outcome: 'timed_out' },
        `job ${name} ${'error' in late ? 'failed' : 'finished'} after its hard timeout; the result is ignored`,
      ),
    );
    return { returned: undefined, thrown: undefined };
  }
  return 'error' in first
    ? { returned: undefined, thrown: { error: first.error } }
    : { returned: first.value, thrown: undefined };
}

/** Records one finished attempt: `job_attempts_total`, its span (with retries) and its ledger row (with retries). */
async function recordAttempt(
  settings: JobSettings,
  runId: string,
  a: { attempt: number; startedAt: number; outcome: AttemptRecord['outcome']; thrown: { error: unknown } | undefined },
  span: Span | undefined,
  retryDelayMs: number | undefined,
): Promise<void> {
  const finishedAt = settings.clock.now();
  settings.instruments.attempts.add(1, { job_name: settings.name, outcome: a.outcome });
  if (span) {
    span.setAttribute('job.attempt.outcome', a.outcome);
    if (a.outcome !== 'succeeded') span.setStatus({ code: SpanStatusCode.ERROR, message: a.outcome });
    if (a.thrown) recordException(span, a.thrown.error);
    if (retryDelayMs !== undefined) span.setAttribute('job.retry.delay_ms', retryDelayMs);
    span.end();
  }
  if (settings.retry.attempts === 1 || !settings.ledger) return;
  const error = a.thrown ? errorInfo(a.thrown.error) : undefined;
  await settings.ledger.recordAttempt({
    runId,
    job: settings.name,
    attempt: a.attempt,
    outcome: a.outcome,
    startedAt: new Date(a.startedAt),
    finishedAt: new Date(finishedAt),
    durationSeconds: (finishedAt - a.startedAt) / 1000,
    errorCode: error?.code ?? error?.type,
    errorMessage: error?.message === undefined ? undefined : safeText(error.message, 500),
    retryDelayMs,
  });
}

/**
 * The attempts of one run, under one watch (budget timers, hard deadline, lease renewal — across the backoffs too):
 * calls the job, and after a failure that `retry` allows waits the backoff and calls it again. Ends at a success,
 * a failure not retried, or an abort (lost lease, hard deadline: never retried).
 */
async function runAttempts<I>(
  settings: JobSettings,
  fn: (ctx: JobContext<I>) => Promise<JobReturn> | JobReturn,
  watch: Watch,
  context: Omit<JobContext<I>, 'attempt' | 'progress'>,
  runSpan: Span | undefined,
): Promise<{ returned: JobReturn; thrown: { error: unknown } | undefined; reported: number; prior: number; attempts: number }> {
  const { retry, telemetry, name, clock } = settings;
  let prior = 0;
  for (let attempt = 1; ; attempt++) {
    let reported = 0;
    const ctx: JobContext<I> = {
      ...context,
      attempt,
      progress(records: number) {
        if (typeof records === 'number' && Number.isFinite(records) && records > 0) {
          reported += records;
          watch.progressed();
        }
      },
    };
    const startedAt = clock.now();
    const span =
      retry.attempts > 1 && runSpan && telemetry
        ? telemetry.tracer.startSpan(
            `job ${name} attempt`,
            { attributes: { 'job.name': name, 'job.run_id': context.runId, 'job.attempt': attempt } },
            trace.setSpan(telemetry.context.active(), runSpan),
          )
        : undefined;
    const { returned, thrown } = await callJob(settings, fn, ctx, span ?? runSpan, watch.hardDeadline);
    const outcome: AttemptRecord['outcome'] = watch.abortedBy() ?? (thrown ? 'failed' : 'succeeded');
    const again = outcome === 'failed' && !watch.signal.aborted && shouldRetry(retry, thrown?.error, attempt);
    const delay = again ? retryDelayMs(retry, attempt) : undefined;
    await recordAttempt(settings, context.runId, { attempt, startedAt, outcome, thrown }, span, delay);
    if (delay === undefined) return { returned, thrown, reported, prior, attempts: attempt };
    prior += returnedProcessed(returned) ?? reported;
    context.logger.warn(
      { attempt, attempts: retry.attempts, retry_in_ms: delay, error: errorInfo(thrown?.error) },
      `job ${name} attempt ${attempt} failed; retrying in ${delay} ms`,
    );
    await backoff(clock, delay, watch.signal);
    if (watch.signal.aborted) return { returned: undefined, thrown, reported: 0, prior, attempts: attempt };
  }
}

/**
 * The run phase: starts the watch (budget timers, hard deadline, renewal every TTL/3, lease loss), opens the span,
 * calls the job with its context — again after a failure, as `retry` allows — and stops the watch when the last
 * attempt settles. The lease stays held: releasing it is the last step of the finish pipeline.
 */
export async function executeRun<I>(
  settings: JobSettings,
  fn: (ctx: JobContext<I>) => Promise<JobReturn> | JobReturn,
  lease: Lease,
  base: RunBase,
  input: I | undefined,
  runLogger: Logger,
): Promise<{ execution: Execution; fired: BudgetFired; span: Span | undefined }> {
  const { clock, name, instruments, telemetry } = settings;
  const startedAt = clock.now();
  const watch = watchRun(settings, lease, startedAt);
  const context = {
    signal: watch.signal,
    fence: lease.fence,
    runId: base.runId,
    dryRun: base.dryRun,
    logger: runLogger,
    scheduledAt: base.scheduledAt,
    input,
  };
  instruments.active.add(1, { job_name: name });
  instruments.currentRunStart.record(startedAt / 1000, { job_name: name });
  const span = telemetry?.tracer.startSpan(`job ${name}`, {
    attributes: { 'job.name': name, 'job.run_id': base.runId, 'job.fence': lease.fence.toString() },
  });
  runLogger.info(
    { fence: lease.fence.toString(), budget_seconds: settings.budgetSeconds, dry_run: base.dryRun },
    `job ${name} started`,
  );
  const { returned, thrown, reported, prior, attempts } = await runAttempts(settings, fn, watch, context, span);
  const finishedAt = clock.now();
  watch.stop();
  instruments.active.add(-1, { job_name: name });
  instruments.currentRunStart.record(0, { job_name: name });
  span?.setAttribute('job.attempt.count', attempts);
  const execution: Execution = {
    startedAt,
    finishedAt,
    fence: lease.fence,
    returned,
    thrown,
    abortedBy: watch.abortedBy(),
    abortReason: watch.signal.reason,
    reported,
    priorProcessed: prior,
    attempts,
    maxAttempts: settings.retry.attempts,
    slotAt: base.slotAt,
    budgetMs: settings.budgetSeconds * 1000,
  };
  return { execution, fired: watch.fired, span };
}
