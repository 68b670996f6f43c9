import { type Clock, cronPeriodSeconds, defaultGraceSeconds, describeValue, SlakitError } from '@slakit/core';
import { Cron } from 'croner';

/** The fires of a cron expression and when a missing success becomes a missed run. */
export interface CronSlots {
  /** Paused croner pattern: `nextRun(after)` gives the next fire. */
  pattern: Cron;
  /** The longest gap between two fires, in ms. */
  longestGapMs: number;
  /**
   * When a missing success becomes `JobMissedRun`: one gap of the schedule after the last success plus grace, where
   * the gap is the one the success fell in (from the fire at or before it to the next). `slot`: the fire the
   * successful run was started for, which spares the search unless the run outlasted the next fire.
   */
  dueAfter(success: number, slot?: number): { at: number; gapMs: number; graceMs: number };
}

/**
 * Parses a cron expression (croner syntax) in a time zone.
 * @throws SlakitError `ERR_SLAKIT_INVALID_OPTION` (field `cron`) for a bad expression or time zone, or one that does
 *   not fire repeatedly
 */
export function cronSlots(cron: string, timezone: string | undefined, clock: Clock, graceSeconds: number | undefined): CronSlots {
  let pattern: Cron;
  let longestGapMs: number;
  try {
    pattern = new Cron(cron, { paused: true, timezone });
    // Also rejects an invalid time zone (croner only notices when computing fires) and a non-repeating expression.
    longestGapMs = cronPeriodSeconds(cron, timezone, new Date(clock.now())) * 1000;
  } catch (error) {
    throw new SlakitError(
      'ERR_SLAKIT_INVALID_OPTION',
      `cron must be a valid cron expression${timezone ? ' with a valid timezone' : ''}, got ${describeValue(cron)}: ${(error as Error).message}`,
      {
        field: 'cron',
        value: cron,
        accepted: 'a cron expression that fires repeatedly, such as */15 * * * * (croner syntax)',
      },
    );
  }
  // The first fire strictly after t (croner's fires are whole seconds).
  const slotAfter = (t: number): number => pattern.nextRun(new Date(t))?.getTime() ?? Number.POSITIVE_INFINITY;
  // The last fire at or before t: a binary search on slotAfter (monotone) to one second, ~20 croner calls; undefined
  // when none lies within 2^10 longest gaps.
  const slotAtOrBefore = (t: number): number | undefined => {
    let lo = t - longestGapMs;
    for (let widen = 0; slotAfter(lo) > t; widen++) {
      if (widen === 10) return undefined;
      lo = t - longestGapMs * 2 ** (widen + 1);
    }
    let hi = t; // a fire lies in (lo, t], none in (hi, t]
    while (hi - lo > 1000) {
      const mid = Math.floor((lo + hi) / 2);
      if (slotAfter(mid) <= t) lo = mid;
      else hi = mid;
    }
    return slotAfter(lo);
  };
  // Each stretch of an irregular schedule (`0 9 * * 1-5`: 24 h on weekdays, 72 h over the weekend) is judged on its
  // own; a known slot spares the search (croner takes ~0.3 ms per call with a time zone).
  const dueAfter = (success: number, slot?: number) => {
    const next = slotAfter(success);
    const previous = slot !== undefined && slotAfter(slot) === next ? slot : slotAtOrBefore(success);
    const gapMs = next - (previous ?? next - longestGapMs);
    const graceMs = graceSeconds !== undefined ? graceSeconds * 1000 : defaultGraceSeconds(gapMs / 1000) * 1000;
    return { at: success + gapMs + graceMs, gapMs, graceMs };
  };
  return { pattern, longestGapMs, dueAfter };
}
