import { type EnvVariable, readVar, type Severity, type TraceSamplerName, VARS } from './env-vars.js';
import { invalidOption, SlakitError } from './errors.js';

export { SEVERITIES, type Severity, TRACE_SAMPLERS, type TraceSamplerName } from './env-vars.js';

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

/** A section of {@link EnvConfig}: the variables one factory reads. */
export type EnvSection = keyof EnvConfig;

/** Names of every environment variable slakit reads (documented in `docs/configuration.md`). */
export const ENV_VARIABLES = Object.keys(VARS) as EnvVariable[];

type Env = Record<string, string | undefined>;

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

/** The reader of each section: it reads that section's variables and no other. */
const SECTIONS: { [S in EnvSection]: (env: Env) => EnvConfig[S] } = {
  sla: (env) => {
    const warningPercent = readVar(env, 'SLA_WARNING_THRESHOLD_PERCENT');
    const criticalPercent = readVar(env, 'SLA_CRITICAL_THRESHOLD_PERCENT');
    ordered('SLA_WARNING_THRESHOLD_PERCENT', warningPercent, 'SLA_CRITICAL_THRESHOLD_PERCENT', criticalPercent);
    return { warningPercent, criticalPercent, successRateThreshold: readVar(env, 'SLA_SUCCESS_RATE_THRESHOLD') };
  },
  queue: (env) => {
    const depthWarning = readVar(env, 'MRQ_DEPTH_WARNING');
    const depthCritical = readVar(env, 'MRQ_DEPTH_CRITICAL');
    ordered('MRQ_DEPTH_WARNING', depthWarning, 'MRQ_DEPTH_CRITICAL', depthCritical);
    const ageWarningHours = readVar(env, 'MRQ_AGE_WARNING_HOURS');
    const ageEscalationHours = readVar(env, 'MRQ_AGE_ESCALATION_HOURS');
    ordered('MRQ_AGE_WARNING_HOURS', ageWarningHours, 'MRQ_AGE_ESCALATION_HOURS', ageEscalationHours);
    return { depthWarning, depthCritical, ageWarningHours, ageEscalationHours };
  },
  alerts: (env) => ({
    dedupWindowSeconds: readVar(env, 'ALERT_DEDUP_WINDOW_SEC'),
    minSeverity: readVar(env, 'ALERT_MIN_SEVERITY'),
  }),
  remediation: (env) => ({
    enabled: readVar(env, 'AUTO_REMEDIATION_ENABLED'),
    maxRetries: readVar(env, 'AUTO_REMEDIATION_MAX_RETRIES'),
  }),
  monitoringIntervalMinutes: (env) => readVar(env, 'MONITORING_INTERVAL_MINUTES'),
  otel: (env) => {
    const resourceAttributes: Record<string, string> = readVar(env, 'OTEL_RESOURCE_ATTRIBUTES');
    return {
      sdkDisabled: readVar(env, 'OTEL_SDK_DISABLED'),
      serviceName: readVar(env, 'OTEL_SERVICE_NAME') ?? resourceAttributes['service.name'],
      resourceAttributes,
      tracesEndpoint: tracesEndpoint(
        readVar(env, 'OTEL_EXPORTER_OTLP_ENDPOINT'),
        readVar(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'),
      ),
      tracesHeaders: { ...readVar(env, 'OTEL_EXPORTER_OTLP_HEADERS'), ...readVar(env, 'OTEL_EXPORTER_OTLP_TRACES_HEADERS') },
      tracesSampler: readVar(env, 'OTEL_TRACES_SAMPLER'),
      tracesSamplerArg: readVar(env, 'OTEL_TRACES_SAMPLER_ARG'),
      prometheusHost: readVar(env, 'OTEL_EXPORTER_PROMETHEUS_HOST'),
      prometheusPort: readVar(env, 'OTEL_EXPORTER_PROMETHEUS_PORT'),
    };
  },
};

const ALL_SECTIONS = Object.keys(SECTIONS) as EnvSection[];

/**
 * Reads only the given sections of slakit's configuration: each factory reads the variables it uses (telemetry
 * `otel`, the alerter `alerts` and `remediation`, `withSla()` `sla`, `watchQueue()` `queue` and
 * `monitoringIntervalMinutes`), so a bad variable of another section never makes it throw.
 *
 * @param env the variables to read; defaults to `process.env`
 * @param sections the sections to read (keys of {@link EnvConfig}); default all of them
 * @throws SlakitError `ERR_SLAKIT_INVALID_ENV` / `ERR_SLAKIT_THRESHOLD_ORDER` for a variable of these sections
 */
export function loadEnvSections<S extends EnvSection>(env: Env = process.env, sections: readonly S[]): Pick<EnvConfig, S> {
  if (env === null || typeof env !== 'object') throw invalidOption('env', env, 'an object of environment variables');
  if (!Array.isArray(sections) || !sections.every((s) => (ALL_SECTIONS as unknown[]).includes(s))) {
    throw invalidOption('sections', sections, `an array of sections: ${ALL_SECTIONS.join(', ')}`);
  }
  const out: Partial<EnvConfig> = {};
  for (const section of ALL_SECTIONS) {
    if (sections.includes(section as S)) (out as Record<string, unknown>)[section] = SECTIONS[section](env);
  }
  return out as Pick<EnvConfig, S>;
}

/**
 * Reads slakit's configuration from environment variables (defaults from the seed runbooks), validating every value.
 * Reads only the given object; nothing is read at import time. Factories read only their own section
 * ({@link loadEnvSections}); this reads them all (fail fast at startup).
 *
 * @param env the variables to read; defaults to `process.env`
 * @throws SlakitError `ERR_SLAKIT_INVALID_ENV` naming the variable, its value and the accepted range, or
 *   `ERR_SLAKIT_THRESHOLD_ORDER` when a warning threshold is not below its critical one
 */
export function loadEnvConfig(env: Env = process.env): EnvConfig {
  return loadEnvSections(env, ALL_SECTIONS);
}
