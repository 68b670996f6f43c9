import { z } from 'zod';
import { describeValue, invalidOption, SlakitError } from './errors.js';

/** Alert severities, lowest first. */
export const SEVERITIES = ['info', 'warning', 'critical'] as const;
/** An alert severity. */
export type Severity = (typeof SEVERITIES)[number];

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

/** Typed configuration read from environment variables; every field has the default listed in `docs/configuration.md`. */
export interface EnvConfig {
  sla: {
    /** `SLA_WARNING_THRESHOLD_PERCENT`, default 80. */
    warningPercent: number;
    /** `SLA_CRITICAL_THRESHOLD_PERCENT`, default 100. */
    criticalPercent: number;
    /** `SLA_SUCCESS_RATE_THRESHOLD`, default 0.95. */
    successRateThreshold: number;
  };
  queue: {
    /** `MRQ_DEPTH_WARNING`, default 100. */
    depthWarning: number;
    /** `MRQ_DEPTH_CRITICAL`, default 500. */
    depthCritical: number;
    /** `MRQ_AGE_WARNING_HOURS`, default 48. */
    ageWarningHours: number;
    /** `MRQ_AGE_ESCALATION_HOURS`, default 168 (7 days). */
    ageEscalationHours: number;
  };
  alerts: {
    /** `ALERT_DEDUP_WINDOW_SEC`, default 300. */
    dedupWindowSeconds: number;
    /** `ALERT_MIN_SEVERITY`, default `warning`. */
    minSeverity: Severity;
  };
  remediation: {
    /** `AUTO_REMEDIATION_ENABLED`, default false. */
    enabled: boolean;
    /** `AUTO_REMEDIATION_MAX_RETRIES`, default 3. */
    maxRetries: number;
  };
  /** `MONITORING_INTERVAL_MINUTES`, default 15. */
  monitoringIntervalMinutes: number;
  otel: {
    /** `OTEL_SDK_DISABLED`, default false. When true, slakit starts no SDK and uses no-op providers. */
    sdkDisabled: boolean;
    /** `OTEL_SERVICE_NAME` (or `service.name` from `OTEL_RESOURCE_ATTRIBUTES`). */
    serviceName: string | undefined;
    /** `OTEL_RESOURCE_ATTRIBUTES`, parsed `key=value` pairs (percent-decoded). */
    resourceAttributes: Record<string, string>;
    /** `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (used as is) or `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`. */
    tracesEndpoint: string | undefined;
    /** `OTEL_EXPORTER_OTLP_TRACES_HEADERS` merged over `OTEL_EXPORTER_OTLP_HEADERS`. */
    tracesHeaders: Record<string, string>;
    /** `OTEL_TRACES_SAMPLER`, default `parentbased_traceidratio`. */
    tracesSampler: TraceSamplerName;
    /** `OTEL_TRACES_SAMPLER_ARG`, default 1. */
    tracesSamplerArg: number;
    /** `OTEL_EXPORTER_PROMETHEUS_HOST`, default `0.0.0.0` (only used when a port is set). */
    prometheusHost: string;
    /** `OTEL_EXPORTER_PROMETHEUS_PORT`; unset means no standalone metrics server. */
    prometheusPort: number | undefined;
  };
}

interface VarSpec<T> {
  schema: z.ZodType<T>;
  accepted: string;
  fallback: T;
}

const num = (min: number, max: number, opts: { int?: boolean; minExclusive?: boolean } = {}) => {
  let s = z.coerce.number().refine(Number.isFinite);
  if (opts.int) s = s.refine(Number.isInteger);
  s = s.refine((v) => (opts.minExclusive ? v > min : v >= min) && v <= max);
  return s;
};

const bool = z
  .string()
  .transform((v) => v.trim().toLowerCase())
  .refine((v) => ['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'].includes(v))
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));

const url = z
  .string()
  .trim()
  .refine((v) => {
    try {
      const u = new URL(v);
      return u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      return false;
    }
  });

const keyValueList = z
  .string()
  .refine((v) => v.split(',').every((pair) => pair.trim() === '' || /^[^=]+=.*$/.test(pair.trim())))
  .transform((v) => {
    const out: Record<string, string> = {};
    for (const pair of v.split(',')) {
      const trimmed = pair.trim();
      if (!trimmed) continue;
      const eq = trimmed.indexOf('=');
      const key = safeDecode(trimmed.slice(0, eq).trim());
      out[key] = safeDecode(trimmed.slice(eq + 1).trim());
    }
    return out;
  });

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

const VARS = {
  SLA_WARNING_THRESHOLD_PERCENT: {
    schema: num(0, 1000, { minExclusive: true }),
    accepted: 'a number > 0 and ≤ 1000',
    fallback: 80,
  },
  SLA_CRITICAL_THRESHOLD_PERCENT: {
    schema: num(0, 1000, { minExclusive: true }),
    accepted: 'a number > 0 and ≤ 1000',
    fallback: 100,
  },
  SLA_SUCCESS_RATE_THRESHOLD: {
    schema: num(0, 1, { minExclusive: true }),
    accepted: 'a ratio > 0 and ≤ 1 (e.g. 0.95)',
    fallback: 0.95,
  },
  MRQ_DEPTH_WARNING: { schema: num(1, 1e9, { int: true }), accepted: 'an integer ≥ 1', fallback: 100 },
  MRQ_DEPTH_CRITICAL: { schema: num(1, 1e9, { int: true }), accepted: 'an integer ≥ 1', fallback: 500 },
  MRQ_AGE_WARNING_HOURS: { schema: num(0, 1e6, { minExclusive: true }), accepted: 'a number of hours > 0', fallback: 48 },
  MRQ_AGE_ESCALATION_HOURS: { schema: num(0, 1e6, { minExclusive: true }), accepted: 'a number of hours > 0', fallback: 168 },
  ALERT_DEDUP_WINDOW_SEC: {
    schema: num(0, 604800, { int: true }),
    accepted: 'an integer number of seconds from 0 to 604800',
    fallback: 300,
  },
  ALERT_MIN_SEVERITY: {
    schema: z.string().trim().toLowerCase().pipe(z.enum(SEVERITIES)),
    accepted: 'one of info, warning, critical',
    fallback: 'warning' as Severity,
  },
  AUTO_REMEDIATION_ENABLED: { schema: bool, accepted: 'true or false (also 1/0, yes/no, on/off)', fallback: false },
  AUTO_REMEDIATION_MAX_RETRIES: { schema: num(0, 100, { int: true }), accepted: 'an integer from 0 to 100', fallback: 3 },
  MONITORING_INTERVAL_MINUTES: {
    schema: num(0, 1440, { minExclusive: true }),
    accepted: 'a number of minutes > 0 and ≤ 1440',
    fallback: 15,
  },
  OTEL_SDK_DISABLED: { schema: bool, accepted: 'true or false', fallback: false },
  OTEL_SERVICE_NAME: { schema: z.string().trim().min(1), accepted: 'a non-empty string', fallback: undefined },
  OTEL_RESOURCE_ATTRIBUTES: {
    schema: keyValueList,
    accepted: 'a comma-separated list of key=value pairs',
    fallback: {} as Record<string, string>,
  },
  OTEL_EXPORTER_OTLP_ENDPOINT: { schema: url, accepted: 'an http(s) URL', fallback: undefined },
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: { schema: url, accepted: 'an http(s) URL', fallback: undefined },
  OTEL_EXPORTER_OTLP_HEADERS: {
    schema: keyValueList,
    accepted: 'a comma-separated list of key=value pairs',
    fallback: {} as Record<string, string>,
  },
  OTEL_EXPORTER_OTLP_TRACES_HEADERS: {
    schema: keyValueList,
    accepted: 'a comma-separated list of key=value pairs',
    fallback: {} as Record<string, string>,
  },
  OTEL_TRACES_SAMPLER: {
    schema: z.string().trim().toLowerCase().pipe(z.enum(TRACE_SAMPLERS)),
    accepted: `one of ${TRACE_SAMPLERS.join(', ')}`,
    fallback: 'parentbased_traceidratio' as TraceSamplerName,
  },
  OTEL_TRACES_SAMPLER_ARG: { schema: num(0, 1), accepted: 'a number from 0 to 1', fallback: 1 },
  OTEL_EXPORTER_PROMETHEUS_HOST: { schema: z.string().trim().min(1), accepted: 'a host name or address', fallback: '0.0.0.0' },
  OTEL_EXPORTER_PROMETHEUS_PORT: {
    schema: num(0, 65535, { int: true }),
    accepted: 'an integer port from 0 to 65535',
    fallback: undefined,
  },
} satisfies Record<string, VarSpec<unknown>>;

/** Names of every environment variable slakit reads (documented in `docs/configuration.md`). */
export const ENV_VARIABLES = Object.keys(VARS) as (keyof typeof VARS)[];

type VarValue<K extends keyof typeof VARS> = (typeof VARS)[K]['fallback'] | z.output<(typeof VARS)[K]['schema']>;

/** Values that may be redacted in messages: header lists can carry credentials. */
const SECRET_VARS = new Set(['OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_TRACES_HEADERS']);

function read<K extends keyof typeof VARS>(env: Record<string, string | undefined>, name: K): VarValue<K> {
  const spec: VarSpec<unknown> = VARS[name];
  const raw: unknown = Object.hasOwn(env, name) ? env[name] : undefined;
  // The OpenTelemetry spec treats an empty value as unset; so do we for every variable.
  if (raw === undefined || (typeof raw === 'string' && raw.trim() === '')) return spec.fallback as VarValue<K>;
  if (typeof raw !== 'string') {
    throw new SlakitError(
      'ERR_SLAKIT_INVALID_ENV',
      `${name} must be a string (${spec.accepted}), got ${describeValue(raw, name)}`,
      {
        field: name,
        value: SECRET_VARS.has(name) ? '[redacted]' : raw,
        accepted: spec.accepted,
      },
    );
  }
  const parsed = spec.schema.safeParse(raw);
  if (!parsed.success) {
    const shown = SECRET_VARS.has(name) ? '"[redacted]"' : describeValue(raw);
    throw new SlakitError('ERR_SLAKIT_INVALID_ENV', `${name} must be ${spec.accepted}, got ${shown}`, {
      field: name,
      value: SECRET_VARS.has(name) ? '[redacted]' : raw,
      accepted: spec.accepted,
    });
  }
  return parsed.data as VarValue<K>;
}

function ordered(lowName: string, low: number, highName: string, high: number): void {
  if (low >= high) {
    throw new SlakitError('ERR_SLAKIT_THRESHOLD_ORDER', `${lowName} (${low}) must be lower than ${highName} (${high})`, {
      field: lowName,
      value: low,
      accepted: `a value lower than ${highName} (${high})`,
    });
  }
}

function tracesEndpoint(generic: string | undefined, specific: string | undefined): string | undefined {
  if (specific) return specific;
  if (!generic) return undefined;
  return `${generic.replace(/\/+$/, '')}/v1/traces`;
}

/**
 * Reads slakit's configuration from environment variables (defaults from the seed runbooks), validating every value.
 * Reads only the given object; nothing is read at import time.
 *
 * @param env the variables to read; defaults to `process.env`
 * @throws SlakitError `ERR_SLAKIT_INVALID_ENV` naming the variable, its value and the accepted range, or
 *   `ERR_SLAKIT_THRESHOLD_ORDER` when a warning threshold is not below its critical one
 */
export function loadEnvConfig(env: Record<string, string | undefined> = process.env): EnvConfig {
  if (env === null || typeof env !== 'object') throw invalidOption('env', env, 'an object of environment variables');
  const warningPercent = read(env, 'SLA_WARNING_THRESHOLD_PERCENT');
  const criticalPercent = read(env, 'SLA_CRITICAL_THRESHOLD_PERCENT');
  ordered('SLA_WARNING_THRESHOLD_PERCENT', warningPercent, 'SLA_CRITICAL_THRESHOLD_PERCENT', criticalPercent);
  const depthWarning = read(env, 'MRQ_DEPTH_WARNING');
  const depthCritical = read(env, 'MRQ_DEPTH_CRITICAL');
  ordered('MRQ_DEPTH_WARNING', depthWarning, 'MRQ_DEPTH_CRITICAL', depthCritical);
  const ageWarningHours = read(env, 'MRQ_AGE_WARNING_HOURS');
  const ageEscalationHours = read(env, 'MRQ_AGE_ESCALATION_HOURS');
  ordered('MRQ_AGE_WARNING_HOURS', ageWarningHours, 'MRQ_AGE_ESCALATION_HOURS', ageEscalationHours);

  const resourceAttributes: Record<string, string> = read(env, 'OTEL_RESOURCE_ATTRIBUTES');
  return {
    sla: { warningPercent, criticalPercent, successRateThreshold: read(env, 'SLA_SUCCESS_RATE_THRESHOLD') },
    queue: { depthWarning, depthCritical, ageWarningHours, ageEscalationHours },
    alerts: {
      dedupWindowSeconds: read(env, 'ALERT_DEDUP_WINDOW_SEC'),
      minSeverity: read(env, 'ALERT_MIN_SEVERITY'),
    },
    remediation: {
      enabled: read(env, 'AUTO_REMEDIATION_ENABLED'),
      maxRetries: read(env, 'AUTO_REMEDIATION_MAX_RETRIES'),
    },
    monitoringIntervalMinutes: read(env, 'MONITORING_INTERVAL_MINUTES'),
    otel: {
      sdkDisabled: read(env, 'OTEL_SDK_DISABLED'),
      serviceName: read(env, 'OTEL_SERVICE_NAME') ?? resourceAttributes['service.name'],
      resourceAttributes,
      tracesEndpoint: tracesEndpoint(read(env, 'OTEL_EXPORTER_OTLP_ENDPOINT'), read(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT')),
      tracesHeaders: { ...read(env, 'OTEL_EXPORTER_OTLP_HEADERS'), ...read(env, 'OTEL_EXPORTER_OTLP_TRACES_HEADERS') },
      tracesSampler: read(env, 'OTEL_TRACES_SAMPLER'),
      tracesSamplerArg: read(env, 'OTEL_TRACES_SAMPLER_ARG'),
      prometheusHost: read(env, 'OTEL_EXPORTER_PROMETHEUS_HOST'),
      prometheusPort: read(env, 'OTEL_EXPORTER_PROMETHEUS_PORT'),
    },
  };
}
