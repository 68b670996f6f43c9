import { ALERT_CATALOGUE as A } from './catalogue/alerts.js';
import { JOB_RULE_DEFAULTS } from './catalogue/job-rules.js';
import { SEVERITIES, type Severity } from './catalogue/labels.js';
import { describeValue, SlakitError } from './errors.js';

export { SEVERITIES, type Severity } from './catalogue/labels.js';

/** OpenTelemetry sampler names accepted in `OTEL_TRACES_SAMPLER`. */
export const TRACE_SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;
/** A sampler name from `OTEL_TRACES_SAMPLER`. */
export type TraceSamplerName = (typeof TRACE_SAMPLERS)[number];

/** A parser of one variable's text: the value, or `INVALID`. Plain functions: reading the env loads no schema library. */
type Parse<T> = (raw: string) => T | typeof INVALID;
const INVALID = Symbol('invalid');

interface VarSpec<T> {
  parse: Parse<T>;
  accepted: string;
  fallback: T;
}

/** `Number(raw)` (as `z.coerce.number()` did): finite, optionally an integer, within `(min|[min, max]`. */
const num =
  (min: number, max: number, opts: { int?: boolean; minExclusive?: boolean } = {}): Parse<number> =>
  (raw) => {
    const v = Number(raw);
    if (!Number.isFinite(v) || (opts.int && !Number.isInteger(v))) return INVALID;
    return (opts.minExclusive ? v > min : v >= min) && v <= max ? v : INVALID;
  };

const BOOLEANS: Record<string, boolean> = {
  true: true,
  false: false,
  1: true,
  0: false,
  yes: true,
  no: false,
  on: true,
  off: false,
};
const bool: Parse<boolean> = (raw) => {
  const v = raw.trim().toLowerCase();
  return Object.hasOwn(BOOLEANS, v) ? (BOOLEANS[v] as boolean) : INVALID;
};

const oneOf =
  <T extends string>(values: readonly T[]): Parse<T> =>
  (raw) => {
    const v = raw.trim().toLowerCase();
    return (values as readonly string[]).includes(v) ? (v as T) : INVALID;
  };

const text: Parse<string> = (raw) => (raw.trim().length >= 1 ? raw.trim() : INVALID);

const url: Parse<string> = (raw) => {
  const v = raw.trim();
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:' ? v : INVALID;
  } catch {
    return INVALID;
  }
};

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

const keyValueList: Parse<Record<string, string>> = (raw) => {
  if (!raw.split(',').every((pair) => pair.trim() === '' || /^[^=]+=.*$/.test(pair.trim()))) return INVALID;
  const out: Record<string, string> = {};
  for (const pair of raw.split(',')) {
    const trimmed = pair.trim();
    if (!trimmed) continue;
    const eq = trimmed.indexOf('=');
    out[safeDecode(trimmed.slice(0, eq).trim())] = safeDecode(trimmed.slice(eq + 1).trim());
  }
  return out;
};

const KEY_VALUES = 'a comma-separated list of key=value pairs';

/** Every variable slakit reads: its parser, the words of what it accepts and its default. */
export const VARS = {
  SLA_WARNING_THRESHOLD_PERCENT: {
    parse: num(0, 1000, { minExclusive: true }),
    accepted: 'a number > 0 and ≤ 1000',
    fallback: JOB_RULE_DEFAULTS.warningPercent as number,
  },
  SLA_CRITICAL_THRESHOLD_PERCENT: {
    parse: num(0, 1000, { minExclusive: true }),
    accepted: 'a number > 0 and ≤ 1000',
    fallback: JOB_RULE_DEFAULTS.criticalPercent as number,
  },
  SLA_SUCCESS_RATE_THRESHOLD: {
    parse: num(0, 1, { minExclusive: true }),
    accepted: 'a ratio > 0 and ≤ 1 (e.g. 0.95)',
    fallback: JOB_RULE_DEFAULTS.successRateThreshold as number,
  },
  // The queue fallbacks are the alert catalogue's defaults (`params`), which the config schema also uses.
  MRQ_DEPTH_WARNING: {
    parse: num(1, 1e9, { int: true }),
    accepted: 'an integer ≥ 1',
    fallback: A.QueueDepthWarning.params.depthWarning,
  },
  MRQ_DEPTH_CRITICAL: {
    parse: num(1, 1e9, { int: true }),
    accepted: 'an integer ≥ 1',
    fallback: A.QueueDepthCritical.params.depthCritical,
  },
  MRQ_AGE_WARNING_HOURS: {
    parse: num(0, 1e6, { minExclusive: true }),
    accepted: 'a number of hours > 0',
    fallback: A.QueueAgeWarning.params.ageWarningHours,
  },
  MRQ_AGE_ESCALATION_HOURS: {
    parse: num(0, 1e6, { minExclusive: true }),
    accepted: 'a number of hours > 0',
    fallback: A.QueueEscalationRequired.params.ageEscalationHours,
  },
  ALERT_DEDUP_WINDOW_SEC: {
    parse: num(0, 604800, { int: true }),
    accepted: 'an integer number of seconds from 0 to 604800',
    fallback: 300,
  },
  ALERT_MIN_SEVERITY: {
    parse: oneOf(SEVERITIES),
    accepted: `one of ${SEVERITIES.join(', ')}`,
    fallback: 'warning' as Severity,
  },
  AUTO_REMEDIATION_ENABLED: { parse: bool, accepted: 'true or false (also 1/0, yes/no, on/off)', fallback: false },
  AUTO_REMEDIATION_MAX_RETRIES: { parse: num(0, 100, { int: true }), accepted: 'an integer from 0 to 100', fallback: 3 },
  MONITORING_INTERVAL_MINUTES: {
    parse: num(0, 1440, { minExclusive: true }),
    accepted: 'a number of minutes > 0 and ≤ 1440',
    fallback: 15,
  },
  OTEL_SDK_DISABLED: { parse: bool, accepted: 'true or false', fallback: false },
  OTEL_SERVICE_NAME: { parse: text, accepted: 'a non-empty string', fallback: undefined as string | undefined },
  OTEL_RESOURCE_ATTRIBUTES: { parse: keyValueList, accepted: KEY_VALUES, fallback: {} as Record<string, string> },
  OTEL_EXPORTER_OTLP_ENDPOINT: { parse: url, accepted: 'an http(s) URL', fallback: undefined as string | undefined },
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: { parse: url, accepted: 'an http(s) URL', fallback: undefined as string | undefined },
  OTEL_EXPORTER_OTLP_HEADERS: { parse: keyValueList, accepted: KEY_VALUES, fallback: {} as Record<string, string> },
  OTEL_EXPORTER_OTLP_TRACES_HEADERS: { parse: keyValueList, accepted: KEY_VALUES, fallback: {} as Record<string, string> },
  OTEL_TRACES_SAMPLER: {
    parse: oneOf(TRACE_SAMPLERS),
    accepted: `one of ${TRACE_SAMPLERS.join(', ')}`,
    fallback: 'parentbased_traceidratio' as TraceSamplerName,
  },
  OTEL_TRACES_SAMPLER_ARG: { parse: num(0, 1), accepted: 'a number from 0 to 1', fallback: 1 },
  OTEL_EXPORTER_PROMETHEUS_HOST: { parse: text, accepted: 'a host name or address', fallback: '0.0.0.0' },
  OTEL_EXPORTER_PROMETHEUS_PORT: {
    parse: num(0, 65535, { int: true }),
    accepted: 'an integer port from 0 to 65535',
    fallback: undefined as number | undefined,
  },
} satisfies Record<string, VarSpec<unknown>>;

/** The name of a variable slakit reads. */
export type EnvVariable = keyof typeof VARS;

type VarValue<K extends EnvVariable> =
  | (typeof VARS)[K]['fallback']
  | Exclude<ReturnType<(typeof VARS)[K]['parse']>, typeof INVALID>;

/** Values that may be redacted in messages: header lists can carry credentials. */
const SECRET_VARS = new Set<string>(['OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_TRACES_HEADERS']);

/**
 * Reads and validates one variable (an empty value is unset, as the OpenTelemetry spec says).
 * @throws SlakitError `ERR_SLAKIT_INVALID_ENV` naming the variable, its value (header lists redacted) and what it accepts
 */
export function readVar<K extends EnvVariable>(env: Record<string, string | undefined>, name: K): VarValue<K> {
  const spec: VarSpec<unknown> = VARS[name];
  const raw: unknown = Object.hasOwn(env, name) ? env[name] : undefined;
  if (raw === undefined || (typeof raw === 'string' && raw.trim() === '')) return spec.fallback as VarValue<K>;
  const secret = SECRET_VARS.has(name);
  const details = { field: name, value: secret ? '[redacted]' : raw, accepted: spec.accepted };
  if (typeof raw !== 'string') {
    throw new SlakitError(
      'ERR_SLAKIT_INVALID_ENV',
      `${name} must be a string (${spec.accepted}), got ${describeValue(raw, name)}`,
      details,
    );
  }
  const parsed = spec.parse(raw);
  if (parsed === INVALID) {
    const shown = secret ? '"[redacted]"' : describeValue(raw);
    throw new SlakitError('ERR_SLAKIT_INVALID_ENV', `${name} must be ${spec.accepted}, got ${shown}`, details);
  }
  return parsed as VarValue<K>;
}
