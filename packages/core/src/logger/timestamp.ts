/**
 * A pino `timestamp` function: the `"time"` field as ISO-8601 UTC, the same text as `pino.stdTimeFunctions.isoTime`
 * (`,"time":"2026-12-01T13:05:42.071Z"`). Stateless; {@link cachedIsoTimestamp} returns one that does less work per
 * line (what `createLogger()` uses).
 *
 * @param now epoch milliseconds (an integer); default `Date.now()`
 */
export function isoTimestamp(now: number = Date.now()): string {
  return `,"time":"${new Date(now).toISOString()}"`;
}

/**
 * Creates a pino `timestamp` function with the same text as {@link isoTimestamp} for less work: `Date#toISOString()`
 * runs once per second for the `YYYY-MM-DDTHH:MM:SS.` prefix (remembered by this function) and each line appends its
 * milliseconds (bench/micro). `createLogger()` makes one per logger; give your own pino one:
 * `pino({ timestamp: cachedIsoTimestamp() })`.
 *
 * @returns `(now = Date.now()) => string`, `now` in epoch milliseconds (an integer)
 */
export function cachedIsoTimestamp(): (now?: number) => string {
  let second = Number.NaN;
  let prefix = '';
  return (now = Date.now()) => {
    const s = Math.floor(now / 1000);
    if (s !== second) {
      const text = new Date(s * 1000).toISOString(); // …SS.000Z
      prefix = `,"time":"${text.slice(0, text.length - 4)}`;
      second = s;
    }
    const ms = now - s * 1000;
    return `${prefix}${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}Z"`;
  };
}
