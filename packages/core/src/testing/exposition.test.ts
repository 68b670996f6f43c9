import { describe, expect, it } from 'vitest';
import { parsePrometheusText } from './exposition.js';

describe('parsePrometheusText', () => {
  it('groups histogram series with their labels', () => {
    const families = parsePrometheusText(
      [
        '# HELP a_seconds Duration.',
        '# TYPE a_seconds histogram',
        'a_seconds_count{job="c"} 2',
        'a_seconds_sum{job="c"} 3.5',
        'a_seconds_bucket{job="c",le="0.5"} 0',
        'a_seconds_bucket{job="c",le="+Inf"} 2',
        'a_seconds_bucket{job="d",le="+Inf"} 1',
        '# TYPE b_total counter',
        'b_total{path="a \\"q\\" \\\\ b"} 7 1700000000000',
        'c NaN',
      ].join('\n'),
    );
    expect(families.map((f) => [f.name, f.type, f.samples.length])).toEqual([
      ['a_seconds', 'histogram', 5],
      ['b_total', 'counter', 1],
      ['c', 'untyped', 1],
    ]);
    expect(families[0]?.help).toBe('Duration.');
    expect(families[0]?.samples[3]).toEqual({ name: 'a_seconds_bucket', labels: { job: 'c', le: '+Inf' }, value: 2 });
    expect(families[1]?.samples[0]?.labels.path).toBe('a "q" \\ b');
    expect(families[2]?.samples[0]?.value).toBeNaN();
  });

  it.each(['a{b=c} 1', 'a 1 2 3', 'a{b="c"}', '# TYPE a bogus', 'a{b="1",b="2"} 1'])('rejects %j', (line) => {
    expect(() => parsePrometheusText(line)).toThrow();
  });
});
