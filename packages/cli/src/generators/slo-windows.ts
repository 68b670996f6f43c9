import { durationSeconds, formatDuration } from '@slakit/core';

/** One multi-window burn-rate alert of an SLO: both windows must burn faster than `factor` × the error budget. */
export interface BurnWindow {
  readonly severity: 'critical' | 'warning';
  /** Long window (Prometheus duration). */
  readonly long: string;
  /** Short window: confirms the burn is still going on (resolves the alert soon after it stops). */
  readonly short: string;
  /** Burn-rate factor: error ratio > factor × (1 − objective). */
  readonly factor: number;
  /** Share of the whole period's error budget the long window consumes when it burns at `factor`. */
  readonly budgetShare: number;
}

/**
 * The Google SRE workbook's alerts for a 30-day SLO (ch. 5, "multiwindow, multi-burn-rate"): page on 2 % of the
 * budget in 1 h or 5 % in 6 h, ticket on 10 % in 1 d or in 3 d; short windows 1/12 of the long ones. Other periods
 * scale the windows with the period (`long = period × longShare`), so every alert keeps meaning the same share of the
 * period's budget (Pyrra's approach); the factor is `budgetShare × period / long`.
 */
const SRE_WINDOWS = [
  { severity: 'critical', longShare: 1 / 720, budgetShare: 0.02 },
  { severity: 'critical', longShare: 1 / 120, budgetShare: 0.05 },
  { severity: 'warning', longShare: 1 / 30, budgetShare: 0.1 },
  { severity: 'warning', longShare: 1 / 10, budgetShare: 0.1 },
] as const;

/**
 * The shortest window a rule uses: `rate()` needs at least two samples, and Prometheus' default scrape interval is
 * 1 m. A long window clamped to it gets the factor of its real length (the same budget share).
 */
export const MIN_BURN_WINDOW_SECONDS = 300;

/** The shortest SLO period slakit alerts on (below it the page windows would be shorter than 5 m). */
export const MIN_SLO_PERIOD_SECONDS = 86_400;

const minute = (seconds: number) => Math.max(MIN_BURN_WINDOW_SECONDS, Math.round(seconds / 60) * 60);
const round4 = (n: number) => Number(n.toPrecision(4));

/**
 * The burn-rate alert windows of an SLO period (`30d` → 1h/5m × 14.4, 6h/30m × 6, 1d/2h × 3, 3d/6h × 1). Periods
 * below {@link MIN_SLO_PERIOD_SECONDS} are refused by the config schema (`slos[].window`).
 */
export function burnWindows(period: string): readonly BurnWindow[] {
  const periodSeconds = durationSeconds(period);
  return SRE_WINDOWS.map(({ severity, longShare, budgetShare }) => {
    const long = minute(periodSeconds * longShare);
    const short = Math.min(long, minute(long / 12));
    return {
      severity,
      long: formatDuration(long),
      short: formatDuration(short),
      factor: round4((budgetShare * periodSeconds) / long),
      budgetShare,
    };
  });
}

/** Every window the recording rules of an SLO need: 5m (the budget's base) and each alert's long and short window. */
export function recordedWindows(period: string): readonly string[] {
  const windows = new Set<string>(['5m']);
  for (const w of burnWindows(period)) windows.add(w.short).add(w.long);
  return [...windows].sort((a, b) => durationSeconds(a) - durationSeconds(b));
}
