// The SLO kinds of issue #22 at configuration time: every invalid form is refused naming the field.
import { describe, expect, it } from 'vitest';
import { SlakitError } from '../errors.js';
import { validateConfig } from './schema.js';

const refuse = (slo: Record<string, unknown>): SlakitError => {
  try {
    validateConfig({ service: 's', slos: [{ name: 'x', objective: 99, ...slo }] });
  } catch (error) {
    return error as SlakitError;
  }
  throw new Error(`accepted ${JSON.stringify(slo)}`);
};

describe('SLO kinds', () => {
  it('accepts every kind with its defaults (availability errors default to 5xx)', () => {
    const config = validateConfig({
      service: 's',
      slos: [
        { name: 'a', kind: 'availability', objective: 99.9, routes: ['/api/orders/:id'], methods: ['GET'] },
        { name: 'l', kind: 'latency', objective: 99, thresholdSeconds: 0.3, excludeRoutes: ['/export'] },
        { name: 'r', kind: 'ratio', objective: 99, good: 'sum(rate(ok_total[$window]))', total: 'sum(rate(all_total[$window]))' },
        { name: 'w', kind: 'raw', objective: 99, errorRatio: 'avg_over_time(err_ratio[$window])' },
      ],
    });
    expect(config.slos.map((s) => s.kind)).toEqual(['availability', 'latency', 'ratio', 'raw']);
    expect(config.slos[0]).toMatchObject({ errorStatus: ['5xx'] });
  });

  it.each([
    [{ kind: 'ratio', total: 'sum(rate(a[$window]))' }, 'slos[0] must', 'exactly one of good or bad'],
    [
      { kind: 'ratio', good: 'sum(rate(a[$window]))', bad: 'sum(rate(b[$window]))', total: 'sum(rate(a[$window]))' },
      'slos[0] must',
      'exactly one',
    ],
    [{ kind: 'ratio', bad: 'sum(rate(b[5m]))', total: 'sum(rate(a[$window]))' }, 'slos[0].bad', '$window'],
    [{ kind: 'ratio', bad: 'sum(rate(b[$window])', total: 'sum(rate(a[$window]))' }, 'slos[0].bad', 'balanced'],
    [{ kind: 'ratio', bad: 'sum(rate(b{x="a]"}[$window]))', total: 'sum(rate(a[$window])' }, 'slos[0].total', 'balanced'],
    [{ kind: 'raw' }, 'slos[0].errorRatio', 'is required'],
    [{ kind: 'raw', errorRatio: 'avg_over_time(e[1h])' }, 'slos[0].errorRatio', '$window'],
    [{ kind: 'availability', errorStatus: ['5XX'] }, 'slos[0].errorStatus[0]', 'status class'],
    [{ kind: 'availability', errorStatus: ['600'] }, 'slos[0].errorStatus[0]', 'status class'],
    [{ kind: 'availability', errorStatus: [] }, 'slos[0].errorStatus', ''],
    [{ kind: 'availability', methods: ['get'] }, 'slos[0].methods[0]', 'HTTP method'],
    [{ kind: 'availability', routes: [] }, 'slos[0].routes', ''],
    [{ kind: 'ratio', routes: ['/a'], bad: 'b[$window]', total: 't[$window]' }, 'slos[0].routes', 'not a known option'],
    [{ kind: 'availability', alerting: { labels: { severity: 'x' } } }, 'slos[0].alerting.labels', 'must not be'],
    [{ kind: 'availability', alerting: { names: { page: 'has space' } } }, 'slos[0].alerting.names.page', 'alert name'],
    [{ kind: 'availability', alerting: { pager: false } }, 'slos[0].alerting.pager', 'not a known option'],
    [{ kind: 'throughput' }, 'slos[0].kind', '"ratio" or "raw"'],
  ])('refuses invalid SLO %# (naming its field)', (slo, field, text) => {
    const e = refuse(slo as Record<string, unknown>);
    expect(e.code).toBe('ERR_SLAKIT_INVALID_CONFIG');
    expect(e.message).toContain(field);
    expect(e.message).toContain(text);
  });
});
