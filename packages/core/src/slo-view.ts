/**
 * The part of an in-process SLO view that request instrumentation feeds: `instrument({ slo })` of
 * `@slakit/express-middleware` reads the latency thresholds and calls `record` once per finished request.
 * `createSloTracker(config)` of `@slakit/ops` implements it (and adds `compliance()` for `GET /ops/slo`).
 */
export interface SloRecorder {
  /** Latency thresholds of the latency SLOs (added to the HTTP histogram buckets by `instrument`). */
  readonly latencyThresholdsSeconds: readonly number[];
  /**
   * Records one finished request (called by the request instruments); aborted requests are not counted. `route` (the
   * recorded `http_route`) and `method` (the recorded `http_request_method`) let SLOs with route/method filters count
   * only their requests.
   */
  record(status: number, seconds: number, aborted: boolean, route?: string, method?: string): void;
}
