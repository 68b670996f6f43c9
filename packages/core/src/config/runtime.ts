import { describeValue, invalidOption, SlakitError } from '../errors.js';
import { cronPeriodSeconds, defaultGraceSeconds, durationSeconds } from './period.js';
import type { JobConfig, QueueConfig, SlakitConfig, SlakitConfigInput } from './schema.js';
import { validateConfig } from './schema.js';

function unknown(kind: 'job' | 'queue', name: unknown, config: SlakitConfig, known: string[]): SlakitError {
  if (typeof name !== 'string') return invalidOption(kind, name, `the name of a ${kind} of the config (a string)`);
  return new SlakitError(
    'ERR_SLAKIT_UNKNOWN_REFERENCE',
    `${kind} ${describeValue(name)} is not in the config of service ${config.service} (${kind}s: ${known.join(', ') || 'none'})`,
    { field: `${kind}s.${name}`, value: name, accepted: known.join(', ') || `a ${kind} declared in the config` },
  );
}

/** The entry `name` of a record, only when it is an own entry (`toString`, `__proto__` never resolve to a method). */
function own<T>(record: Record<string, T>, name: unknown): T | undefined {
  return typeof name === 'string' && Object.hasOwn(record, name) ? record[name] : undefined;
}

/**
 * The `runbook_url` of an alert: `<alerting.runbookBaseUrl>/<alertname>.md` — the page `docs/runbooks/` ships
 * for every alert slakit raises or generates.
 */
export function runbookUrl(config: SlakitConfig | SlakitConfigInput, alertname: string): string {
  const base = validateConfig(config).alerting.runbookBaseUrl.replace(/\/+$/, '');
  return `${base}/${alertname}.md`;
}

/** Options for `withSla()` taken from the config: spread them into the call so runtime and rules agree. */
export interface JobSlaFromConfig {
  budgetSeconds: number;
  warningPercent: number;
  criticalPercent: number;
  /** The job's priority (its `JobStartLate` threshold). */
  priority: 'critical' | 'high' | 'normal' | 'low';
  /** Late-start threshold in seconds when the config sets one (else the priority's). */
  lateStartSeconds?: number;
  minDurationSeconds?: number;
  minIntervalSeconds?: number;
  stallSeconds?: number;
  runbookUrl: (alertname: string) => string;
  rules: {
    successRateThreshold: number;
    successRateWindowSeconds: number;
    minRuns: number;
    throughputRatio: number;
    consecutiveFailures: number;
    retryRateThreshold: number;
    retryRateWindowSeconds: number;
    utilizationStreakRuns: number;
    recoveryRuns: number;
  };
}

/**
 * `withSla()` options of one job from the config (budget, thresholds, rule thresholds, runbook URLs).
 * @example withSla('cleanup_pdfs', fn, { ...jobSla(config, 'cleanup_pdfs'), leases, alerter, telemetry })
 * @throws SlakitError `ERR_SLAKIT_UNKNOWN_REFERENCE` when the job is not in `config.jobs`
 */
export function jobSla(config: SlakitConfig | SlakitConfigInput, job: string): JobSlaFromConfig {
  const c = validateConfig(config);
  const j: JobConfig | undefined = own(c.jobs, job);
  if (!j) throw unknown('job', job, c, Object.keys(c.jobs));
  return {
    budgetSeconds: j.budgetSeconds,
    warningPercent: j.warningPercent,
    criticalPercent: j.criticalPercent,
    priority: j.priority,
    ...(j.lateStartSeconds === undefined ? {} : { lateStartSeconds: j.lateStartSeconds }),
    ...(j.minDurationSeconds === undefined ? {} : { minDurationSeconds: j.minDurationSeconds }),
    ...(j.minIntervalSeconds === undefined ? {} : { minIntervalSeconds: j.minIntervalSeconds }),
    ...(j.stallSeconds === undefined ? {} : { stallSeconds: j.stallSeconds }),
    runbookUrl: (alertname) => runbookUrl(c, alertname),
    rules: {
      successRateThreshold: j.successRateThreshold,
      successRateWindowSeconds: j.successRateWindowSeconds,
      minRuns: j.minRuns,
      throughputRatio: j.throughputRatio,
      consecutiveFailures: j.consecutiveFailures,
      retryRateThreshold: j.retryRateThreshold,
      retryRateWindowSeconds: j.retryRateWindowSeconds,
      utilizationStreakRuns: j.utilizationStreakRuns,
      recoveryRuns: j.recoveryRuns,
    },
  };
}

/** The schedule of a job from the config, for `schedule(job, cron, options)`. */
export interface JobScheduleFromConfig {
  cron: string;
  timezone: string | undefined;
  /** Seconds between fires (the longest gap of the next 8). */
  periodSeconds: number;
  graceSeconds: number;
  runbookUrl: (alertname: string) => string;
}

/**
 * The schedule of one job (cron, time zone, period and grace as the generated `JobMissedRun` rule uses them).
 * @returns undefined when the job has no `schedule`
 * @throws SlakitError `ERR_SLAKIT_UNKNOWN_REFERENCE` when the job is not in `config.jobs`
 */
export function jobSchedule(config: SlakitConfig | SlakitConfigInput, job: string): JobScheduleFromConfig | undefined {
  const c = validateConfig(config);
  const j = own(c.jobs, job);
  if (!j) throw unknown('job', job, c, Object.keys(c.jobs));
  if (j.schedule === undefined) return undefined;
  const periodSeconds = cronPeriodSeconds(j.schedule, j.timezone);
  return {
    cron: j.schedule,
    timezone: j.timezone,
    periodSeconds,
    graceSeconds: j.graceSeconds ?? defaultGraceSeconds(periodSeconds),
    runbookUrl: (alertname) => runbookUrl(c, alertname),
  };
}

/**
 * `watchQueue()` thresholds of one queue from the config — the same values `slakit rules` writes into the queue
 * rules, so both evaluators of each queue alert use one definition.
 * @example watchQueue('manual_resolution', { probe, thresholds: queueThresholds(config, 'manual_resolution') })
 * @throws SlakitError `ERR_SLAKIT_UNKNOWN_REFERENCE` when the queue is not in `config.queues`
 */
export function queueThresholds(config: SlakitConfig | SlakitConfigInput, queue: string): Omit<QueueConfig, 'description'> {
  const c = validateConfig(config);
  const q = own(c.queues, queue);
  if (!q) throw unknown('queue', queue, c, Object.keys(c.queues));
  const { description: _description, ...thresholds } = q;
  return thresholds;
}

/** `createHealth()` alerting options from the config (see {@link healthAlerting}). */
export interface HealthAlertingFromConfig {
  /** `health.failingFor` in ms: how long a critical check fails before `HealthCheckFailing` fires. */
  failingForMs: number;
}

/**
 * `createHealth()` options from the config's `health` section — the `for` of the generated `HealthCheckFailing`
 * rule, so the runtime alert waits as long as the rule.
 * @example createHealth({ checks, alerter, ...healthAlerting(config) })
 */
export function healthAlerting(config: SlakitConfig | SlakitConfigInput): HealthAlertingFromConfig {
  return { failingForMs: durationSeconds(validateConfig(config).health.failingFor) * 1000 };
}

/**
 * The latency thresholds of the config's latency SLOs, in seconds — pass them to `instrument({ slo })` or
 * `httpDurationBuckets()` so the histogram has a bucket exactly at every threshold the rules query.
 */
export function sloLatencyThresholds(config: SlakitConfig | SlakitConfigInput): number[] {
  const out: number[] = [];
  for (const s of validateConfig(config).slos) if (s.kind === 'latency') out.push(s.thresholdSeconds);
  return out;
}
