import { loadCroner } from '../deps.js';

/**
 * The period of a cron schedule in seconds: the largest gap between its next 8 fire times (so an irregular
 * expression such as `0 9 * * 1-5` is judged by its longest quiet stretch).
 * @throws Error when the expression is invalid or does not fire repeatedly
 */
export function cronPeriodSeconds(cron: string, timezone?: string, from = new Date()): number {
  const runs = new (loadCroner().Cron)(cron, { paused: true, timezone }).nextRuns(8, from);
  if (runs.length < 2) throw new Error('the expression does not fire repeatedly');
  let gap = 0;
  for (let i = 1; i < runs.length; i++) gap = Math.max(gap, (runs[i] as Date).getTime() - (runs[i - 1] as Date).getTime());
  return gap / 1000;
}

/** Default grace of a missed-run check: 10 % of the period, at least 60 s (as `schedule()` in @slakit/job-wrapper). */
export function defaultGraceSeconds(periodSeconds: number): number {
  return Math.max(60, periodSeconds / 10);
}

/** A Prometheus duration: one or more `<integer><unit>` with unit ms, s, m, h, d, w or y (`1h30m`, `30d`). */
export const PROMETHEUS_DURATION = /^(\d+(ms|s|m|h|d|w|y))+$/;

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };

/** Seconds of a Prometheus duration (`1h30m`, `30d`). */
export function durationSeconds(duration: string): number {
  let total = 0;
  for (const m of duration.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) total += Number(m[1]) * (UNIT_SECONDS[m[2] as string] as number);
  return total;
}

/** The shortest Prometheus duration for a number of seconds (`3600` → `1h`, `90` → `1m30s`). */
export function formatDuration(seconds: number): string {
  let rest = Math.round(seconds);
  if (rest <= 0) return '0s';
  let out = '';
  for (const [unit, size] of [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    if (rest >= size) {
      out += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return out;
}

/** Whether `Intl` knows a time zone (`Europe/Berlin`, `UTC`). */
export function validTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}
