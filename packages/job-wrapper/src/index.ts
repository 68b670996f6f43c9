export {
  type PgSessionClient,
  type PostgresAdvisoryLeaseStore,
  type PostgresAdvisoryLeasesOptions,
  postgresAdvisoryLeases,
} from './advisory-leases.js';
export { redisFencedHset } from './fencing.js';
export { JOB_DURATION_BUCKETS, JOB_START_DELAY_BUCKETS } from './instruments.js';
export {
  type AcquireOptions,
  defaultOwner,
  driftMs,
  type Lease,
  type LeaseInfo,
  type LeaseOwner,
  type LeaseStore,
} from './lease.js';
export { type AttemptRecord, percentile, type RunLedger, type RunRecord, type RunStats, recordOf } from './ledger.js';
export { memoryLeases } from './memory-leases.js';
export { memoryLedger } from './memory-ledger.js';
export { ODD_RUN_ALERTS } from './odd-runs.js';
export type { PgQueryable } from './postgres.js';
export { type PostgresLeaseStore, type PostgresLeasesOptions, postgresLeases, postgresLeasesDdl } from './postgres-leases.js';
export { type PostgresLedger, postgresLedger, postgresLedgerDdl } from './postgres-ledger.js';
export {
  type PostgresQueueProbeOptions,
  postgresQueueProbe,
  QUEUE_ALERTS,
  type QueueMonitor,
  type QueueSnapshot,
  type QueueThresholds,
  type WatchQueueOptions,
  watchQueue,
} from './queue.js';
export { type RedisLeasesOptions, redisLeases } from './redis-leases.js';
export type { RetryOptions } from './retry.js';
export { ATTEMPT_ALERTS } from './retry-rules.js';
export { JOB_ALERTS, JOB_RULE_ALERTS, type RuleOptions } from './rules.js';
export { MISSED_RUN_ALERT, type Schedule, type ScheduleOptions, schedule } from './schedule.js';
export { type MetricsPush, type PushgatewayOptions, pushgatewayPush, type RunOnceOptions, runOnce } from './short-lived.js';
export type { JobContext, JobReturn, RunOptions, RunOutcome, RunResult, SlaJob } from './types.js';
export { type JobPriority, type WithSlaOptions, withSla } from './with-sla.js';
