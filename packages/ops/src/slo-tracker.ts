import {
  type Clock,
  invalidOption,
  type SlakitConfig,
  type SlakitConfigInput,
  type SloRecorder,
  systemClock,
  validateConfig,
  validateOptions,
} from '@slakit/core';
import { sloTrackerOptionsSchema } from './options-schema.js';

/** Compliance of one SLO over a time range, from the in-process view. */
export interface SloCompliance {
  name: string;
  kind: 'availability' | 'latency';
  /** Objective in percent (99.9). */
  objective: number;
  /** Latency threshold in seconds (latency SLOs). */
  thresholdSeconds?: number;
  /** Requests counted in the range. */
  total: number;
  /** Good requests (non-5xx, or within the threshold). */
  good: number;
  /** good / total; undefined without requests. */
  value: number | undefined;
  status: 'PASS' | 'FAIL' | 'NO_DATA';
}

/** An in-process SLO view fed by `instrument({ slo: tracker })` (it implements core's `SloRecorder`). */
export interface SloTracker extends SloRecorder {
  /** Latency thresholds of the latency SLOs (added to the HTTP histogram buckets by `instrument`). */
  readonly latencyThresholdsSeconds: number[];
  /** Records one finished request (called by `instrument`); aborted requests are not counted. */
  record(status: number, seconds: number, aborted: boolean): void;
  /** Compliance of every SLO over `[from, to)` (minute resolution, within the retention). */
  compliance(from: Date, to: Date): SloCompliance[];
  /** Oldest time the tracker can answer for. */
  readonly retentionMinutes: number;
}

/** Options of {@link createSloTracker}. */
export interface SloTrackerOptions {
  /** Minutes of per-minute counts kept (memory: 16 bytes per minute per SLO); default 10080 (7 days). */
  retentionMinutes?: number;
  clock?: Clock;
}

/**
 * The in-process SLO view: per-minute request counts of every SLO in the config (availability: non-5xx share;
 * latency: share within the threshold), kept in fixed ring buffers. Pass it to `instrument({ slo: tracker })` and to
 * `opsRouter({ slo: tracker })` (`GET /ops/slo`). It covers this process only — Prometheus with the generated rules is
 * the fleet-wide view.
 * @throws SlakitError for an invalid config or retention
 */
export function createSloTracker(config: SlakitConfig | SlakitConfigInput, options: SloTrackerOptions = {}): SloTracker {
  validateOptions(sloTrackerOptionsSchema, options);
  const c = validateConfig(config);
  const retention = options.retentionMinutes ?? 10_080;
  if (!Number.isInteger(retention) || retention < 1 || retention > 527_040)
    throw invalidOption('retentionMinutes', retention, 'an integer from 1 to 527040 (one year)');
  const clock = options.clock ?? systemClock;
  const slos = c.slos.map((s) => ({
    slo: s,
    threshold: s.kind === 'latency' ? s.thresholdSeconds : Number.POSITIVE_INFINITY,
    total: new Uint32Array(retention),
    bad: new Uint32Array(retention),
    stamp: new Float64Array(retention).fill(-1),
  }));
  return {
    latencyThresholdsSeconds: c.slos.flatMap((s) => (s.kind === 'latency' ? [s.thresholdSeconds] : [])),
    retentionMinutes: retention,
    record(status, seconds, aborted) {
      if (aborted || slos.length === 0) return;
      const minute = Math.floor(clock.now() / 60_000);
      const slot = minute % retention;
      for (const s of slos) {
        if (s.stamp[slot] !== minute) {
          s.stamp[slot] = minute;
          s.total[slot] = 0;
          s.bad[slot] = 0;
        }
        s.total[slot] = (s.total[slot] as number) + 1;
        const bad = s.slo.kind === 'availability' ? status >= 500 : seconds > s.threshold;
        if (bad) s.bad[slot] = (s.bad[slot] as number) + 1;
      }
    },
    compliance(from, to) {
      const now = Math.floor(clock.now() / 60_000);
      const first = Math.max(Math.floor(from.getTime() / 60_000), now - retention + 1);
      const last = Math.min(Math.ceil(to.getTime() / 60_000) - 1, now);
      return slos.map((s) => {
        let total = 0;
        let bad = 0;
        for (let m = first; m <= last; m++) {
          const slot = m % retention;
          if (s.stamp[slot] !== m) continue;
          total += s.total[slot] as number;
          bad += s.bad[slot] as number;
        }
        const value = total > 0 ? (total - bad) / total : undefined;
        return {
          name: s.slo.name,
          kind: s.slo.kind,
          objective: s.slo.objective,
          ...(s.slo.kind === 'latency' ? { thresholdSeconds: s.slo.thresholdSeconds } : {}),
          total,
          good: total - bad,
          value,
          status: value === undefined ? 'NO_DATA' : value * 100 >= s.slo.objective ? 'PASS' : 'FAIL',
        };
      });
    },
  };
}
