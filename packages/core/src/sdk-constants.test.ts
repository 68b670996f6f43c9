import { AggregationTemporality, DataPointType } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { CUMULATIVE, DATA_POINT } from './sdk-constants.js';

describe('sdk-constants', () => {
  it('match the metrics SDK enums', () => {
    expect(CUMULATIVE).toBe(AggregationTemporality.CUMULATIVE);
    expect(DATA_POINT).toEqual({
      HISTOGRAM: DataPointType.HISTOGRAM,
      EXPONENTIAL_HISTOGRAM: DataPointType.EXPONENTIAL_HISTOGRAM,
      GAUGE: DataPointType.GAUGE,
      SUM: DataPointType.SUM,
    });
  });
});
