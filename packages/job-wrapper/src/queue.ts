import { createNoopMeter } from '@opentelemetry/api';
import {
  type Alerter,
  type Clock,
  createLogger,
  describeError,
  describeValue,
  invalidOption,
  loadEnvSections,
  SlakitError,
  systemClock,
  type Telemetry,
  validateOptions,
} from '@slakit/core';
import type { Logger } from 'pino';
import { postgresQueueProbeOptionsSchema, watchQueueOptionsSchema } from './options-schema.js';
import { checkPool, type PgQueryable, tableName } from './postgres.js';
import { runbookFor } from './runbook.js';

/** What a queue probe reports. */
export interface QueueSnapshot {
  depth: number;
  averageAgeSeconds: number;
  oldestAgeSeconds: number;
  /** Items older than the SLA (24 h by default). */
  overSla: number;
  /** Items older than the escalation age (7 days by default). */
  requiringEscalation: number;
  /** Items resolved in the last 24 h. */
  resolvedPerDay: number;
  /** Ids of the oldest items needing escalation (at most 10). */
  oldestIds: string[];
}

/** Thresholds of a queue monitor; defaults from `loadEnvConfig()` (seed 000). */
export interface QueueThresholds {
  /** `MRQ_DEPTH_WARNING` (100). */
  depthWarning?: number;
  /** `MRQ_DEPTH_CRITICAL` (500). */
  depthCritical?: number;
  /** `MRQ_AGE_WARNING_HOURS` (48): average age that warns. */
  ageWarningHours?: number;
  /** `MRQ_AGE_ESCALATION_HOURS` (168): any item older is critical (escalation). */
  ageEscalationHours?: number;
  /** Resolutions per day below this share of their running average warn; default 0.5. */
  resolutionRateRatio?: number;
}

/** Alert names of queue monitors. */
export const QUEUE_ALERTS = {
  depthWarning: 'QueueDepthWarning',
  depthCritical: 'QueueDepthCritical',
  age: 'QueueAgeWarning',
  escalation: 'QueueEscalationRequired',
  resolutionRate: 'QueueResolutionRateLow',
} as const;

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
const SNAPSHOT_NUMBERS = [
  'depth',
  'averageAgeSeconds',
  'oldestAgeSeconds',
  'overSla',
  'requiringEscalation',
  'resolvedPerDay',
] as const;

/** A probe's answer is used only when every field has the documented type (finite numbers ≥ 0, an array of ids). */
function validSnapshot(s: unknown): s is QueueSnapshot {
  try {
    if (s === null || typeof s !== 'object') return false;
    const r = s as Record<string, unknown>;
    for (const k of SNAPSHOT_NUMBERS) {
      const v = r[k];
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) return false;
    }
    return Array.isArray(r.oldestIds);
  } catch {
    return false;
  }
}

/**
 * Watches a queue (seed 000's manual resolution queue): every `intervalMs` it probes depth and ages, records
 * `queue_depth`, `queue_oldest_item_age_seconds`, `queue_average_item_age_seconds`, `queue_items_over_sla` and
 * `queue_items_requiring_escalation`, and raises: depth > warning (`QueueDepthWarning`) / > critical
 * (`QueueDepthCritical`); average age > 48 h (`QueueAgeWarning`); any item > 7 days (`QueueEscalationRequired`,
 * critical, with the oldest ids); resolutions per day below half their running average (`QueueResolutionRateLow`).
 * Each resolves when its condition clears. A failing probe, or one that resolves something other than a snapshot
 * (finite numbers ≥ 0 and an `oldestIds` array), is logged, never thrown.
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
  const t = {
    depthWarning: options.thresholds?.depthWarning ?? env.queue.depthWarning,
    depthCritical: options.thresholds?.depthCritical ?? env.queue.depthCritical,
    ageWarningHours: options.thresholds?.ageWarningHours ?? env.queue.ageWarningHours,
    ageEscalationHours: options.thresholds?.ageEscalationHours ?? env.queue.ageEscalationHours,
    resolutionRateRatio: options.thresholds?.resolutionRateRatio ?? 0.5,
  };
  if (t.depthWarning >= t.depthCritical) {
    throw new SlakitError(
      'ERR_SLAKIT_THRESHOLD_ORDER',
      `thresholds.depthWarning (${t.depthWarning}) must be lower than depthCritical (${t.depthCritical})`,
      {
        field: 'thresholds.depthWarning',
        value: t.depthWarning,
        accepted: `a depth lower than ${t.depthCritical}`,
      },
    );
  }
  const intervalMs = options.intervalMs ?? env.monitoringIntervalMinutes * 60_000;
  if (!Number.isFinite(intervalMs) || intervalMs <= 0) throw invalidOption('intervalMs', intervalMs, 'a number of ms > 0');
  const clock = options.clock ?? systemClock;
  const logger = (options.logger ?? options.telemetry?.logger ?? createLogger()).child({ queue: name });
  const meter = options.telemetry?.meter ?? createNoopMeter();
  const gauges = {
    depth: meter.createGauge('queue.depth', { description: 'Items waiting in the queue.' }),
    oldest: meter.createGauge('queue.oldest_item.age', { unit: 's', description: 'Age of the oldest waiting item.' }),
    average: meter.createGauge('queue.average_item.age', { unit: 's', description: 'Average age of the waiting items.' }),
    overSla: meter.createGauge('queue.items_over_sla', { description: 'Waiting items older than the 24 h SLA.' }),
    escalation: meter.createGauge('queue.items_requiring_escalation', {
      description: 'Waiting items older than the escalation age.',
    }),
  };
  const attrs = { queue: name };
  const rates: number[] = [];
  const alerter = options.alerter;
  const fire = (alertname: string, severity: 'warning' | 'critical', summary: string, values: Record<string, number | string>) =>
    alerter?.fire({
      labels: { alertname, severity, queue: name },
      annotations: {
        summary,
        runbook_url: runbookFor(options.runbookUrl, alertname),
        recommended_action: 'Review the oldest items first; escalate items past the escalation age to the team lead.',
      },
      values,
    });
  const resolve = (alertname: string) => alerter?.resolve({ alertname, queue: name });

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

    if (s.depth > t.depthCritical) {
      fire(QUEUE_ALERTS.depthCritical, 'critical', `Queue ${name} depth ${s.depth} (> ${t.depthCritical})`, {
        depth: s.depth,
        threshold: t.depthCritical,
      });
      resolve(QUEUE_ALERTS.depthWarning);
    } else if (s.depth > t.depthWarning) {
      fire(QUEUE_ALERTS.depthWarning, 'warning', `Queue ${name} depth ${s.depth} (> ${t.depthWarning})`, {
        depth: s.depth,
        threshold: t.depthWarning,
      });
      resolve(QUEUE_ALERTS.depthCritical);
    } else {
      resolve(QUEUE_ALERTS.depthWarning);
      resolve(QUEUE_ALERTS.depthCritical);
    }
    const avgHours = s.averageAgeSeconds / 3600;
    if (s.depth > 0 && avgHours > t.ageWarningHours) {
      fire(
        QUEUE_ALERTS.age,
        'warning',
        `Queue ${name} items wait ${Math.round(avgHours * 10) / 10} h on average (> ${t.ageWarningHours} h)`,
        {
          average_age_hours: Math.round(avgHours * 10) / 10,
          threshold_hours: t.ageWarningHours,
          items_over_sla: s.overSla,
        },
      );
    } else resolve(QUEUE_ALERTS.age);
    if (s.requiringEscalation > 0) {
      fire(
        QUEUE_ALERTS.escalation,
        'critical',
        `Queue ${name}: ${s.requiringEscalation} item(s) older than ${t.ageEscalationHours} h need escalation`,
        {
          items_requiring_escalation: s.requiringEscalation,
          oldest_age_hours: Math.round((s.oldestAgeSeconds / 3600) * 10) / 10,
          oldest_ids: s.oldestIds
            .slice(0, 10)
            .map((id) => (typeof id === 'string' || typeof id === 'number' || typeof id === 'bigint' ? String(id) : '?'))
            .join(','),
        },
      );
    } else resolve(QUEUE_ALERTS.escalation);
    if (rates.length >= 3) {
      const average = rates.reduce((a, b) => a + b, 0) / rates.length;
      if (average > 0 && s.resolvedPerDay < average * t.resolutionRateRatio) {
        fire(
          QUEUE_ALERTS.resolutionRate,
          'warning',
          `Queue ${name} resolved ${s.resolvedPerDay} items in 24 h (average ${Math.round(average)})`,
          {
            resolved_per_day: s.resolvedPerDay,
            average_per_day: Math.round(average * 10) / 10,
          },
        );
      } else resolve(QUEUE_ALERTS.resolutionRate);
    }
    rates.push(s.resolvedPerDay);
    if (rates.length > 30) rates.shift();
    return s;
  };

  const timer = clock.setInterval(() => {
    check().catch(() => {});
  }, intervalMs);
  return { check, stop: () => clock.clearInterval(timer) };
}

/** Options of {@link postgresQueueProbe}. */
export interface PostgresQueueProbeOptions {
  table: string;
  /** Default `id`. */
  idColumn?: string;
  /** Default `created_at`. */
  createdAtColumn?: string;
  /** Default `resolved_at` (null while waiting). */
  resolvedAtColumn?: string;
  /** Extra SQL condition (trusted, written by you), e.g. `kind = 'manual'`. */
  where?: string;
  /** SLA in hours; default 24. */
  slaHours?: number;
  /** Escalation age in hours; default `MRQ_AGE_ESCALATION_HOURS` (168). */
  escalationHours?: number;
}

const COLUMN = /^[a-z_][a-z0-9_]*$/;

/**
 * A queue probe over a Postgres table: depth, average and oldest age, counts over the SLA and the escalation age,
 * resolutions in the last 24 h and the oldest ids needing escalation — in one query, on the database clock.
 * @throws SlakitError `ERR_SLAKIT_INVALID_OPTION` for a bad pool, table or column name
 */
export function postgresQueueProbe(pool: PgQueryable, options: PostgresQueueProbeOptions): () => Promise<QueueSnapshot> {
  validateOptions(postgresQueueProbeOptionsSchema, options);
  const db = checkPool('pool', pool);
  const table = tableName('table', options?.table);
  const col = (field: string, value: string) => {
    if (!COLUMN.test(value)) throw invalidOption(field, value, 'a lower-case column name');
    return value;
  };
  const id = col('idColumn', options.idColumn ?? 'id');
  const created = col('createdAtColumn', options.createdAtColumn ?? 'created_at');
  const resolved = col('resolvedAtColumn', options.resolvedAtColumn ?? 'resolved_at');
  const where = options.where ? `AND (${options.where})` : '';
  const slaHours = options.slaHours ?? 24;
  const escalationHours = options.escalationHours ?? loadEnvSections(process.env, ['queue']).queue.ageEscalationHours;
  const sql = `SELECT
  count(*) FILTER (WHERE ${resolved} IS NULL)::int AS depth,
  COALESCE(avg(extract(epoch FROM now() - ${created})) FILTER (WHERE ${resolved} IS NULL), 0)::float8 AS average_age,
  COALESCE(max(extract(epoch FROM now() - ${created})) FILTER (WHERE ${resolved} IS NULL), 0)::float8 AS oldest_age,
  count(*) FILTER (WHERE ${resolved} IS NULL AND ${created} < now() - $1 * interval '1 hour')::int AS over_sla,
  count(*) FILTER (WHERE ${resolved} IS NULL AND ${created} < now() - $2 * interval '1 hour')::int AS escalation,
  count(*) FILTER (WHERE ${resolved} >= now() - interval '1 day')::int AS resolved_per_day,
  (SELECT COALESCE(array_agg(o.${id}::text ORDER BY o.${created}), '{}') FROM (
     SELECT ${id}, ${created} FROM ${table} WHERE ${resolved} IS NULL AND ${created} < now() - $2 * interval '1 hour' ${where}
     ORDER BY ${created} LIMIT 10) o) AS oldest_ids
FROM ${table} WHERE true ${where}`;
  return async () => {
    const { rows } = await db.query(sql, [slaHours, escalationHours]);
    const r = rows[0] ?? {};
    return {
      depth: Number(r.depth ?? 0),
      averageAgeSeconds: Number(r.average_age ?? 0),
      oldestAgeSeconds: Number(r.oldest_age ?? 0),
      overSla: Number(r.over_sla ?? 0),
      requiringEscalation: Number(r.escalation ?? 0),
      resolvedPerDay: Number(r.resolved_per_day ?? 0),
      oldestIds: (r.oldest_ids as string[] | null) ?? [],
    };
  };
}
