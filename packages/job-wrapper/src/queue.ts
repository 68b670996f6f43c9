import { createNoopMeter } from '@opentelemetry/api';
import {
  type Alerter,
  type Clock,
  createLogger,
  describeError,
  describeValue,
  invalidOption,
  loadEnvSections,
  METRIC_CATALOGUE as M,
  SlakitError,
  systemClock,
  type Telemetry,
  validateOptions,
} from '@slakit/core';
import type { Logger } from 'pino';
import { watchQueueOptionsSchema } from './options-schema.js';
import {
  evaluateQueueRules,
  QUEUE_DEFAULTS,
  type QueueSnapshot,
  type QueueThresholds,
  queueAlerts,
  type RateSample,
  validSnapshot,
} from './queue-rules.js';

export { type PostgresQueueProbeOptions, postgresQueueProbe } from './postgres-queue-probe.js';
export { QUEUE_ALERTS, type QueueSnapshot, type QueueThresholds } from './queue-rules.js';

/** Options of {@link watchQueue}. */
export interface WatchQueueOptions {
  probe: () => Promise<QueueSnapshot>;
  /** Check period; default `MONITORING_INTERVAL_MINUTES` (15 min). */
  intervalMs?: number;
  thresholds?: QueueThresholds;
  alerter?: Alerter;
  /** `runbook_url` of the queue alerts: one URL or a function of the alert name; default none. */
  runbookUrl?: string | ((alertname: string) => string);
  telemetry?: Telemetry;
  logger?: Logger;
  clock?: Clock;
  env?: Record<string, string | undefined>;
}

/** A running queue monitor. */
export interface QueueMonitor {
  /** Probes now, records the gauges and evaluates the rules; resolves with the snapshot (undefined if the probe failed). */
  check(): Promise<QueueSnapshot | undefined>;
  stop(): void;
}

const NAME = /^[a-z][a-z0-9_]*$/;

function ordered(low: string, lowValue: number, high: string, highValue: number, what: string): void {
  if (lowValue < highValue) return;
  throw new SlakitError(
    'ERR_SLAKIT_THRESHOLD_ORDER',
    `thresholds.${low} (${lowValue}) must be lower than ${high} (${highValue})`,
    { field: `thresholds.${low}`, value: lowValue, accepted: `${what} lower than ${highValue}` },
  );
}

/**
 * Watches a queue (seed 000's manual resolution queue): every `intervalMs` it probes depth and ages, records
 * `queue_depth`, `queue_oldest_item_age_seconds`, `queue_average_item_age_seconds`, `queue_items_over_sla`,
 * `queue_items_requiring_escalation` and `queue_resolved_per_day`, and raises (definitions, severities and texts
 * from the alert catalogue, the same the generated rules use): warning < depth ≤ critical (`QueueDepthWarning`) /
 * depth > critical (`QueueDepthCritical`); items waiting with an average age > `ageWarningHours`
 * (`QueueAgeWarning`); items waiting with an oldest age > `ageEscalationHours` (`QueueEscalationRequired`, with the
 * oldest ids); resolutions per day below `resolutionRateRatio` of their average over `resolutionBaselineHours`,
 * once that history holds a sample `resolutionMinHistoryHours` old (`QueueResolutionRateLow`; the history is kept
 * in memory, at most 10 000 samples). Each resolves when its condition clears. A failing probe,
 * or one that resolves something other than a snapshot (finite numbers ≥ 0 and an `oldestIds` array), is logged,
 * never thrown.
 * @throws SlakitError `ERR_SLAKIT_INVALID_NAME`, `ERR_SLAKIT_INVALID_OPTION`, `ERR_SLAKIT_THRESHOLD_ORDER`
 */
export function watchQueue(name: string, options: WatchQueueOptions): QueueMonitor {
  validateOptions(watchQueueOptionsSchema, options);
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new SlakitError('ERR_SLAKIT_INVALID_NAME', `queue name must match [a-z][a-z0-9_]*, got ${describeValue(name)}`, {
      field: 'name',
      value: name,
      accepted: 'a name matching [a-z][a-z0-9_]*',
    });
  }
  if (typeof options?.probe !== 'function') throw invalidOption('probe', options?.probe, 'a function returning a QueueSnapshot');
  const env = loadEnvSections(options.env ?? process.env, ['queue', 'monitoringIntervalMinutes']);
  const th = options.thresholds;
  const t: Required<QueueThresholds> = {
    depthWarning: th?.depthWarning ?? env.queue.depthWarning,
    depthCritical: th?.depthCritical ?? env.queue.depthCritical,
    ageWarningHours: th?.ageWarningHours ?? env.queue.ageWarningHours,
    ageEscalationHours: th?.ageEscalationHours ?? env.queue.ageEscalationHours,
    resolutionRateRatio: th?.resolutionRateRatio ?? QUEUE_DEFAULTS.resolutionRateRatio,
    resolutionBaselineHours: th?.resolutionBaselineHours ?? QUEUE_DEFAULTS.resolutionBaselineHours,
    resolutionMinHistoryHours: th?.resolutionMinHistoryHours ?? QUEUE_DEFAULTS.resolutionMinHistoryHours,
  };
  ordered('depthWarning', t.depthWarning, 'depthCritical', t.depthCritical, 'a depth');
  ordered(
    'resolutionMinHistoryHours',
    t.resolutionMinHistoryHours,
    'resolutionBaselineHours',
    t.resolutionBaselineHours,
    'a number of hours',
  );
  const intervalMs = options.intervalMs ?? env.monitoringIntervalMinutes * 60_000;
  if (!Number.isFinite(intervalMs) || intervalMs <= 0) throw invalidOption('intervalMs', intervalMs, 'a number of ms > 0');
  const clock = options.clock ?? systemClock;
  const logger = (options.logger ?? options.telemetry?.logger ?? createLogger()).child({ queue: name });
  const meter = options.telemetry?.meter ?? createNoopMeter();
  const gauges = {
    depth: meter.createGauge(M.queueDepth.otel, { description: M.queueDepth.help }),
    oldest: meter.createGauge(M.queueOldestAge.otel, { unit: M.queueOldestAge.unit, description: M.queueOldestAge.help }),
    average: meter.createGauge(M.queueAverageAge.otel, { unit: M.queueAverageAge.unit, description: M.queueAverageAge.help }),
    overSla: meter.createGauge(M.queueItemsOverSla.otel, { description: M.queueItemsOverSla.help }),
    escalation: meter.createGauge(M.queueItemsRequiringEscalation.otel, {
      description: M.queueItemsRequiringEscalation.help,
    }),
    resolved: meter.createGauge(M.queueResolvedPerDay.otel, { description: M.queueResolvedPerDay.help }),
  };
  const attrs = { queue: name };
  const samples: RateSample[] = [];
  const alerts = queueAlerts(name, options.alerter, options.runbookUrl);

  const check = async (): Promise<QueueSnapshot | undefined> => {
    let s: QueueSnapshot;
    try {
      s = await options.probe();
    } catch (error) {
      const { name: errorName, code } = describeError(error);
      logger.warn({ error: errorName, code }, `queue ${name}: probe failed`);
      return undefined;
    }
    if (!validSnapshot(s)) {
      logger.warn({ snapshot: typeof s }, `queue ${name}: probe returned an invalid snapshot`);
      return undefined;
    }
    gauges.depth.record(s.depth, attrs);
    gauges.oldest.record(s.oldestAgeSeconds, attrs);
    gauges.average.record(s.averageAgeSeconds, attrs);
    gauges.overSla.record(s.overSla, attrs);
    gauges.escalation.record(s.requiringEscalation, attrs);
    gauges.resolved.record(s.resolvedPerDay, attrs);
    evaluateQueueRules(s, t, alerts, samples, clock.now());
    return s;
  };

  const timer = clock.setInterval(() => {
    check().catch(() => {});
  }, intervalMs);
  return { check, stop: () => clock.clearInterval(timer) };
}
