import { setImmediate as nextTurn } from 'node:timers/promises';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { METRIC_CATALOGUE as M } from '../catalogue/metrics.js';
import type { FastFamilies } from '../fast-metrics.js';
import { sdkOpenMetrics } from './openmetrics-sdk.js';
import { type ExpositionFormat, renderFast, type SampleCount } from './render-fast.js';

/** Longest stretch (ms) a scrape renders before it gives the event loop back. */
export const SCRAPE_SLICE_MS = 4;

/** What one completed scrape measured (the `slakit_scrape_*` gauges of the next scrape). */
export interface ScrapeStats {
  /** Wall time from the start of collection to the last chunk handed over, in seconds. */
  durationSeconds: number;
  /** Samples (time series) written, without the two scrape gauges themselves. */
  series: number;
  format: ExpositionFormat;
}

/** The parts of a scrape: the OpenTelemetry SDK's collection and its 0.0.4 serializer, and slakit's own instruments. */
export interface ScrapeParts {
  collectSdk(): Promise<{ resourceMetrics: ResourceMetrics; errors: unknown[] }>;
  serializeText(resourceMetrics: ResourceMetrics): string;
  renderers: readonly FastFamilies[];
}

const NO_METRICS = '# no registered metrics';

/** Samples of a 0.0.4 text (lines that are not comments). */
function textSamples(text: string): number {
  let n = 0;
  for (const line of text.split('\n')) if (line !== '' && line[0] !== '#') n++;
  return n;
}

/** The scrape gauges (same text in both formats: plain gauges, help without quotes or backslashes). */
function selfMetrics(last: ScrapeStats | undefined): string {
  if (!last) return '';
  const gauge = (m: { prometheus: string; help: string }, value: number) =>
    `# HELP ${m.prometheus} ${m.help}\n# TYPE ${m.prometheus} gauge\n${m.prometheus} ${value}\n`;
  return gauge(M.scrapeDuration, last.durationSeconds) + gauge(M.scrapeSeries, last.series);
}

/**
 * Streams one scrape in `format`: the SDK's part (one piece: meter-API instruments are few), then slakit's aggregating
 * instruments in slices of about {@link SCRAPE_SLICE_MS}, each followed by a turn of the event loop, then the scrape
 * gauges of the previous scrape (`last()`), then OpenMetrics' `# EOF`. Collection errors go to `onError`; `done`
 * receives this scrape's stats once the last chunk was taken.
 */
export async function* scrapeChunks(
  parts: ScrapeParts,
  format: ExpositionFormat,
  hooks: { last: () => ScrapeStats | undefined; onError: (error: unknown) => void; done: (stats: ScrapeStats) => void },
): AsyncGenerator<Buffer, void, void> {
  const started = performance.now();
  const count: SampleCount = { samples: 0 };
  const { resourceMetrics, errors } = await parts.collectSdk();
  for (const error of errors) hooks.onError(error);
  let head: string;
  if (format === 'text') {
    head = parts.serializeText(resourceMetrics);
    count.samples += textSamples(head);
  } else {
    head = sdkOpenMetrics(resourceMetrics, count);
  }
  const tail = selfMetrics(hooks.last()) + (format === 'openmetrics' ? '# EOF\n' : '');
  let pending = head;
  // The 0.0.4 text of an empty SDK ends in OpenTelemetry's '# no registered metrics' (no newline): kept only when
  // nothing follows, as OpenTelemetry's serializer does.
  const headText = (more: boolean) => (more && pending.endsWith(NO_METRICS) ? pending.slice(0, -NO_METRICS.length) : pending);
  for (const slice of renderFast(parts.renderers, format, count, SCRAPE_SLICE_MS)) {
    if (pending !== '') {
      const first = headText(true);
      pending = '';
      if (first) yield Buffer.from(first);
    }
    for (const chunk of slice) yield chunk;
    await nextTurn();
  }
  const rest = pending !== '' ? headText(tail !== '') + tail : tail;
  if (rest) yield Buffer.from(rest);
  hooks.done({ durationSeconds: (performance.now() - started) / 1000, series: count.samples, format });
}
