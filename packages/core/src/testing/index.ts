export { type ExpositionFamily, type ExpositionSample, parsePrometheusText } from './exposition.js';
export { createFakeClock, type FakeClock } from './fake-clock.js';
export {
  createTestTelemetry,
  type HistogramValue,
  type LogLine,
  type MetricSeries,
  type TestTelemetry,
  type TestTelemetryOptions,
} from './test-telemetry.js';
