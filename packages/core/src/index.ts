export { HTTP_DURATION_BUCKETS, httpDurationBuckets, mergeBuckets } from './buckets.js';
export { type Clock, systemClock, type TimerHandle, withDeadline } from './clock.js';
export {
  ENV_VARIABLES,
  type EnvConfig,
  loadEnvConfig,
  SEVERITIES,
  type Severity,
  TRACE_SAMPLERS,
  type TraceSamplerName,
} from './env.js';
export {
  describeValue,
  invalidOption,
  SLAKIT_ERROR_CODES,
  SlakitError,
  type SlakitErrorCode,
  type SlakitErrorDetails,
} from './errors.js';
export {
  type ActiveContextSource,
  createLogger,
  DEFAULT_REDACT_KEYS,
  type LoggerOptions,
  REDACTED,
  rateLimitedLog,
  traceFields,
} from './logger.js';
export {
  type MetricsHandler,
  PROMETHEUS_CONTENT_TYPE,
  PrometheusConventionReader,
  prometheusLabelName,
  prometheusName,
} from './prometheus.js';
export {
  createTelemetry,
  type ProvidersMode,
  SLAKIT_SCOPE,
  type Telemetry,
  type TelemetryContext,
  type TelemetryOptions,
} from './telemetry.js';
