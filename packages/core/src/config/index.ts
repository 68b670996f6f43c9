export { cronPeriodSeconds, defaultGraceSeconds, durationSeconds } from './period.js';
export {
  type JobScheduleFromConfig,
  type JobSlaFromConfig,
  jobSchedule,
  jobSla,
  queueThresholds,
  runbookUrl,
  sloLatencyThresholds,
} from './runtime.js';
export {
  configSchema,
  defineConfig,
  type JobConfig,
  type QueueConfig,
  type ReceiverConfig,
  type SlakitConfig,
  type SlakitConfigInput,
  type SloConfig,
  validateConfig,
} from './schema.js';
