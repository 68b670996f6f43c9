import { ALERT_CATALOGUE, METRIC_CATALOGUE } from '@slakit/core';
import { describe, expect, it } from 'vitest';
import { METRICS } from './promql.js';
import { GENERATED_ALERTS } from './rules.js';

// Kept apart from catalogue.test.ts so that it moves with the generators (to @slakit/cli, issue #18).
describe('the catalogue and the generators', () => {
  it('covers every metric the generators query and every alert they generate', () => {
    const prometheus = new Set<string>(Object.values(METRIC_CATALOGUE).map((m) => m.prometheus));
    expect(Object.values(METRICS).filter((name) => !prometheus.has(name))).toEqual([]);
    for (const [key, name] of Object.entries(METRICS)) {
      expect(METRIC_CATALOGUE[key as keyof typeof METRIC_CATALOGUE]?.prometheus, key).toBe(name);
    }
    expect(
      Object.values(ALERT_CATALOGUE)
        .filter((a) => 'rule' in a)
        .map((a) => a.name),
    ).toEqual([...GENERATED_ALERTS]);
  });
});
