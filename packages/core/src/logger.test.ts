import { Writable } from 'node:stream';
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { cachedIsoTimestamp, createLogger, isoTimestamp, rateLimitedLog } from './logger.js';

function capture() {
  let raw = '';
  const destination = new Writable({
    write(chunk: Buffer, _e, done) {
      raw += chunk.toString();
      done();
    },
  });
  return {
    destination,
    lines: () =>
      raw
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    raw: () => raw,
  };
}

const secrets = {
  password: 'hunter2-password',
  token: 'tok-123456',
  secret: 'shh-secret',
  authorization: 'Bearer abc.def.ghi',
  req: {
    headers: {
      authorization: 'Bearer nested-token',
      cookie: 'sid=cookie-value',
      'x-api-key': 'key-999',
      'proxy-authorization': 'Basic proxy-cred',
    },
  },
  res: { headers: { 'set-cookie': ['sid=set-cookie-value'] } },
  user: { password: 'user-password', name: 'ada' },
};
const secretValues = [
  'hunter2-password',
  'tok-123456',
  'shh-secret',
  'abc.def.ghi',
  'nested-token',
  'cookie-value',
  'key-999',
  'proxy-cred',
  'set-cookie-value',
  'user-password',
];

describe('createLogger', () => {
  const manager = new AsyncLocalStorageContextManager().enable();
  const tracer = new BasicTracerProvider().getTracer('t');

  it('adds service fields and the active span ids to lines written inside a span', () => {
    const out = capture();
    const logger = createLogger({
      serviceName: 'billing',
      serviceVersion: '1.2.0',
      environment: 'prod',
      destination: out.destination,
      context: manager,
    });
    const span = tracer.startSpan('work');
    manager.with(trace.setSpan(ROOT_CONTEXT, span), () => logger.info('inside'));
    span.end();
    logger.info('outside');
    const [inside, outside] = out.lines();
    const sc = span.spanContext();
    expect(inside).toMatchObject({
      service: 'billing',
      version: '1.2.0',
      environment: 'prod',
      msg: 'inside',
      trace_id: sc.traceId,
      span_id: sc.spanId,
      trace_flags: '01',
    });
    expect(outside?.trace_id).toBeUndefined();
    expect(outside?.service).toBe('billing');
  });

  it('carries span ids across awaits inside the span', async () => {
    const out = capture();
    const logger = createLogger({ destination: out.destination, context: manager });
    const span = tracer.startSpan('async');
    await manager.with(trace.setSpan(ROOT_CONTEXT, span), async () => {
      await new Promise((r) => setTimeout(r, 5));
      logger.info('after await');
    });
    expect(out.lines()[0]?.trace_id).toBe(span.spanContext().traceId);
  });

  it('redacts credentials at the top level and nested, never printing them', () => {
    const out = capture();
    const logger = createLogger({ destination: out.destination });
    logger.info(secrets, 'request');
    for (const value of secretValues) expect(out.raw()).not.toContain(value);
    const line = out.lines()[0] ?? {};
    expect(line.password).toBe('[Redacted]');
    expect((line.req as { headers: Record<string, unknown> }).headers.authorization).toBe('[Redacted]');
    expect((line.user as Record<string, unknown>).name).toBe('ada');
  });

  it('redacts extra keys on request', () => {
    const out = capture();
    createLogger({ destination: out.destination, redact: ['ssn'] }).info({ ssn: '123-45-6789', keep: 1 });
    expect(out.raw()).not.toContain('123-45-6789');
    expect(out.lines()[0]?.keep).toBe(1);
  });

  it("wraps the host's pino logger with the same fields, trace ids and redaction", () => {
    const out = capture();
    const host = pino({ level: 'debug' }, out.destination);
    const logger = createLogger({ logger: host, serviceName: 'svc', context: manager });
    const span = tracer.startSpan('h');
    manager.with(trace.setSpan(ROOT_CONTEXT, span), () => logger.debug(secrets, 'host line'));
    for (const value of secretValues) expect(out.raw()).not.toContain(value);
    expect(out.lines()[0]).toMatchObject({ service: 'svc', msg: 'host line', trace_id: span.spanContext().traceId });
  });

  it('rejects an unknown level', () => {
    expect(() => createLogger({ level: 'verbose' })).toThrowError(
      expect.objectContaining({ code: 'ERR_SLAKIT_INVALID_OPTION', field: 'level' }),
    );
  });
});

describe('rateLimitedLog', () => {
  it('logs once per interval per key', () => {
    let now = 0;
    const calls: string[] = [];
    const limited = rateLimitedLog(1000, () => now);
    limited('a', () => calls.push('a1'));
    limited('a', () => calls.push('a2'));
    limited('b', () => calls.push('b1'));
    now = 1000;
    limited('a', () => calls.push('a3'));
    limited('a', () => {
      throw new Error('broken logger');
    });
    expect(calls).toEqual(['a1', 'b1', 'a3']);
  });
});

describe('sanitizeMessage', () => {
  it('removes credentials from URLs and key=value pairs, and truncates', async () => {
    const { sanitizeMessage } = await import('./logger.js');
    expect(sanitizeMessage('connect to postgres://app:s3cret@db:5432/x failed')).toBe(
      'connect to postgres://[redacted]@db:5432/x failed',
    );
    expect(sanitizeMessage('bad password=hunter2; token: abc123')).toBe('bad password=[redacted]; token: [redacted]');
    expect(sanitizeMessage('x'.repeat(500), 50)).toHaveLength(50);
  });
});

describe('redactSensitive', () => {
  it('copies only what it redacts, is case-insensitive, and leaves clean objects untouched', async () => {
    const { redactSensitive } = await import('./logger.js');
    const keys = new Set(['authorization', 'password']);
    const clean = { a: 1, b: { c: [1, 2] } };
    expect(redactSensitive(clean, keys)).toBe(clean);
    const dirty = { user: { name: 'ada', Password: 'x' }, list: [{ authorization: 'y' }], keep: { z: 1 } };
    const out = redactSensitive(dirty, keys);
    expect(out).toEqual({
      user: { name: 'ada', Password: '[Redacted]' },
      list: [{ authorization: '[Redacted]' }],
      keep: { z: 1 },
    });
    expect(out.keep).toBe(dirty.keep);
    expect(dirty.user.Password).toBe('x'); // the caller's object is not mutated
    // Any depth (issue #26): the old limit of 3 levels let `a.b.c.password` through.
    expect(redactSensitive({ a: { b: { c: { password: 'deep' } } } }, keys)).toEqual({
      a: { b: { c: { password: '[Redacted]' } } },
    });
  });
});

describe('isoTimestamp', () => {
  it("renders the same text as pino's isoTime across second, minute, year and millisecond-width boundaries", () => {
    const starts = [0, 999, 1000, 1_764_547_199_998, Date.UTC(2026, 11, 31, 23, 59, 59, 990), Date.UTC(10000, 0, 1) - 5];
    for (const start of starts) {
      for (let now = start; now < start + 1_200; now += 7) {
        expect(isoTimestamp(now)).toBe(`,"time":"${new Date(now).toISOString()}"`);
      }
    }
    // Going back in time (clock adjustments) re-renders the prefix.
    expect(isoTimestamp(86_400_000)).toBe(`,"time":"${new Date(86_400_000).toISOString()}"`);
    expect(isoTimestamp(5)).toBe(',"time":"1970-01-01T00:00:00.005Z"');
  });

  it('cachedIsoTimestamp(): the same text, its per-second prefix kept per function', () => {
    const starts = [0, 999, 1000, 1_764_547_199_998, Date.UTC(2026, 11, 31, 23, 59, 59, 990), Date.UTC(10000, 0, 1) - 5];
    const a = cachedIsoTimestamp();
    const b = cachedIsoTimestamp();
    for (const start of starts) {
      for (let now = start; now < start + 1_200; now += 7) {
        expect(a(now)).toBe(`,"time":"${new Date(now).toISOString()}"`);
      }
    }
    // Going back in time (clock adjustments) re-renders the prefix; another function has its own.
    expect(a(86_400_000)).toBe(`,"time":"${new Date(86_400_000).toISOString()}"`);
    expect(b(5)).toBe(',"time":"1970-01-01T00:00:00.005Z"');
    expect(a(5)).toBe(',"time":"1970-01-01T00:00:00.005Z"');
    const before = Date.now();
    expect(Date.parse(a().slice(9, -1))).toBeGreaterThanOrEqual(before);
  });

  it("is the loggers' time field", () => {
    const out = capture();
    const before = Date.now();
    createLogger({ destination: out.destination }).info('x');
    const time = Date.parse(out.lines()[0]?.time as string);
    expect(time).toBeGreaterThanOrEqual(before);
    expect(time).toBeLessThanOrEqual(Date.now());
    expect(out.raw()).toMatch(/"time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"/);
  });
});
