import {
  type Clock,
  invalidOption,
  type SlakitConfig,
  type SlakitConfigInput,
  type SloConfig,
  type SloRecorder,
  systemClock,
  validateConfig,
  validateOptions,
} from '@slakit/core';
import { sloTrackerOptionsSchema } from './options-schema.js';

/** Compliance of one SLO over a time range, from the in-process view. */
export interface SloCompliance {
  name: string;
  kind: SloConfig['kind'];
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
  /** `UNSUPPORTED`: an SLI the process cannot see (`ratio`/`raw` PromQL of the SLO's own) — see `reason`. */
  status: 'PASS' | 'FAIL' | 'NO_DATA' | 'UNSUPPORTED';
  /** Why the in-process view cannot evaluate this SLO (only with `UNSUPPORTED`). */
  reason?: string;
}

/** An in-process SLO view fed by `instrument({ slo: tracker })` (it implements core's `SloRecorder`). */
export interface SloTracker extends SloRecorder {
  /** Latency thresholds of the latency SLOs (added to the HTTP histogram buckets by `instrument`). */
  readonly latencyThresholdsSeconds: number[];
  /** Records one finished request (called by the request instruments); aborted requests are not counted. */
  record(status: number, seconds: number, aborted: boolean, route?: string, method?: string): void;
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

/** The SLI kinds a process cannot evaluate (their events are PromQL of the SLO's own), and why. */
const UNSUPPORTED: Partial<Record<SloConfig['kind'], string>> = {
  ratio: 'a ratio SLO counts events of its own PromQL: only Prometheus (the generated rules, slakit report) sees them',
  raw: 'a raw SLO is an error-ratio expression of its own PromQL: only Prometheus (the generated rules, slakit report) evaluates it',
};

/**
 * Whether one request is bad for an SLO: true/false, or undefined when the SLO does not count it (a route or method
 * outside its filters; a kind the process cannot evaluate).
 */
function counterOf(slo: SloConfig): (status: number, seconds: number, route?: string, method?: string) => boolean | undefined {
  if (slo.kind !== 'availability' && slo.kind !== 'latency') return () => undefined;
  const routes = slo.routes ? new Set(slo.routes) : undefined;
  const excluded = slo.excludeRoutes ? new Set(slo.excludeRoutes) : undefined;
  const methods = slo.methods ? new Set(slo.methods) : undefined;
  const counted = (route?: string, method?: string) =>
    !(
      (routes && (route === undefined || !routes.has(route))) ||
      (excluded && route !== undefined && excluded.has(route)) ||
      (methods && (method === undefined || !methods.has(method)))
    );
  if (slo.kind === 'latency') {
    const threshold = slo.thresholdSeconds;
    return (_status, seconds, route, method) => (counted(route, method) ? seconds > threshold : undefined);
  }
  const classes = slo.errorStatus.map((c) => (c.endsWith('xx') ? { hundreds: Number(c[0]) } : { code: Number(c) }));
  const isError = (status: number) =>
    classes.some((c) => ('code' in c ? status === c.code : Math.floor(status / 100) === c.hundreds));
  return (status, _seconds, route, method) => (counted(route, method) ? isError(status) : undefined);
}

/**
 * The in-process SLO view: per-minute request counts of every SLO in the config (availability: non-5xx share;
 * latency: share within the threshold; each with its route/method filters and error classes), kept in fixed ring
 * buffers. `ratio`/`raw` SLOs (PromQL of their own) are reported `UNSUPPORTED` with the reason. Pass it to `instrument({ slo: tracker })` and to
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
    counts: counterOf(s),
    total: new Uint32Array(retention),
    bad: new Uint32Array(retention),
    stamp: new Float64Array(retention).fill(-1),
  }));
  return {
    latencyThresholdsSeconds: c.slos.flatMap((s) => (s.kind === 'latency' ? [s.thresholdSeconds] : [])),
    retentionMinutes: retention,
    record(status, seconds, aborted, route, method) {
      if (aborted || slos.length === 0) return;
      const minute = Math.floor(clock.now() / 60_000);
      const slot = minute % retention;
      for (const s of slos) {
        const verdict = s.counts(status, seconds, route, method);
        if (verdict === undefined) continue;
        if (s.stamp[slot] !== minute) {
          s.stamp[slot] = minute;
          s.total[slot] = 0;
          s.bad[slot] = 0;
        }
        s.total[slot] = (s.total[slot] as number) + 1;
        if (verdict) s.bad[slot] = (s.bad[slot] as number) + 1;
      }
    },
    compliance(from, to) {
      const now = Math.floor(clock.now() / 60_000);
      const first = Math.max(Math.floor(from.getTime() / 60_000), now - retention + 1);
      const last = Math.min(Math.ceil(to.getTime() / 60_000) - 1, now);
      return slos.map((s): SloCompliance => {
        const unsupported = UNSUPPORTED[s.slo.kind];
        if (unsupported !== undefined) {
          return {
            name: s.slo.name,
            kind: s.slo.kind,
            objective: s.slo.objective,
            total: 0,
            good: 0,
            value: undefined,
            status: 'UNSUPPORTED',
            reason: unsupported,
          };
        }
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
