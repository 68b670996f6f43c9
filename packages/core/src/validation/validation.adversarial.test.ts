import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createAlerter } from '../alerts/alerter.js';
import type { AlertSink } from '../alerts/delivery.js';
import { alertmanagerSink } from '../alerts/sinks/alertmanager.js';
import { webhookSink } from '../alerts/sinks/webhook.js';
import { redisAlertStore } from '../alerts/store.js';
import { jobSchedule, jobSla, queueThresholds } from '../config/runtime.js';
import { defineConfig } from '../config/schema.js';
import { SlakitError } from '../errors.js';
import { createLogger } from '../logger.js';
import { createTelemetry } from '../telemetry.js';

/** Calls `fn`, expects a SlakitError and returns it. */
function thrown(fn: () => unknown): SlakitError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SlakitError);
    return error as SlakitError;
  }
  throw new Error('expected a SlakitError, nothing was thrown');
}

/** Everything an error shows when printed, logged or serialised. */
function printed(error: SlakitError): string {
  let json = '';
  try {
    json = JSON.stringify({ ...error, message: error.message, value: error.value });
  } catch {
    json = '';
  }
  return [error.message, String(error), inspect(error, { depth: 8 }), json, inspect(error.value, { depth: 8 })].join('\n');
}

function expectNoSecret(error: SlakitError, ...secrets: string[]): void {
  const text = printed(error);
  for (const secret of secrets) expect(text).not.toContain(secret);
}

const sink = (name: string, extra: Partial<AlertSink> = {}): AlertSink => ({
  name,
  kind: 'custom',
  send: async () => undefined,
  ...extra,
});

describe('item 9: SlakitError never echoes a secret (message, value, printed form)', () => {
  it('a Redis client given as a URL string with a password', () => {
    const e = thrown(() => redisAlertStore('redis://default:R3disPassw0rd@cache:6379/0' as never));
    expect(e.field).toBe('client');
    expect(e.message).toContain('redis://default:***@cache:6379');
    expectNoSecret(e, 'R3disPassw0rd');
  });

  it('a Redis client given as connection options ({ host, password })', () => {
    const e = thrown(() => redisAlertStore({ host: 'cache', port: 6379, password: 'Opt1onsPass' } as never));
    expect(e.message).toMatch(/"password":"(\[redacted\]|\*\*\*)"/);
    expect(e.value).toMatchObject({ host: 'cache', password: '[redacted]' });
    expectNoSecret(e, 'Opt1onsPass');
  });

  it('an OTLP endpoint with credentials in the URL', () => {
    const e = thrown(() => createTelemetry({ env: {}, traces: { endpoint: 'ftp://otlp:0tlpS3cret@collector:4318/v1/traces' } }));
    expect(e.field).toBe('traces.endpoint');
    expect(e.message).toContain('ftp://otlp:***@collector:4318/v1/traces');
    expectNoSecret(e, '0tlpS3cret');
  });

  it('a sink object without send() that carries a webhook URL with a token and an API key header', () => {
    const bad = {
      name: 'hook',
      url: 'https://hooks.slack.com/services/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',
      headers: { 'x-api-key': 'K3y-Of-The-Hook' },
    };
    const e = thrown(() => createAlerter({ env: {}, sinks: [bad as never] }));
    expect(e.field).toBe('sinks[0].send');
    expectNoSecret(e, 'xoxbWebhookT0kenValue123', 'K3y-Of-The-Hook');
  });

  it('sink headers that are not strings keep their credentials out of the message', () => {
    const e = thrown(() =>
      webhookSink('https://example.com/hook', { headers: { authorization: 'Bearer L1veBearerT0ken', 'x-retry': 3 } as never }),
    );
    expect(e.field).toBe('headers');
    expectNoSecret(e, 'L1veBearerT0ken');
  });

  it('an Alertmanager sink with a PagerDuty-style routing key in an unknown option', () => {
    const e = thrown(() =>
      alertmanagerSink('https://am.example.com', { routingKey: 'R0utingKeyABCDEF0123456789abcdef' } as never),
    );
    expectNoSecret(e, 'R0utingKeyABCDEF0123456789abcdef');
  });

  it('a logger level given as a DSN-looking string with a password', () => {
    const e = thrown(() => createLogger({ level: 'https://sentry:DsnS3cretKey@o1.ingest.sentry.io/42' }));
    expect(e.field).toBe('level');
    expectNoSecret(e, 'DsnS3cretKey');
  });

  it('token shapes in any string value (JWT, sk_live_, ghp_, AWS) are scrubbed', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJlc2lnbmF0dXJl';
    const e = thrown(() =>
      createTelemetry({ env: {}, providers: `${jwt} sk_live_51HABCDEF ghp_0123456789abcdefABCD AKIAABCDEFGHIJKLMNOP` as never }),
    );
    expectNoSecret(e, jwt, 'sk_live_51HABCDEF', 'ghp_0123456789abcdefABCD', 'AKIAABCDEFGHIJKLMNOP');
  });
});

describe('item 12: per-sink delivery options are validated at createAlerter()', () => {
  it.each([
    ['retries', Number.NaN, 'NaN'],
    ['retries', -1, '-1'],
    ['retries', 2.5, '2.5'],
    ['concurrency', 0, '0'],
    ['maxQueue', -5, '-5'],
    ['timeoutMs', '5000', '"5000"'],
    ['timeoutMs', Number.POSITIVE_INFINITY, 'Infinity'],
    ['backoffMs', -1, '-1'],
    ['maxBackoffMs', Number.NaN, 'NaN'],
  ])('delivery.%s = %s → SlakitError naming the field and the accepted range', (key, value, shown) => {
    const e = thrown(() =>
      createAlerter({ env: {}, sinks: [sink('log'), sink('chat', { delivery: { [key]: value } as never })] }),
    );
    expect(e.code).toBe('ERR_SLAKIT_INVALID_OPTION');
    expect(e.field).toBe(`sinks[1].delivery.${key}`);
    expect(e.message).toContain(`sinks[1].delivery.${key} must be`);
    expect(e.message).toContain(`got ${shown}`);
    expect(e.accepted).toMatch(/integer|number/);
  });

  it('an unknown delivery key is reported with a did-you-mean', () => {
    const e = thrown(() => createAlerter({ env: {}, sinks: [sink('chat', { delivery: { retrys: 3 } as never })] }));
    expect(e.code).toBe('ERR_SLAKIT_UNKNOWN_OPTION');
    expect(e.field).toBe('sinks[0].delivery.retrys');
    expect(e.message).toContain('did you mean retries?');
  });

  it('the sink factories validate their delivery options too', () => {
    const e = thrown(() => webhookSink('https://example.com/hook', { delivery: { concurrency: 0 } }));
    expect(e.field).toBe('delivery.concurrency');
  });

  it('valid delivery options are accepted', async () => {
    const alerter = createAlerter({
      env: {},
      sinks: [
        sink('chat', { delivery: { retries: 0, concurrency: 1, maxQueue: 1, timeoutMs: 1, backoffMs: 0, maxBackoffMs: 0 } }),
      ],
    });
    await alerter.close();
  });
});

describe('item 18: unknown keys, NaN/Infinity, config ↔ factory agreement', () => {
  it('createAlerter({ unknownKey }) is refused as an unknown option', () => {
    const e = thrown(() => createAlerter({ env: {}, unknownKey: 1 } as never));
    expect(e.code).toBe('ERR_SLAKIT_UNKNOWN_OPTION');
    expect(e.field).toBe('unknownKey');
  });

  it('a misspelt option gets a did-you-mean (Levenshtein ≤ 2)', () => {
    const e = thrown(() => createAlerter({ env: {}, dedupWindowSecond: 5 } as never));
    expect(e.message).toContain('did you mean dedupWindowSeconds?');
    const far = thrown(() => createAlerter({ env: {}, completelyElse: 5 } as never));
    expect(far.message).not.toContain('did you mean');
  });

  it.each([
    [Number.NaN, 'got NaN'],
    [Number.POSITIVE_INFINITY, 'got Infinity'],
    [Number.NEGATIVE_INFINITY, 'got -Infinity'],
  ])('%s is named as such, never "got null"', (value, shown) => {
    const e = thrown(() => createTelemetry({ env: {}, metrics: { port: value } }));
    expect(e.message).toContain(shown);
    expect(e.message).not.toContain('got null');
  });

  it('the config rejects criticalPercent: 5000 as withSla does (> 1000)', () => {
    const e = thrown(() => defineConfig({ service: 'shop', jobs: { j: { budgetSeconds: 10, criticalPercent: 5000 } } }));
    expect(e.field).toBe('jobs.j.criticalPercent');
    expect(e.message).toContain('≤ 1000');
  });

  it('the config rejects NaN and Infinity budgets by name', () => {
    const e = thrown(() => defineConfig({ service: 'shop', jobs: { j: { budgetSeconds: Number.POSITIVE_INFINITY } } }));
    expect(e.message).toContain('got Infinity');
  });

  it('jobs.__proto__ is refused, not dropped silently', () => {
    const input = JSON.parse('{"service":"shop","jobs":{"__proto__":{"budgetSeconds":10}}}');
    const e = thrown(() => defineConfig(input));
    // the field is the record (`jobs`), the bad key is named in the message
    expect(e.field).toBe('jobs');
    expect(e.message).toContain('got key "__proto__"');
    const queues = JSON.parse('{"service":"shop","queues":{"constructor":{}}}');
    const q = thrown(() => defineConfig(queues));
    expect(q.field).toBe('queues');
    expect(q.message).toContain('got key "constructor"');
  });

  it('jobSla(config, "toString") is an unknown job, not a half-filled object', () => {
    const config = defineConfig({ service: 'shop', jobs: { cleanup: { budgetSeconds: 10 } } });
    for (const name of ['toString', 'constructor', 'hasOwnProperty', '__proto__']) {
      expect(thrown(() => jobSla(config, name)).code).toBe('ERR_SLAKIT_UNKNOWN_REFERENCE');
      expect(thrown(() => jobSchedule(config, name)).code).toBe('ERR_SLAKIT_UNKNOWN_REFERENCE');
      expect(thrown(() => queueThresholds(config, name)).code).toBe('ERR_SLAKIT_UNKNOWN_REFERENCE');
    }
  });

  it('the config names a misspelt key with a did-you-mean', () => {
    const e = thrown(() => defineConfig({ service: 'shop', jobs: { j: { budgetSecond: 10 } } } as never));
    expect(e.message).toContain('jobs.j.budgetSecond is not a known option (did you mean budgetSeconds?)');
  });
});
