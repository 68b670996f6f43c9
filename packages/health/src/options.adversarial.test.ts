import { describe, expect, it } from 'vitest';
import { expectNoSecret, slakitErrorOf } from '../../../test-support/slakit-errors.js';
import { custom, env, eventLoopDelay, http, postgres, redis } from './checks.js';
import { createHealth } from './health.js';

describe('item 9: health option errors never echo a secret', () => {
  it('postgres({ connectionString }) (pool options instead of a Pool)', async () => {
    const e = await slakitErrorOf(() =>
      postgres({ connectionString: 'postgresql://health:H3althPass@db/app?sslmode=require' } as never),
    );
    expect(e.field).toBe('pool');
    expectNoSecret(e, 'H3althPass');
  });

  it('redis({ password }) (client options instead of a client)', async () => {
    const e = await slakitErrorOf(() => redis({ url: 'redis://:Redi5Pass@cache:6379', password: 'Redi5Pass' } as never));
    expectNoSecret(e, 'Redi5Pass');
  });

  it('http(url, { headers }) with a non-string header value', async () => {
    const e = await slakitErrorOf(() =>
      http('http://svc/health', { headers: { authorization: 'Bearer H3aderT0ken', n: 1 } as never }),
    );
    expect(e.field).toBe('headers');
    expectNoSecret(e, 'H3aderT0ken');
  });
});

describe('item 18: health options are validated', () => {
  it('unknown keys of check factories and of createHealth are refused with a did-you-mean', async () => {
    const check = custom(() => true);
    const cases: [() => unknown, string, string | undefined][] = [
      [() => createHealth({ checks: { c: check }, endpointDeadline: 5 } as never), 'endpointDeadline', 'endpointDeadlineMs'],
      [() => eventLoopDelay({ warnMS: 5 } as never), 'warnMS', 'warnMs'],
      [() => env(['A'], { sorce: {} } as never), 'sorce', 'source'],
      [() => http('http://svc/health', { timeout: 5 } as never), 'timeout', 'timeoutMs'],
    ];
    for (const [call, field, suggestion] of cases) {
      const e = await slakitErrorOf(call);
      expect(e.code).toBe('ERR_SLAKIT_UNKNOWN_OPTION');
      expect(e.field).toBe(field);
      expect(e.message).toContain(`did you mean ${suggestion}?`);
    }
  });

  it('NaN and Infinity deadlines are named as such', async () => {
    const e = await slakitErrorOf(() => eventLoopDelay({ timeoutMs: Number.NaN }));
    expect(e.field).toBe('timeoutMs');
    expect(e.message).toContain('got NaN');
    const inf = await slakitErrorOf(() => eventLoopDelay({ warnMs: Number.POSITIVE_INFINITY }));
    expect(inf.message).toContain('got Infinity');
  });
});
