/**
 * The part of an in-process SLO view that request instrumentation feeds: `instrument({ slo })` of
 * `@slakit/express-middleware` reads the latency thresholds and calls `record` once per finished request.
 * `createSloTracker(config)` of `@slakit/ops` implements it (and adds `compliance()` for `GET /ops/slo`).
 */
export interface SloRecorder {
  /** Latency thresholds of the latency SLOs (added to the HTTP histogram buckets by `instrument`). */
  readonly latencyThresholdsSeconds: readonly number[];
  /** Records one finished request (called by `instrument`); aborted requests are not counted. */
  record(status: number, seconds: number, aborted: boolean): void;
}
