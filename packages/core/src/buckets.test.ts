import { describe, expect, it } from 'vitest';
import { HTTP_DURATION_BUCKETS, httpDurationBuckets } from './buckets.js';
import { SlakitError } from './errors.js';

describe('httpDurationBuckets', () => {
  it('is the semconv boundaries with no thresholds', () => {
    expect(httpDurationBuckets()).toEqual([...HTTP_DURATION_BUCKETS]);
  });

  it('adds SLO thresholds, sorted and deduplicated', () => {
    const buckets = httpDurationBuckets([0.2, 0.25, 0.2, 3]);
    expect(buckets).toContain(0.2);
    expect(buckets).toContain(3);
    expect(buckets.filter((b) => b === 0.25)).toHaveLength(1);
    expect(buckets).toEqual([...buckets].sort((a, b) => a - b));
    expect(buckets).toHaveLength(HTTP_DURATION_BUCKETS.length + 2);
  });

  it('treats values within 1e-9 as one boundary', () => {
    expect(httpDurationBuckets([0.1 + 1e-12])).toHaveLength(HTTP_DURATION_BUCKETS.length);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('rejects threshold %s', (bad) => {
    expect(() => httpDurationBuckets([0.2, bad])).toThrowError(
      expect.objectContaining({ code: 'ERR_SLAKIT_INVALID_OPTION', field: 'sloThresholdsSeconds[1]' }),
    );
    expect(() => httpDurationBuckets([bad])).toThrow(SlakitError);
  });
});
