// Every new option of withSla (retry, priority, lateStartSeconds, the retry-rate rule thresholds) rejects bad values
// with a SlakitError naming the field, the value and what is accepted — never a TypeError, never silently.
import { defineConfig, jobSla } from '@slakit/core';
import { describe, expect, it } from 'vitest';
import { slakitErrorOf } from '../../../test-support/slakit-errors.js';
import { withSla } from './with-sla.js';

const fn = async () => undefined;
const sla = (extra: Record<string, unknown>) => () => withSla('job', fn, { budgetSeconds: 60, env: {}, ...extra } as never);

describe('withSla({ retry }) rejects bad retry options', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['attempts 0', { attempts: 0 }, 'retry.attempts'],
    ['attempts -1', { attempts: -1 }, 'retry.attempts'],
    ['attempts 1.5', { attempts: 1.5 }, 'retry.attempts'],
    ['attempts NaN', { attempts: Number.NaN }, 'retry.attempts'],
    ['attempts Infinity', { attempts: Number.POSITIVE_INFINITY }, 'retry.attempts'],
    ['attempts 101', { attempts: 101 }, 'retry.attempts'],
    ['attempts 1e12', { attempts: 1e12 }, 'retry.attempts'],
    ['attempts "3"', { attempts: '3' }, 'retry.attempts'],
    ['backoff linear', { backoff: 'linear' }, 'retry.backoff'],
    ['backoff 2', { backoff: 2 }, 'retry.backoff'],
    ['baseMs -1', { baseMs: -1 }, 'retry.baseMs'],
    ['baseMs NaN', { baseMs: Number.NaN }, 'retry.baseMs'],
    ['baseMs 1e20', { baseMs: 1e20 }, 'retry.baseMs'],
    ['baseMs "1000"', { baseMs: '1000' }, 'retry.baseMs'],
    ['maxMs -5', { maxMs: -5 }, 'retry.maxMs'],
    ['maxMs Infinity', { maxMs: Number.POSITIVE_INFINITY }, 'retry.maxMs'],
    ['maxMs < baseMs', { baseMs: 5000, maxMs: 1000 }, 'retry.maxMs'],
    ['jitter 2', { jitter: 2 }, 'retry.jitter'],
    ['jitter -0.1', { jitter: -0.1 }, 'retry.jitter'],
    ['jitter NaN', { jitter: Number.NaN }, 'retry.jitter'],
    ['jitter "full"', { jitter: 'full' }, 'retry.jitter'],
    ['retryOn true', { retryOn: true }, 'retry.retryOn'],
    ['retryOn a regexp', { retryOn: /ECONN/ }, 'retry.retryOn'],
    ['an unknown key', { attempt: 3 }, 'retry.attempt'],
  ];
  for (const [what, retry, field] of cases) {
    it(`${what} → ${field}`, async () => {
      const e = await slakitErrorOf(sla({ retry }));
      expect(e.field).toBe(field);
      expect(e.accepted ?? e.message).toBeTruthy();
      expect(e.code).toMatch(/^ERR_SLAKIT_(INVALID|UNKNOWN)_OPTION$/);
    });
  }

  it('maxMs < baseMs says what is accepted (≥ baseMs) and shows the value', async () => {
    const e = await slakitErrorOf(sla({ retry: { baseMs: 5000, maxMs: 1000 } }));
    expect(e.code).toBe('ERR_SLAKIT_INVALID_OPTION');
    expect(e.value).toBe(1000);
    expect(e.accepted).toContain('5000');
  });

  it('retry that is not an object (null, a number, an array, a string)', async () => {
    for (const retry of [null, 3, [3], 'exponential']) {
      const e = await slakitErrorOf(sla({ retry }));
      expect(e.field).toBe('retry');
    }
  });

  it('a baseMs above the default maxMs without a maxMs is accepted (maxMs follows baseMs)', () => {
    expect(() => sla({ retry: { baseMs: 120_000 } })()).not.toThrow();
    expect(() => sla({ retry: {} })()).not.toThrow();
    expect(() => sla({ retry: { attempts: 1 } })()).not.toThrow();
  });
});

describe('withSla rejects bad priority, lateStartSeconds and retry-rate thresholds', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['priority urgent', { priority: 'urgent' }, 'priority'],
    ['priority "High"', { priority: 'High' }, 'priority'],
    ['priority 1', { priority: 1 }, 'priority'],
    ['lateStartSeconds -1', { lateStartSeconds: -1 }, 'lateStartSeconds'],
    ['lateStartSeconds NaN', { lateStartSeconds: Number.NaN }, 'lateStartSeconds'],
    ['lateStartSeconds 1e12', { lateStartSeconds: 1e12 }, 'lateStartSeconds'],
    ['lateStartSeconds "60"', { lateStartSeconds: '60' }, 'lateStartSeconds'],
    ['rules.retryRateThreshold 0', { rules: { retryRateThreshold: 0 } }, 'rules.retryRateThreshold'],
    ['rules.retryRateThreshold -0.2', { rules: { retryRateThreshold: -0.2 } }, 'rules.retryRateThreshold'],
    ['rules.retryRateThreshold NaN', { rules: { retryRateThreshold: Number.NaN } }, 'rules.retryRateThreshold'],
    ['rules.retryRateWindowSeconds 10', { rules: { retryRateWindowSeconds: 10 } }, 'rules.retryRateWindowSeconds'],
    ['rules.retryRateWindowSeconds 1.5e9', { rules: { retryRateWindowSeconds: 1.5e9 } }, 'rules.retryRateWindowSeconds'],
    ['minDurationSeconds 0', { minDurationSeconds: 0 }, 'minDurationSeconds'],
    ['minDurationSeconds -3', { minDurationSeconds: -3 }, 'minDurationSeconds'],
    ['minDurationSeconds NaN', { minDurationSeconds: Number.NaN }, 'minDurationSeconds'],
    ['minIntervalSeconds Infinity', { minIntervalSeconds: Number.POSITIVE_INFINITY }, 'minIntervalSeconds'],
    ['minIntervalSeconds "1h"', { minIntervalSeconds: '1h' }, 'minIntervalSeconds'],
    ['stallSeconds 0', { stallSeconds: 0 }, 'stallSeconds'],
    ['stallSeconds 1e15', { stallSeconds: 1e15 }, 'stallSeconds'],
    ['stallSeconds null', { stallSeconds: null }, 'stallSeconds'],
    ['rules.utilizationStreakRuns 0', { rules: { utilizationStreakRuns: 0 } }, 'rules.utilizationStreakRuns'],
    ['rules.utilizationStreakRuns 2.5', { rules: { utilizationStreakRuns: 2.5 } }, 'rules.utilizationStreakRuns'],
    ['rules.utilizationStreakRuns 101', { rules: { utilizationStreakRuns: 101 } }, 'rules.utilizationStreakRuns'],
    ['rules.recoveryRuns 0', { rules: { recoveryRuns: 0 } }, 'rules.recoveryRuns'],
    ['rules.recoveryRuns -1', { rules: { recoveryRuns: -1 } }, 'rules.recoveryRuns'],
    ['rules.recoveryRuns "2"', { rules: { recoveryRuns: '2' } }, 'rules.recoveryRuns'],
  ];
  for (const [what, extra, field] of cases) {
    it(`${what} → ${field}`, async () => {
      const e = await slakitErrorOf(sla(extra));
      expect(e.field).toBe(field);
      expect(e.code).toBe('ERR_SLAKIT_INVALID_OPTION');
    });
  }

  it('the config rejects the same values under jobs.<name> and hands valid ones to withSla', async () => {
    const bad = await slakitErrorOf(() =>
      defineConfig({ service: 's', jobs: { j: { budgetSeconds: 60, priority: 'urgent' as never } } }),
    );
    expect(bad.message).toContain('priority');
    const config = defineConfig({
      service: 's',
      jobs: { j: { budgetSeconds: 60, priority: 'high', lateStartSeconds: 20, retryRateThreshold: 0.3 } },
    });
    const o = jobSla(config, 'j');
    expect(o).toMatchObject({ priority: 'high', lateStartSeconds: 20, rules: { retryRateThreshold: 0.3 } });
    expect(() => withSla('j', fn, { ...o, env: {} })).not.toThrow();
  });
});
