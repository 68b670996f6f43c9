import type { AggregationTemporality, DataPointType } from '@opentelemetry/sdk-metrics';

/**
 * Values of `@opentelemetry/sdk-metrics` enums slakit reads on its import path, as constants, so that reading them
 * does not load the SDK (`sdk-constants.test.ts` checks them against the SDK).
 */
export const CUMULATIVE = 1 as AggregationTemporality.CUMULATIVE;

/** `DataPointType` of the metrics SDK. */
export const DATA_POINT = {
  HISTOGRAM: 0 as DataPointType.HISTOGRAM,
  EXPONENTIAL_HISTOGRAM: 1 as DataPointType.EXPONENTIAL_HISTOGRAM,
  GAUGE: 2 as DataPointType.GAUGE,
  SUM: 3 as DataPointType.SUM,
} as const;
