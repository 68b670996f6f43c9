export {
  type CheckResult,
  type CheckSeverity,
  type CheckStatus,
  failureCode,
  type HealthCheck,
  ROLES,
  type Role,
  resolveChecks,
} from './check.js';
export {
  custom,
  diskSpace,
  env,
  eventLoopDelay,
  http,
  type LeaseLister,
  memory,
  type PgLike,
  postgres,
  redis,
  staleLeases,
} from './checks.js';
export {
  createHealth,
  type FastifyPluginLike,
  type Health,
  type HealthBody,
  type HealthCheckEntry,
  type HealthOptions,
  type HealthState,
} from './health.js';
export { healthCheckSchema } from './schema.js';
