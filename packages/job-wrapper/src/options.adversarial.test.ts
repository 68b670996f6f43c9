import { defineConfig, jobSla } from '@slakit/core';
import { describe, expect, it } from 'vitest';
import { expectNoSecret, slakitErrorOf } from '../../../test-support/slakit-errors.js';
import { memoryLeases } from './memory-leases.js';
import { postgresLeases } from './postgres-leases.js';
import { postgresLedger } from './postgres-ledger.js';
import { postgresQueueProbe, watchQueue } from './queue.js';
import { redisLeases } from './redis-leases.js';
import { schedule } from './schedule.js';
import { pushgatewayPush } from './short-lived.js';
import { withSla } from './with-sla.js';

const fn = async () => undefined;

describe('item 9: option errors of job-wrapper never echo a secret', () => {
  it('postgresLeases({ connectionString }) (pool options instead of a Pool)', async () => {
    const e = await slakitErrorOf(() => postgresLeases({ connectionString: 'postgres://app:Sup3rS3cret@db:5432/app' } as never));
    expect(e.field).toBe('pool');
    expect(e.message).toContain('postgres://app:***@db:5432/app');
    expectNoSecret(e, 'Sup3rS3cret');
  });

  it('postgresLedger({ host, password }) (client config instead of a Pool)', async () => {
    const e = await slakitErrorOf(() => postgresLedger({ host: 'db', user: 'app', password: 'L3dgerPass' } as never));
    expectNoSecret(e, 'L3dgerPass');
  });

  it('redisLeases(url) (a Redis URL instead of a client)', async () => {
    const e = await slakitErrorOf(() => redisLeases('rediss://default:Le4seRedisPass@cache:6380' as never));
    expect(e.message).toContain('rediss://default:***@cache:6380');
    expectNoSecret(e, 'Le4seRedisPass');
  });

  it('redisLeases({ password }) (ioredis options instead of a client)', async () => {
    const e = await slakitErrorOf(() => redisLeases({ host: 'cache', password: 'Opt1onPass', tls: {} } as never));
    expectNoSecret(e, 'Opt1onPass');
  });

  it('pushgatewayPush({ url }) with credentials and a non-http scheme', async () => {
    const e = await slakitErrorOf(() => pushgatewayPush({ url: 'ftp://push:PushS3cret@gateway:9091' }));
    expect(e.field).toBe('url');
    expectNoSecret(e, 'PushS3cret');
  });

  it('pushgatewayPush({ headers }) with a non-string header value', async () => {
    const e = await slakitErrorOf(() =>
      pushgatewayPush({
        url: 'http://gateway:9091',
        headers: { authorization: 'Basic dXNlcjpIM2FkZXJQYXNz', retry: 1 } as never,
      }),
    );
    expectNoSecret(e, 'dXNlcjpIM2FkZXJQYXNz');
  });
});

describe('item 18: job-wrapper options are validated like the config', () => {
  it('withSla(…, { budgetSecond: 5 }) is an unknown option with a did-you-mean', async () => {
    const e = await slakitErrorOf(() => withSla('job', fn, { budgetSecond: 5 } as never));
    expect(e.code).toBe('ERR_SLAKIT_UNKNOWN_OPTION');
    expect(e.field).toBe('budgetSecond');
    expect(e.message).toContain('did you mean budgetSeconds?');
  });

  it('withSla(…, { ledgerTimeoutMs: -5 }) is refused', async () => {
    const e = await slakitErrorOf(() => withSla('job', fn, { budgetSeconds: 5, ledgerTimeoutMs: -5 }));
    expect(e.field).toBe('ledgerTimeoutMs');
  });

  it.each([
    ['ledgerTimeoutMs', Number.NaN],
    ['leaseTimeoutMs', Number.POSITIVE_INFINITY],
    ['dryRun', 'yes'],
    ['recommendedAction', 5],
    ['runbookUrl', 5],
  ])('withSla(…, { %s: %s }) is refused naming the field', async (key, value) => {
    const e = await slakitErrorOf(() => withSla('job', fn, { budgetSeconds: 5, [key]: value } as never));
    expect(e.field).toBe(key);
  });

  it('rule thresholds are checked with their path (rules.minRuns), NaN by name', async () => {
    const e = await slakitErrorOf(() => withSla('job', fn, { budgetSeconds: 5, rules: { minRuns: 0 } }));
    expect(e.field).toBe('rules.minRuns');
    const nan = await slakitErrorOf(() => withSla('job', fn, { budgetSeconds: 5, rules: { successRateThreshold: Number.NaN } }));
    expect(nan.message).toContain('got NaN');
    const typo = await slakitErrorOf(() => withSla('job', fn, { budgetSeconds: 5, rules: { minRun: 3 } as never }));
    expect(typo.message).toContain('did you mean minRuns?');
  });

  it('the limits of the config and of withSla agree', async () => {
    for (const [key, value] of [
      ['criticalPercent', 5000],
      ['criticalPercent', 1000],
      ['warningPercent', 0],
      ['budgetSeconds', 1e12],
      ['budgetSeconds', 30 * 86400],
    ] as const) {
      const job = { budgetSeconds: 10, warningPercent: 50, [key]: value };
      let configOk = true;
      try {
        defineConfig({ service: 'shop', jobs: { j: job } });
      } catch {
        configOk = false;
      }
      let factoryOk = true;
      try {
        withSla('j', fn, { ...job, env: {} });
      } catch {
        factoryOk = false;
      }
      expect({ key, value, factoryOk }).toEqual({ key, value, factoryOk: configOk });
    }
    const config = defineConfig({ service: 'shop', jobs: { j: { budgetSeconds: 10, criticalPercent: 1000 } } });
    expect(() => withSla('j', fn, { ...jobSla(config, 'j'), env: {} })).not.toThrow();
  });

  it('the other factories refuse unknown keys', async () => {
    const job = withSla('job', fn, { budgetSeconds: 5, env: {} });
    const cases: [() => unknown, string][] = [
      [() => schedule('* * * * *', job, { graceSecond: 5 } as never), 'graceSecond'],
      [() => watchQueue('q', { probe: async () => ({}) as never, interval: 5 } as never), 'interval'],
      [() => memoryLeases({ maxKey: 1 } as never), 'maxKey'],
      [() => postgresLeases({ query: async () => ({ rows: [], rowCount: 0 }) }, { tabel: 'x' } as never), 'tabel'],
      [
        () => postgresQueueProbe({ query: async () => ({ rows: [], rowCount: 0 }) }, { table: 'q', slaHour: 1 } as never),
        'slaHour',
      ],
      [
        () => watchQueue('q', { probe: async () => ({}) as never, thresholds: { depthWarn: 5 } } as never),
        'thresholds.depthWarn',
      ],
    ];
    for (const [call, field] of cases) {
      const e = await slakitErrorOf(call);
      expect(e.code).toBe('ERR_SLAKIT_UNKNOWN_OPTION');
      expect(e.field).toBe(field);
    }
  });
});
