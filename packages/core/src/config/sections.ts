import type { z } from 'zod';
import { ALERT_CATALOGUE } from '../catalogue/index.js';
import { JOB_RULE_DEFAULTS as D } from '../catalogue/job-rules.js';
import { nonNegativeSeconds, QUEUE_FIELDS, RULE_FIELDS, SLA_FIELDS } from '../validation/fields.js';
import { lazySchema, zod } from '../validation/lazy.js';
import { FORBIDDEN_KEYS, knownKeysError } from '../validation/options.js';
import { cronPeriodSeconds, PROMETHEUS_DURATION, validTimeZone } from './period.js';
import { labelNameClash, selectorProblem } from './selector.js';

/**
 * The sections of the slakit config schema (SLOs, jobs, queues, receivers, alerting, health, prometheus), each a
 * lazy schema: built, with zod loaded, on the first validation.
 */

/** A strict object whose unknown keys are reported with a did-you-mean against its known keys. */
export function strict<T extends z.core.$ZodLooseShape>(shape: T) {
  return zod().strictObject(shape, { error: knownKeysError(Object.keys(shape)) });
}

/**
 * An object of named entries: keys must match `pattern`, and never `__proto__`/`constructor`/`prototype` (which a
 * plain object would drop, or resolve to one of its methods).
 */
export function namedRecord<T extends z.ZodType>(pattern: RegExp, what: string, value: T) {
  return zod()
    .custom<Record<string, unknown>>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), {
      error: `must be an object of ${what}s by name`,
    })
    .superRefine((input, ctx) => {
      for (const key of Object.keys(input)) {
        if (FORBIDDEN_KEYS.has(key) || !pattern.test(key))
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: `must be a ${what} name matching ${pattern}`,
            input: key,
            params: { key: true },
          });
      }
    })
    .pipe(zod().record(zod().string(), value));
}

export const NAME = /^[a-z][a-z0-9_]*$/;

export const SERVICE = /^[a-z][a-z0-9_-]*$/;
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

/** The default `health.failingFor`: the `for` of `HealthCheckFailing` in the catalogue. */
export const HEALTH_FAILING_FOR: string = ALERT_CATALOGUE.HealthCheckFailing.rule.for;

export const duration = lazySchema(() =>
  zod().string().regex(PROMETHEUS_DURATION, { error: 'must be a Prometheus duration such as 30s, 5m, 1h, 30d' }),
);
export const positive = lazySchema(() => zod().number({ error: 'must be a number' }).finite().gt(0, { error: 'must be > 0' }));
export const percent = lazySchema(() =>
  zod().number({ error: 'must be a number' }).gt(0, { error: 'must be > 0' }).lt(100, { error: 'must be < 100' }),
);
const envName = lazySchema(() =>
  zod().string().regex(ENV_NAME, { error: 'must be an environment variable name such as SLACK_WEBHOOK_URL' }),
);
const httpUrl = lazySchema(() =>
  zod()
    .string()
    .refine((v) => /^https?:\/\/[^\s]+$/.test(v), { error: 'must be an http(s) URL' }),
);

export const job = lazySchema(() => {
  const shape = {
    /** SLA budget of one run, in seconds (shared with `withSla()`: > 0, at most 10 years). */
    budgetSeconds: SLA_FIELDS.budgetSeconds,
    /** Cron expression (croner syntax) of the job's schedule; enables missed-run rules. */
    schedule: zod().string().min(1).optional(),
    timezone: zod().string().min(1).optional(),
    /** Extra time after a period before a missing success is critical; default 10 % of the period (≥ 60 s). */
    graceSeconds: nonNegativeSeconds().optional(),
    /** Percent of the budget that warns (shared with `withSla()`: > 0 and ≤ 1000); default 80. */
    warningPercent: SLA_FIELDS.warningPercent.default(D.warningPercent),
    /** Percent of the budget that is critical (shared with `withSla()`: > 0 and ≤ 1000); default 100. */
    criticalPercent: SLA_FIELDS.criticalPercent.default(D.criticalPercent),
    /** Success rate over the window below which the job is critical; default 0.95. */
    successRateThreshold: RULE_FIELDS.successRateThreshold.default(D.successRateThreshold),
    /** Window of the success rate, in seconds; default 86400 (24 h). */
    successRateWindowSeconds: RULE_FIELDS.successRateWindowSeconds.default(D.successRateWindowSeconds),
    /** Executed runs needed in the success-rate (and retry-rate) window before it can alert; default 5. */
    minRuns: RULE_FIELDS.minRuns.default(D.minRuns),
    /** Throughput of the last successful run below this share of its ledger baseline warns; default 0.5. */
    throughputRatio: RULE_FIELDS.throughputRatio.default(D.throughputRatio),
    /** Consecutive failures that are critical; default 3. */
    consecutiveFailures: RULE_FIELDS.consecutiveFailures.default(D.consecutiveFailures),
    /** Retries per executed run above which the job warns (`JobRetryRateHigh`); default 0.2. */
    retryRateThreshold: RULE_FIELDS.retryRateThreshold.default(D.retryRateThreshold),
    /** Window of the retry rate, in seconds; default 86400 (24 h). */
    retryRateWindowSeconds: RULE_FIELDS.retryRateWindowSeconds.default(D.retryRateWindowSeconds),
    /** Priority of the job (`JobStartLate` threshold 5/30/60/300 s); default `normal`. */
    priority: SLA_FIELDS.priority.default('normal'),
    /** Start delay after the slot above which a run is late, in seconds; default the priority's threshold. */
    lateStartSeconds: SLA_FIELDS.lateStartSeconds.optional(),
    /** A successful run shorter than this raises `JobRunTooFast`; default off. */
    minDurationSeconds: SLA_FIELDS.minDurationSeconds.optional(),
    /** Runs starting sooner than this after the previous raise `JobRunTooOften`; default off. */
    minIntervalSeconds: SLA_FIELDS.minIntervalSeconds.optional(),
    /** A running run without progress this long raises `JobStalled`; default off. */
    stallSeconds: SLA_FIELDS.stallSeconds.optional(),
    /** Runs in a row at or above `warningPercent` that raise `JobUtilizationStreak`; default 3. */
    utilizationStreakRuns: RULE_FIELDS.utilizationStreakRuns.default(D.utilizationStreakRuns),
    /** Successes in a row that resolve `JobConsecutiveFailures`; default 1. */
    recoveryRuns: RULE_FIELDS.recoveryRuns.default(D.recoveryRuns),
    description: zod().string().optional(),
  };
  return zod()
    .strictObject(shape, { error: knownKeysError(Object.keys(shape)) })
    .superRefine((value, ctx) => {
      if (value.warningPercent >= value.criticalPercent)
        ctx.addIssue({
          code: 'custom',
          path: ['warningPercent'],
          message: 'must be < criticalPercent',
          input: value.warningPercent,
        });
      if (value.timezone !== undefined && !validTimeZone(value.timezone)) {
        ctx.addIssue({
          code: 'custom',
          path: ['timezone'],
          message: 'must be an IANA time zone such as Europe/Berlin or UTC',
          input: value.timezone,
        });
      } else if (value.schedule !== undefined) {
        try {
          cronPeriodSeconds(value.schedule, value.timezone);
        } catch (error) {
          ctx.addIssue({
            code: 'custom',
            path: ['schedule'],
            message: `must be a cron expression that fires repeatedly (${(error as Error).message})`,
            input: value.schedule,
          });
        }
      }
    });
});

const Q = {
  depthWarning: ALERT_CATALOGUE.QueueDepthWarning.params,
  depthCritical: ALERT_CATALOGUE.QueueDepthCritical.params,
  age: ALERT_CATALOGUE.QueueAgeWarning.params,
  escalation: ALERT_CATALOGUE.QueueEscalationRequired.params,
  resolution: ALERT_CATALOGUE.QueueResolutionRateLow.params,
};
const QUEUE_KEYS = [...Object.keys(QUEUE_FIELDS), 'description'];

/** `queues.<name>`: the thresholds of the queue alerts; defaults from the alert catalogue (`params`). */
export const queue = lazySchema(() =>
  zod()
    .strictObject(
      {
        depthWarning: QUEUE_FIELDS.depthWarning.default(Q.depthWarning.depthWarning),
        depthCritical: QUEUE_FIELDS.depthCritical.default(Q.depthCritical.depthCritical),
        ageWarningHours: QUEUE_FIELDS.ageWarningHours.default(Q.age.ageWarningHours),
        ageEscalationHours: QUEUE_FIELDS.ageEscalationHours.default(Q.escalation.ageEscalationHours),
        resolutionRateRatio: QUEUE_FIELDS.resolutionRateRatio.default(Q.resolution.resolutionRateRatio),
        resolutionBaselineHours: QUEUE_FIELDS.resolutionBaselineHours.default(Q.resolution.resolutionBaselineHours),
        resolutionMinHistoryHours: QUEUE_FIELDS.resolutionMinHistoryHours.default(Q.resolution.resolutionMinHistoryHours),
        description: zod().string().optional(),
      },
      { error: knownKeysError(QUEUE_KEYS) },
    )
    .superRefine((value, ctx) => {
      const order = (low: keyof typeof value, high: keyof typeof value) => {
        if ((value[low] as number) >= (value[high] as number))
          ctx.addIssue({ code: 'custom', path: [low], message: `must be < ${high}`, input: value[low] });
      };
      order('depthWarning', 'depthCritical');
      order('ageWarningHours', 'ageEscalationHours');
      order('resolutionMinHistoryHours', 'resolutionBaselineHours');
    }),
);

const receiver = lazySchema(() =>
  zod().discriminatedUnion(
    'type',
    [
      strict({ type: zod().literal('pagerduty'), routingKeyEnv: envName.default('PAGERDUTY_ROUTING_KEY') }),
      strict({
        type: zod().literal('slack'),
        webhookUrlEnv: envName.default('SLACK_WEBHOOK_URL'),
        channel: zod().string().min(1).optional(),
      }),
      strict({ type: zod().literal('webhook'), url: httpUrl.optional(), urlEnv: envName.optional() }).refine(
        (v) => (v.url === undefined) !== (v.urlEnv === undefined),
        {
          error: 'must set exactly one of url (a URL without secrets) or urlEnv',
        },
      ),
    ],
    { error: 'must have type "pagerduty", "slack" or "webhook"' },
  ),
);

export const alerting = lazySchema(() =>
  strict({
    /** Base URL of the runbooks; `runbook_url` = `<base>/<AlertName>.md`. */
    runbookBaseUrl: httpUrl.default('https://github.com/slakit/slakit/blob/main/docs/runbooks'),
    /** Critical alerts go here (Alertmanager `pager` receiver); default PagerDuty with `PAGERDUTY_ROUTING_KEY`. */
    pager: receiver.default({ type: 'pagerduty', routingKeyEnv: 'PAGERDUTY_ROUTING_KEY' }),
    /** Error and warning alerts go here (Alertmanager `chat` receiver); default Slack with `SLACK_WEBHOOK_URL`. */
    chat: receiver.default({ type: 'slack', webhookUrlEnv: 'SLACK_WEBHOOK_URL' }),
    groupWait: duration.default('30s'),
    groupInterval: duration.default('5m'),
    /** Re-send interval of firing critical alerts; default 1h. */
    criticalRepeatInterval: duration.default('1h'),
    /** Re-send interval of firing error alerts (need action today, never page); default 2h. */
    errorRepeatInterval: duration.default('2h'),
    /** Re-send interval of firing warning alerts; default 4h. */
    warningRepeatInterval: duration.default('4h'),
  }),
);

export const health = lazySchema(() =>
  strict({
    /** Checks that page when failing; default every check reported by `health_check_status`. */
    criticalChecks: zod().array(zod().string().min(1)).optional(),
    /** How long a check must fail before `HealthCheckFailing` fires; default 5m (the catalogue's `for`). */
    failingFor: duration.default(HEALTH_FAILING_FOR),
  }),
);

export const prometheus = lazySchema(() =>
  strict({
    /**
     * Label matchers added to every series selector of the generated rules and dashboards, e.g. `namespace="shop"`;
     * default none. Never on `job`, `instance`, `__…`, `le` or slakit's own labels (`selectorProblem()`).
     */
    selector: zod()
      .string()
      .superRefine((v, ctx) => {
        const problem = selectorProblem(v);
        if (problem) ctx.addIssue({ code: 'custom', message: problem, input: v });
      })
      .default(''),
    /**
     * Labels that tell deployments apart when `selector` spans several (`namespace=~"shop|shop-staging"` →
     * `['namespace']`): the job rules keep one verdict per job and per value. Never a per-replica label (`pod`,
     * `instance`: the rules would judge each replica alone) nor one Prometheus or slakit sets; default none.
     */
    groupBy: zod()
      .array(
        zod()
          .string()
          .superRefine((v, ctx) => {
            const problem = !/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(v)
              ? 'must be a Prometheus label name'
              : (labelNameClash(v) && `must not be ${JSON.stringify(v)}: ${labelNameClash(v)}`) || undefined;
            if (problem) ctx.addIssue({ code: 'custom', message: problem, input: v });
          }),
      )
      .max(10)
      .default([]),
    /** Evaluation interval of the generated rule groups; default 30s. */
    evaluationInterval: duration.default('30s'),
  }),
);
