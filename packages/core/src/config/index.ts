export {
  cronPeriodSeconds,
  defaultGraceSeconds,
  durationSeconds,
  formatDuration,
  PROMETHEUS_DURATION,
} from './period.js';
export {
  type HealthAlertingFromConfig,
  healthAlerting,
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
export {
  type LabelMatcher,
  labelNameClash,
  MAX_SELECTOR_LENGTH,
  type MatchOp,
  parseMatchers,
  RESERVED_TARGET_LABELS,
  selectorProblem,
  slakitSeriesLabels,
} from './selector.js';
export { SLO_NAME, WINDOW_PLACEHOLDER } from './slo-section.js';
