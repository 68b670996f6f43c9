import { z } from 'zod';
import { describeValue, SlakitError } from '../errors.js';
import { nonNegativeSeconds, QUEUE_FIELDS, RULE_FIELDS, SLA_FIELDS } from '../validation/fields.js';
import { FORBIDDEN_KEYS, knownKeysError, unknownKeyText } from '../validation/options.js';
import { cronPeriodSeconds, PROMETHEUS_DURATION } from './period.js';

/** A strict object whose unknown keys are reported with a did-you-mean against its known keys. */
function strict<T extends z.core.$ZodLooseShape>(shape: T) {
  return z.strictObject(shape, { error: knownKeysError(Object.keys(shape)) });
}

/**
 * An object of named entries: keys must match `pattern`, and never `__proto__`/`constructor`/`prototype` (which a
 * plain object would drop, or resolve to one of its methods).
 */
function namedRecord<T extends z.ZodType>(pattern: RegExp, what: string, value: T) {
  return z
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
    .pipe(z.record(z.string(), value));
}

const NAME = /^[a-z][a-z0-9_]*$/;
const SERVICE = /^[a-z][a-z0-9_-]*$/;
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
/** Label matchers as written inside `{…}` of a PromQL selector, e.g. `namespace="shop",service="orders"`. */
const MATCHERS =
  /^\s*([a-zA-Z_][a-zA-Z0-9_]*\s*(=|!=|=~|!~)\s*"([^"\\]|\\.)*"\s*)(,\s*[a-zA-Z_][a-zA-Z0-9_]*\s*(=|!=|=~|!~)\s*"([^"\\]|\\.)*"\s*)*,?\s*$/;

const name = (what: string) => z.string().regex(NAME, { error: `must be a ${what} name matching ${NAME}` });
const duration = z.string().regex(PROMETHEUS_DURATION, { error: 'must be a Prometheus duration such as 30s, 5m, 1h, 30d' });
const positive = z.number({ error: 'must be a number' }).finite().gt(0, { error: 'must be > 0' });
const percent = z.number({ error: 'must be a number' }).gt(0, { error: 'must be > 0' }).lt(100, { error: 'must be < 100' });
const envName = z.string().regex(ENV_NAME, { error: 'must be an environment variable name such as SLACK_WEBHOOK_URL' });
const httpUrl = z.string().refine((v) => /^https?:\/\/[^\s]+$/.test(v), { error: 'must be an http(s) URL' });

const sloBase = {
  name: name('SLO'),
  /** Target share of good events, in percent (0 < objective < 100), e.g. 99.9. */
  objective: percent,
  /** Compliance window (Prometheus duration); default 30d. */
  window: duration.default('30d'),
  description: z.string().optional(),
};

const availabilitySlo = strict({ ...sloBase, kind: z.literal('availability') });
const latencySlo = strict({
  ...sloBase,
  kind: z.literal('latency'),
  /** A request is good when it completes within this many seconds. */
  thresholdSeconds: positive,
});
const slo = z.discriminatedUnion('kind', [availabilitySlo, latencySlo], {
  error: 'must have kind "availability" or "latency"',
});

const job = z
  .strictObject(
    {
      /** SLA budget of one run, in seconds (shared with `withSla()`: > 0, at most 10 years). */
      budgetSeconds: SLA_FIELDS.budgetSeconds,
      /** Cron expression (croner syntax) of the job's schedule; enables missed-run rules. */
      schedule: z.string().min(1).optional(),
      timezone: z.string().min(1).optional(),
      /** Extra time after a period before a missing success is critical; default 10 % of the period (≥ 60 s). */
      graceSeconds: nonNegativeSeconds().optional(),
      /** Percent of the budget that warns (shared with `withSla()`: > 0 and ≤ 1000); default 80. */
      warningPercent: SLA_FIELDS.warningPercent.default(80),
      /** Percent of the budget that is critical (shared with `withSla()`: > 0 and ≤ 1000); default 100. */
      criticalPercent: SLA_FIELDS.criticalPercent.default(100),
      /** Success rate over 24 h below which the job is critical; default 0.95. */
      successRateThreshold: RULE_FIELDS.successRateThreshold.default(0.95),
      /** Throughput below this share of its 7-day average warns; default 0.5. */
      throughputRatio: RULE_FIELDS.throughputRatio.default(0.5),
      /** Consecutive failures that are critical; default 3. */
      consecutiveFailures: RULE_FIELDS.consecutiveFailures.default(3),
      description: z.string().optional(),
    },
    {
      error: knownKeysError([
        'budgetSeconds',
        'schedule',
        'timezone',
        'graceSeconds',
        'warningPercent',
        'criticalPercent',
        'successRateThreshold',
        'throughputRatio',
        'consecutiveFailures',
        'description',
      ]),
    },
  )
  .superRefine((value, ctx) => {
    if (value.warningPercent >= value.criticalPercent)
      ctx.addIssue({
        code: 'custom',
        path: ['warningPercent'],
        message: 'must be < criticalPercent',
        input: value.warningPercent,
      });
    if (value.schedule !== undefined) {
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

const queue = z
  .strictObject(
    {
      depthWarning: QUEUE_FIELDS.depthWarning.default(100),
      depthCritical: QUEUE_FIELDS.depthCritical.default(500),
      ageWarningHours: QUEUE_FIELDS.ageWarningHours.default(48),
      ageEscalationHours: QUEUE_FIELDS.ageEscalationHours.default(168),
      description: z.string().optional(),
    },
    { error: knownKeysError(['depthWarning', 'depthCritical', 'ageWarningHours', 'ageEscalationHours', 'description']) },
  )
  .superRefine((value, ctx) => {
    if (value.depthWarning >= value.depthCritical)
      ctx.addIssue({ code: 'custom', path: ['depthWarning'], message: 'must be < depthCritical', input: value.depthWarning });
    if (value.ageWarningHours >= value.ageEscalationHours)
      ctx.addIssue({
        code: 'custom',
        path: ['ageWarningHours'],
        message: 'must be < ageEscalationHours',
        input: value.ageWarningHours,
      });
  });

const receiver = z.discriminatedUnion(
  'type',
  [
    strict({ type: z.literal('pagerduty'), routingKeyEnv: envName.default('PAGERDUTY_ROUTING_KEY') }),
    strict({
      type: z.literal('slack'),
      webhookUrlEnv: envName.default('SLACK_WEBHOOK_URL'),
      channel: z.string().min(1).optional(),
    }),
    strict({ type: z.literal('webhook'), url: httpUrl.optional(), urlEnv: envName.optional() }).refine(
      (v) => (v.url === undefined) !== (v.urlEnv === undefined),
      {
        error: 'must set exactly one of url (a URL without secrets) or urlEnv',
      },
    ),
  ],
  { error: 'must have type "pagerduty", "slack" or "webhook"' },
);

const alerting = strict({
  /** Base URL of the runbooks; `runbook_url` = `<base>/<AlertName>.md`. */
  runbookBaseUrl: httpUrl.default('https://github.com/slakit/slakit/blob/main/docs/runbooks'),
  /** Critical alerts go here (Alertmanager `pager` receiver); default PagerDuty with `PAGERDUTY_ROUTING_KEY`. */
  pager: receiver.default({ type: 'pagerduty', routingKeyEnv: 'PAGERDUTY_ROUTING_KEY' }),
  /** Warning alerts go here (Alertmanager `chat` receiver); default Slack with `SLACK_WEBHOOK_URL`. */
  chat: receiver.default({ type: 'slack', webhookUrlEnv: 'SLACK_WEBHOOK_URL' }),
  groupWait: duration.default('30s'),
  groupInterval: duration.default('5m'),
  /** Re-send interval of firing critical alerts; default 1h. */
  criticalRepeatInterval: duration.default('1h'),
  /** Re-send interval of firing warning alerts; default 4h. */
  warningRepeatInterval: duration.default('4h'),
});

const health = strict({
  /** Checks that page when failing; default every check reported by `health_check_status`. */
  criticalChecks: z.array(z.string().min(1)).optional(),
  /** How long a check must fail before `HealthCheckFailing` fires; default 5m. */
  failingFor: duration.default('5m'),
});

const prometheus = strict({
  /** Label matchers added to every series selector of the generated rules and dashboards; default none. */
  selector: z
    .string()
    .refine((v) => v.trim() === '' || MATCHERS.test(v), { error: 'must be PromQL label matchers such as service="orders"' })
    .default(''),
  /** Evaluation interval of the generated rule groups; default 30s. */
  evaluationInterval: duration.default('30s'),
});

/** The zod schema of the slakit config (exported for tooling; prefer {@link defineConfig} / {@link validateConfig}). */
export const configSchema = z
  .strictObject(
    {
      /** Service name (the `service` label of every generated alert). */
      service: z.string().regex(SERVICE, { error: `must be a service name matching ${SERVICE}` }),
      prometheus: prometheus.default({ selector: '', evaluationInterval: '30s' }),
      slos: z.array(slo).default([]),
      jobs: namedRecord(NAME, 'job', job).default({}),
      queues: namedRecord(NAME, 'queue', queue).default({}),
      health: health.default({ failingFor: '5m' }),
      alerting: alerting.prefault({}),
    },
    { error: knownKeysError(['service', 'prometheus', 'slos', 'jobs', 'queues', 'health', 'alerting']) },
  )
  .superRefine((value, ctx) => {
    const seen = new Set<string>();
    value.slos.forEach((s, i) => {
      if (seen.has(s.name)) ctx.addIssue({ code: 'custom', path: ['slos', i, 'name'], message: 'must be unique', input: s.name });
      seen.add(s.name);
    });
  });

/** The config as written (defaults optional). */
export type SlakitConfigInput = z.input<typeof configSchema>;
/** The validated config with every default filled in. */
export type SlakitConfig = z.output<typeof configSchema>;
export type SloConfig = SlakitConfig['slos'][number];
export type JobConfig = SlakitConfig['jobs'][string];
export type QueueConfig = SlakitConfig['queues'][string];
export type ReceiverConfig = SlakitConfig['alerting']['pager'];

/** Formats a config path the way users write it: `slos[1].objective`, `jobs.cleanup_pdfs.budgetSeconds`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out || '(root)';
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let cur = input;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, key)) return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

/**
 * Validates a config object and fills in the defaults.
 * @param source where the config came from, named in the error (e.g. the file path)
 * @throws SlakitError `ERR_SLAKIT_INVALID_CONFIG` naming every invalid path: `slos[1].objective must be < 100, got 100`
 */
export function validateConfig(input: unknown, source?: string): SlakitConfig {
  if (input instanceof Object && (input as { [VALIDATED]?: true })[VALIDATED]) return input as SlakitConfig;
  let result: ReturnType<typeof configSchema.safeParse>;
  try {
    result = configSchema.safeParse(input);
  } catch {
    // a hostile getter or proxy
    throw new SlakitError(
      'ERR_SLAKIT_INVALID_CONFIG',
      `${source ? `${source}: ` : ''}invalid slakit config: must be a plain object`,
      {
        field: '(root)',
        accepted: 'see docs/configuration.md',
      },
    );
  }
  if (!result.success) {
    // A misspelt option explains a missing one: unknown keys are reported first.
    const issues = [...result.error.issues].sort(
      (a, b) => Number(b.code === 'unrecognized_keys') - Number(a.code === 'unrecognized_keys'),
    );
    const problems = issues.map((issue) => {
      let path = issue.path;
      let message = issue.message;
      const isKey = (issue as { params?: { key?: boolean } }).params?.key === true;
      if (issue.code === 'unrecognized_keys') {
        const key = String(issue.keys[0]);
        path = [...issue.path, key];
        return { field: formatPath(path), text: `${formatPath(path)} ${unknownKeyText(key, issue.message)}` };
      }
      if (issue.code === 'invalid_type' && valueAt(input, path) === undefined) message = 'is required';
      else if (issue.code === 'invalid_key') message = issue.issues[0]?.message ?? message;
      else if (issue.code === 'custom' && valueAt(input, path) === undefined && !isKey && issue.input === undefined)
        message = 'is required';
      // Shared option schemas (validation/fields.ts) describe what they accept: "a number of seconds > 0".
      if (!/^(must|is|has) /.test(message)) message = `must be ${message}`;
      const shown = isKey ? `key ${describeValue(path[path.length - 1])}` : describeValue(valueAt(input, path), formatPath(path));
      return { field: formatPath(path), text: `${formatPath(path)} ${message}, got ${shown}` };
    });
    const first = problems[0] as { field: string };
    throw new SlakitError(
      'ERR_SLAKIT_INVALID_CONFIG',
      `${source ? `${source}: ` : ''}invalid slakit config: ${problems.map((p) => p.text).join('; ')}`,
      { field: first.field, value: valueAt(input, issues[0]?.path ?? []), accepted: 'see docs/configuration.md' },
    );
  }
  Object.defineProperty(result.data, VALIDATED, { value: true, enumerable: false });
  return result.data;
}

const VALIDATED = Symbol.for('slakit.config.validated');

/**
 * Declares the service's SLO/SLA config — the one source of truth for the runtime (`withSla` budgets, queue
 * thresholds, HTTP buckets) and the generated Prometheus rules, Alertmanager config and Grafana dashboards.
 * Validates at once and returns the config with defaults filled in.
 *
 * @example
 * export default defineConfig({
 *   service: 'orders',
 *   slos: [{ name: 'availability', kind: 'availability', objective: 99.9 }],
 *   jobs: { cleanup_pdfs: { budgetSeconds: 600, schedule: '0 3 * * *' } },
 * });
 * @throws SlakitError `ERR_SLAKIT_INVALID_CONFIG` naming the invalid path, its value and what is accepted
 */
export function defineConfig(config: SlakitConfigInput): SlakitConfig {
  return validateConfig(config);
}
