// Issue #26 items 7 and 8: secrets in free text (sanitizeMessage) and in logged objects (createLogger), plus the
// places a message leaves the process from core (alert annotations, span exceptions).
import { Writable } from 'node:stream';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import fc from 'fast-check';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createAlerter } from './alerts/alerter.js';
import type { AlertSink } from './alerts/delivery.js';
import type { AlertNotification } from './alerts/model.js';
import { createLogger, recordException, redactSensitive, sanitizeMessage, scrubErrorStack } from './logger.js';
import { createTestTelemetry } from './testing/test-telemetry.js';

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
    raw: () => raw,
    lines: () =>
      raw
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    clear: () => {
      raw = '';
    },
  };
}

describe('sanitizeMessage: the reproductions of issue #26 item 7', () => {
  it('scrubs a query access token, a Stripe key and client_secret from one error message', () => {
    const message =
      'GET https://www.googleapis.com/oauth2/v3/userinfo?access_token=ya29.LIVE-TOKEN&alt=json failed ' +
      '(stripe key sk_live_ABC123) client_secret=CS-987';
    const out = sanitizeMessage(message, 1000);
    for (const secret of ['ya29', 'LIVE-TOKEN', 'sk_live_ABC123', 'ABC123', 'CS-987']) expect(out).not.toContain(secret);
    expect(out).toContain('https://www.googleapis.com/oauth2/v3/userinfo?access_token=');
    expect(out).toContain('&alt=json failed (stripe key');
    expect(out).toContain('client_secret=');
  });

  it.each([
    ['refresh_token: RT', 'refresh_token: [redacted]'],
    ['{"password":"p4ss"}', '{"password":"[redacted]"}'],
    ['PGPASSWORD=pw1 psql failed', 'PGPASSWORD=[redacted] psql failed'],
    ["login failed for password='correct horse battery staple' user=ada", "login failed for password='[redacted]' user=ada"],
    ['client_secret=CS-987', 'client_secret=[redacted]'],
    ['{\\"api_key\\":\\"k-1\\"}', '{\\"api_key\\":\\"[redacted]\\"}'],
    ['x-api-key: abc123, next', 'x-api-key: [redacted], next'],
    ['DB_PASS = hunter2', 'DB_PASS = [redacted]'],
    ['sessionId=s-1; theme=dark', 'sessionId=[redacted]; theme=dark'],
    ['Cookie: sid=abc; csrftoken=def', 'Cookie: [redacted]'],
    [
      'redirect_uri=https%3A%2F%2Fapp%2Fcb%3Faccess_token%3DENC-TOKEN%26x%3D1',
      'redirect_uri=https%3A%2F%2Fapp%2Fcb%3Faccess_token%3D[redacted]%26x%3D1',
    ],
    ['{"password":\n  "multi-line"}', '{"password":\n  "[redacted]"}'],
  ])('%s', (input, expected) => {
    expect(sanitizeMessage(input)).toBe(expected);
  });

  it.each([
    [
      'Slack webhook path',
      'POST https://hooks.slack.com/services/T0001/B0002/XXXXSLACKSECRET → 404',
      ['XXXXSLACKSECRET', 'B0002'],
    ],
    [
      'Telegram bot token',
      'POST https://api.telegram.org/bot123456789:AAH-tele_gramSECRET/sendMessage failed',
      ['AAH-tele_gramSECRET'],
    ],
    ['bearer value', 'upstream said 401 to Authorization: Bearer abc.def-ghi', ['abc.def-ghi']],
    ['bare bearer value', 'retrying with bearer s3cr3t-bearer now', ['s3cr3t-bearer']],
    ['basic value', 'proxy refused Basic dXNlcjpwYXNzd29yZA==', ['dXNlcjpwYXNzd29yZA']],
    ['JWT', 'bad jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl-_x in header', ['eyJzdWIiOiIxMjMifQ', 'c2lnbmF0dXJl']],
    [
      'Stripe test and restricted keys',
      'keys sk_test_4eC39HqLyjWDarjtT1zdp7dc and rk_live_51Habc',
      ['4eC39HqLyjWDarjtT1zdp7dc', '51Habc'],
    ],
    [
      'Slack tokens',
      'slack xoxb-1234-5678-abcdEFGH and xoxp-99-88-zz xoxa-2-x xoxr-3-y',
      ['abcdEFGH', '99-88-zz', 'xoxa-2-x', 'xoxr-3-y'],
    ],
    [
      'GitHub tokens',
      'ghp_16C7e42F292c6912E7710c838347Ae178B4a gho_abcDEF123 github_pat_11ABC_def',
      ['16C7e42F292c', 'abcDEF123', '11ABC_def'],
    ],
    [
      'AWS keys',
      'AKIAIOSFODNN7EXAMPLE / ASIAY34FZKBOKMUTVV7A aws_secret_access_key=wJalrXUtnFEMI/K7MDENG',
      ['IOSFODNN7EXAMPLE', 'Y34FZKBOKMUTVV7A', 'wJalrXUtnFEMI'],
    ],
    ['Google access token', 'token ya29.a0AfH6SMBx-live_one expired', ['a0AfH6SMBx-live_one']],
    ['URL credentials with an @ in the password', 'connect postgres://app:p@ss@db.internal:5432/app failed', ['p@ss', 'ss@db']],
    ['URL credentials (Redis, no user)', 'redis://:R3disPw@cache:6379 ECONNREFUSED', ['R3disPw']],
    [
      'Azure SAS and S3 presigned query',
      'GET /blob?sv=2020&sig=SASsig%2Bxyz&se=1 and ?X-Amz-Credential=AKID%2F2026&X-Amz-Signature=abcdef01',
      ['SASsig', 'AKID', 'abcdef01'],
    ],
  ])('%s', (_name, input, secrets) => {
    const out = sanitizeMessage(input, 1000);
    for (const s of secrets) expect(out).not.toContain(s);
  });

  it('keeps ordinary text, route templates and host names', () => {
    for (const text of [
      'connect ECONNREFUSED 127.0.0.1:5432',
      'GET /users/:id 500',
      'job cleanup_pdfs failed after 3 attempts: timeout after 30s',
      'postgres://db.internal:5432/app unreachable',
      'value out of range: 42 (expected 0..10)',
      'The author wrote a passage about compasses',
    ]) {
      expect(sanitizeMessage(text, 1000)).toBe(text);
    }
  });

  it('never throws, whatever it is given, and still truncates', () => {
    expect(sanitizeMessage(Object.create(null))).toBe('[unprintable]');
    expect(
      sanitizeMessage({
        toString() {
          throw new Error('no');
        },
      }),
    ).toBe('[unprintable]');
    expect(sanitizeMessage(undefined)).toBe('');
    expect(sanitizeMessage(Symbol('s'))).toBe('Symbol(s)');
    expect(sanitizeMessage('x'.repeat(500), 50)).toHaveLength(50);
  });
});

// Generators of the secret shapes the scrubber knows; each yields [the text to plant, the part that must not survive].
const secretBody = fc.stringMatching(/^[A-Za-z0-9]{12,24}$/).map((s) => `Z9${s}`);
const plantedSecret: fc.Arbitrary<[string, string]> = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(
        'password',
        'PGPASSWORD',
        'client_secret',
        'refresh_token',
        'access_token',
        'apiKey',
        'api-key',
        'x-auth-token',
        'sessionid',
        'credentials',
        'X-Hub-Signature-256',
        'db.pass',
        'Authorization',
      ),
      fc.constantFrom('=', ': ', ' = ', ':'),
      fc.constantFrom('', '"', "'"),
      secretBody,
    )
    .map(([k, sep, q, v]): [string, string] => [`${k}${sep}${q}${v}${q}`, v]),
  secretBody.map((v): [string, string] => [`{"token":"${v}"}`, v]),
  secretBody.map((v): [string, string] => [`'secret': '${v} with spaces'`, v]),
  secretBody.map((v): [string, string] => [`https://user:${v}@example.com/x`, v]),
  secretBody.map((v): [string, string] => [`https://api.example.com/cb?code=1&access_token=${v}&x=1`, v]),
  secretBody.map((v): [string, string] => [`Bearer ${v}`, v]),
  secretBody.map((v): [string, string] => [`basic ${v}==`, v]),
  fc.tuple(secretBody, secretBody).map(([a, b]): [string, string] => [`eyJ${a}.eyJ${b}.${a}`, b]),
  fc
    .tuple(
      fc.constantFrom('sk_live_', 'sk_test_', 'rk_live_', 'xoxb-', 'xoxp-', 'ghp_', 'gho_', 'github_pat_', 'ya29.'),
      secretBody,
    )
    .map(([p, v]): [string, string] => [`${p}${v}`, v]),
  fc.stringMatching(/^[A-Z2-7]{16}$/).map((v): [string, string] => [`AKIA${v}`, v]),
  secretBody.map((v): [string, string] => [`aws_secret_access_key ${v}`, v]),
  secretBody.map((v): [string, string] => [`https://hooks.slack.com/services/T1/B2/${v}`, v]),
  secretBody.map((v): [string, string] => [`https://api.telegram.org/bot12345:${v}/getMe`, v]),
);
// Plain text: words and punctuation that cannot form a secret shape (no keyword, no "://", no token prefix).
const plainWord = fc.constantFrom(
  'job',
  'failed',
  'after',
  '3',
  'attempts',
  'connect',
  'ECONNREFUSED',
  '127.0.0.1:5432',
  '/users/:id',
  'timeout',
  '(code',
  '42)',
  'value',
  'ok,',
  'x=1',
  'rows:',
  '[batch]',
  'émoji-✓',
  '{"id":7}',
);
const plainText = fc.array(plainWord, { maxLength: 12 }).map((w) => w.join(' '));

describe('sanitizeMessage properties (fast-check)', () => {
  it('no planted secret survives, wherever it sits in ordinary text', () => {
    fc.assert(
      fc.property(
        plainText,
        plantedSecret,
        plainText,
        fc.constantFrom(' ', '\n', ', ', ' (', '\t'),
        (before, [planted, body], after, gap) => {
          const out = sanitizeMessage(`${before}${gap}${planted}${gap}${after}`, 100_000);
          expect(out).not.toContain(body);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('is idempotent: scrubbing scrubbed text changes nothing (ops re-sanitises what the ledger stored sanitised)', () => {
    fc.assert(
      fc.property(plainText, fc.array(plantedSecret, { minLength: 1, maxLength: 3 }), (text, secrets) => {
        const once = sanitizeMessage(`${text} ${secrets.map(([p]) => p).join(' ; ')} ${text}`, 100_000);
        expect(sanitizeMessage(once, 100_000)).toBe(once);
      }),
      { numRuns: 1000 },
    );
    const bearer = sanitizeMessage('Authorization: Bearer abc');
    expect(sanitizeMessage(bearer)).toBe(bearer);
  });

  it('ordinary text comes out unchanged', () => {
    fc.assert(
      fc.property(plainText, (text) => {
        expect(sanitizeMessage(text, 100_000)).toBe(text);
      }),
      { numRuns: 1000 },
    );
  });

  it('any string: never throws, never grows past max, keeps text without key words intact', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000, unit: 'binary' }), fc.integer({ min: 4, max: 3000 }), (s, max) => {
        const out = sanitizeMessage(s, max);
        expect(out.length).toBeLessThanOrEqual(max);
        const whole = sanitizeMessage(s, 100_000);
        if (!/[=:@]|%3d|bearer|basic|eyJ|_|xox|xapp|AKIA|ASIA|AIza|ya29|hooks|bot/i.test(s)) expect(whole).toBe(s);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('logger: redaction by key pattern at any depth (issue #26 item 8)', () => {
  it('redacts the reproduction object: nested err.config.headers.Authorization, apiKey, access_token, …', () => {
    const out = capture();
    const logger = createLogger({ destination: out.destination });
    logger.info(
      {
        err: { config: { headers: { Authorization: 'Bearer AXIOS-SECRET' } } },
        apiKey: 'APIKEY-1',
        access_token: 'AT-2',
        api_key: 'APIKEY-3',
        client_secret: 'CS-4',
        pass: 'PASS-5',
        keep: 'visible',
      },
      'request failed',
    );
    for (const s of ['AXIOS-SECRET', 'APIKEY-1', 'AT-2', 'APIKEY-3', 'CS-4', 'PASS-5']) expect(out.raw()).not.toContain(s);
    const line = out.lines()[0] ?? {};
    expect(line.keep).toBe('visible');
    expect(line.apiKey).toBe('[Redacted]');
  });

  it("redacts an Error's own properties, nested causes, and scrubs its message and stack", () => {
    const out = capture();
    const logger = createLogger({ destination: out.destination });
    const cause = Object.assign(new Error('inner with token=CAUSE-TOKEN'), { secret: 'CAUSE-SECRET' });
    const err = Object.assign(new Error('connect postgres://app:DSN-PASSWORD@db:5432/app failed', { cause }), {
      config: { headers: { authorization: 'Bearer ERR-BEARER', 'x-goog-api-key': 'GOOG-KEY' } },
      password: 'ERR-PASSWORD',
      code: 'ECONNREFUSED',
    });
    logger.error(err);
    logger.error({ err }, 'with err key');
    logger.error({ nested: { failure: err } }, 'nested');
    logger.error({ list: [err] }, 'in a list');
    const raw = out.raw();
    for (const s of ['DSN-PASSWORD', 'ERR-BEARER', 'GOOG-KEY', 'ERR-PASSWORD', 'CAUSE-TOKEN', 'CAUSE-SECRET']) {
      expect(raw).not.toContain(s);
    }
    const [first, second] = out.lines();
    const e = first?.err as Record<string, unknown>;
    expect(e.type).toBe('Error');
    expect(e.code).toBe('ECONNREFUSED');
    expect(e.message).toContain('postgres://[redacted]@db:5432/app failed');
    expect(String(e.stack)).toContain('at ');
    expect(first?.msg).toBe('connect postgres://[redacted]@db:5432/app failed');
    expect((second?.err as Record<string, unknown> | undefined)?.code).toBe('ECONNREFUSED');
  });

  it('scrubs secrets interpolated into the message text', () => {
    const out = capture();
    createLogger({ destination: out.destination }).warn('sink failed: POST https://hooks.slack.com/services/T1/B2/HOOKSECRET');
    expect(out.raw()).not.toContain('HOOKSECRET');
  });

  it('redacts deep keys (beyond the old depth of 3), keeps the caller objects intact, survives cycles', () => {
    const out = capture();
    const logger = createLogger({ destination: out.destination });
    const deep = { a: { b: { c: { d: { password: 'DEEP-5' } } } }, e: 1 };
    const cyclic: Record<string, unknown> = { name: 'loop', token: 'CYCLE-TOKEN' };
    cyclic.self = cyclic;
    cyclic.child = { parent: cyclic, refresh_token: 'CYCLE-RT' };
    logger.info({ deep, cyclic });
    expect(out.raw()).not.toContain('DEEP-5');
    expect(out.raw()).not.toContain('CYCLE-TOKEN');
    expect(out.raw()).not.toContain('CYCLE-RT');
    expect(deep.a.b.c.d.password).toBe('DEEP-5');
    expect(cyclic.token).toBe('CYCLE-TOKEN');
  });

  it('bounds the work on huge objects and arrays without letting their secrets through', () => {
    const out = capture();
    const logger = createLogger({ destination: out.destination, redact: ['ssn'] });
    const wide: Record<string, unknown> = {};
    for (let i = 0; i < 5000; i++) wide[`k${i}`] = i;
    wide.zz_password = 'WIDE-PW';
    const long = Array.from({ length: 50_000 }, (_, i) => ({ i }));
    long.push({ token: 'LONG-TOKEN' } as never);
    logger.info({ nested: { wide, long, ssn: '123-45-6789' } }, 'huge');
    const raw = out.raw();
    for (const s of ['WIDE-PW', 'LONG-TOKEN', '123-45-6789']) expect(raw).not.toContain(s);
    expect(out.lines()).toHaveLength(1);
    expect(wide.zz_password).toBe('WIDE-PW');
  });

  it('applies the same redaction when wrapping a host pino logger', () => {
    const out = capture();
    const logger = createLogger({ logger: pino(out.destination) });
    logger.error(Object.assign(new Error('token=HOST-T1'), { x_auth_token: 'HOST-T2' }));
    logger.info({ headers: { 'x-amz-security-token': 'HOST-T3' } }, 'Bearer HOST-T4');
    for (const s of ['HOST-T1', 'HOST-T2', 'HOST-T3', 'HOST-T4']) expect(out.raw()).not.toContain(s);
  });

  it('covers the other ways a secret reaches a line: printf arguments, child bindings, URL objects, rawHeaders', () => {
    const out = capture();
    const logger = createLogger({ destination: out.destination });
    logger.info('login with password=%s failed', 'FMT-PW');
    logger.child({ apiKey: 'CHILD-KEY', job: 'sync' }).info('child line');
    logger.info({ target: new URL('https://user:URL-PW@example.com/path?access_token=URL-TOKEN') }, 'url object');
    logger.info({ req: { rawHeaders: ['Host', 'example.com', 'Authorization', 'Bearer RAW-AUTH', 'X-Auth-Token', 'RAW-TOK'] } });
    logger.info({ msg: 'token=MSG-PROP' });
    logger.info({ databaseUrl: 'postgres://app:DBURL-PW@db/app', connectionString: 'redis://:CONN-PW@cache' });
    const raw = out.raw();
    for (const s of ['FMT-PW', 'CHILD-KEY', 'URL-PW', 'URL-TOKEN', 'RAW-AUTH', 'RAW-TOK', 'MSG-PROP', 'DBURL-PW', 'CONN-PW'])
      expect(raw).not.toContain(s);
    expect(raw).toContain('"job":"sync"');
    expect(out.lines()[1]?.pid).toBe(process.pid);
    expect(raw).toContain('example.com');
  });

  it('never throws, not even on a throwing getter, a Proxy or a frozen error', () => {
    const out = capture();
    const logger = createLogger({ destination: out.destination });
    const hostile = {
      get boom() {
        throw new Error('getter');
      },
    };
    Object.defineProperty(hostile, 'boom', { enumerable: true });
    const proxy = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('trap');
        },
      },
    );
    const frozen = Object.freeze(Object.assign(new Error('frozen token=FROZEN-T'), { password: 'FROZEN-PW' }));
    expect(() => {
      logger.info({ hostile }, 'hostile');
      logger.info({ proxy }, 'proxy');
      logger.error(frozen);
      logger.error({ err: frozen }, 'frozen');
    }).not.toThrow();
    expect(out.lines()).toHaveLength(4);
    expect(out.raw()).not.toContain('FROZEN-T');
    expect(out.raw()).not.toContain('FROZEN-PW');
  });

  it('redactSensitive: matches keys by pattern and keeps unmatched objects by identity', () => {
    const clean = { a: 1, b: { c: [1, 2] } };
    expect(redactSensitive(clean, new Set())).toBe(clean);
    const dirty = { user: { name: 'ada', client_secret: 'x' }, list: [{ Authentication: 'y' }] };
    expect(redactSensitive(dirty, new Set())).toEqual({
      user: { name: 'ada', client_secret: '[Redacted]' },
      list: [{ Authentication: '[Redacted]' }],
    });
  });
});

// Property suite: random objects with keys drawn from secret-like and plain names, Errors with own properties.
const SECRET_KEYS = [
  'password',
  'passwd',
  'pass',
  'PGPASSWORD',
  'client_secret',
  'secretKey',
  'token',
  'access_token',
  'refreshToken',
  'x-auth-token',
  'apiKey',
  'api_key',
  'x-api-key',
  'Authorization',
  'authentication',
  'proxy-authorization',
  'credentials',
  'sessionId',
  'x-hub-signature-256',
  'cookie',
  'set-cookie',
];
const PLAIN_KEYS = ['id', 'name', 'status', 'route', 'count', 'items', 'config', 'headers', 'data', 'meta', 'cause', 'level2'];
let planted = 0;
const secretValue = fc.constant(null).map(() => `PLANTED${planted++}SECRET`);
const plainValue = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.constantFrom('alpha', 'beta', 'GET /users/:id', 'ok'),
  fc.constant(null),
);
interface Tree {
  value: unknown;
  secrets: string[];
  plain: string[];
}
const makeTree = (maxDepth: number): fc.Arbitrary<Tree> =>
  fc.letrec<{ node: Tree }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', maxDepth },
      plainValue.map((v) => ({ value: v, secrets: [], plain: typeof v === 'string' ? [v] : [] })),
      fc
        .uniqueArray(
          fc.oneof(
            fc
              .tuple(fc.constantFrom(...SECRET_KEYS), secretValue)
              .map(([k, v]) => ({ k, t: { value: v, secrets: [v], plain: [] } })),
            fc.tuple(fc.constantFrom(...PLAIN_KEYS), tie('node')).map(([k, t]) => ({ k, t })),
          ),
          { maxLength: 5, selector: (e) => e.k },
        )
        .chain((entries) =>
          fc.constantFrom('object', 'array', 'error').map((shape) => {
            const secrets = entries.flatMap((e) => e.t.secrets);
            const plain = entries.flatMap((e) => e.t.plain);
            if (shape === 'array') return { value: entries.map((e) => ({ [e.k]: e.t.value })), secrets, plain };
            const target: Record<string, unknown> = (shape === 'error' ? new Error('boom') : {}) as Record<string, unknown>;
            for (const e of entries) target[e.k] = e.t.value;
            return { value: target, secrets, plain };
          }),
        ),
    ),
  })).node;
// pino prints 5 levels (deeper objects as "[Object]"): plain values are checked in trees that fit; secrets at any depth.
const shallowTree = makeTree(1);
const deepTree = makeTree(6);

describe('logger properties (fast-check)', () => {
  it('no planted secret reaches the output, plain values survive, logging never throws', () => {
    const out = capture();
    const logger = createLogger({ destination: out.destination });
    fc.assert(
      fc.property(shallowTree, fc.constantFrom('info', 'error'), (t, level) => {
        out.clear();
        const value = t.value;
        if (value instanceof Error) logger[level](value);
        else logger[level]({ payload: value }, 'line');
        const raw = out.raw();
        for (const s of t.secrets) expect(raw).not.toContain(s);
        for (const p of t.plain) expect(raw).toContain(JSON.stringify(p).slice(1, -1));
        expect(() => JSON.parse(raw)).not.toThrow();
      }),
      { numRuns: 1000 },
    );
  });

  it('deep trees (past every depth limit): no planted secret reaches the output', () => {
    const out = capture();
    const logger = createLogger({ destination: out.destination });
    fc.assert(
      fc.property(deepTree, (t) => {
        out.clear();
        logger.warn({ payload: t.value, wrapped: [t.value] }, 'deep');
        for (const s of t.secrets) expect(out.raw()).not.toContain(s);
      }),
      { numRuns: 1000 },
    );
  });

  it('fc.anything(): never throws, always writes one JSON line', () => {
    const out = capture();
    const logger = createLogger({ destination: out.destination });
    fc.assert(
      fc.property(
        fc.anything({ withBoxedValues: true, withMap: true, withSet: true, withObjectString: true, withNullPrototype: true }),
        (v) => {
          out.clear();
          logger.info({ v }, 'any');
          expect(out.raw().split('\n').filter(Boolean)).toHaveLength(1);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('span exceptions and alert annotations carry no secrets (issue #26 item 7)', () => {
  it('recordException() records a scrubbed message and stack, for any thrown value', () => {
    const exporter = new InMemorySpanExporter();
    const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer('t');
    const thrown: unknown[] = [
      new Error('connect postgres://app:SPAN-DSN-PW@db/app failed'),
      'password=SPAN-STRING-PW',
      undefined,
      null,
      Object.create(null),
      { message: 'token: SPAN-OBJ-TOKEN', name: 'Custom' },
    ];
    for (const t of thrown) {
      const span = tracer.startSpan('s');
      recordException(span, t);
      span.end();
    }
    const events = exporter.getFinishedSpans().map((s) => s.events[0]);
    expect(events).toHaveLength(thrown.length);
    const text = JSON.stringify(events);
    for (const s of ['SPAN-DSN-PW', 'SPAN-STRING-PW', 'SPAN-OBJ-TOKEN']) expect(text).not.toContain(s);
    expect(events[0]?.attributes?.['exception.message']).toBe('connect postgres://[redacted]@db/app failed');
    expect(events[0]?.attributes?.['exception.type']).toBe('Error');
  });

  const kits: ReturnType<typeof createTestTelemetry>[] = [];
  afterEach(async () => {
    await Promise.all(kits.splice(0).map((k) => k.close()));
  });

  it('alert annotations and string values are scrubbed before any sink sees them', async () => {
    const kit = createTestTelemetry();
    kits.push(kit);
    const received: AlertNotification[] = [];
    const sink: AlertSink = {
      name: 'chat',
      kind: 'chat',
      delivery: { retries: 0 },
      async send(n) {
        received.push(n);
      },
    };
    const alerter = createAlerter({ sinks: [sink], telemetry: kit.telemetry, routes: { warning: ['chat'] } } as never);
    alerter.fire({
      labels: { alertname: 'JobFailed', severity: 'warning', job: 'sync' },
      annotations: {
        summary: 'sync failed: PGPASSWORD=ALERT-PW1',
        description: 'GET https://x.example/cb?access_token=ya29.ALERT-TOKEN failed',
        runbook_url: 'https://runbooks.example/sync',
      },
      values: { last_error: 'client_secret=ALERT-CS', count: 3 },
    });
    await alerter.close();
    expect(received.length).toBeGreaterThan(0);
    const text = JSON.stringify(received) + JSON.stringify(alerter.active());
    for (const s of ['ALERT-PW1', 'ALERT-TOKEN', 'ALERT-CS']) expect(text).not.toContain(s);
    expect(received[0]?.annotations.runbook_url).toBe('https://runbooks.example/sync');
    expect(received[0]?.values.count).toBe(3);
  });
});

describe('scrubErrorStack', () => {
  it('scrubs the message in the stack header, keeps the frames, and scrubs a stack whose header no longer matches', () => {
    const err = new Error('connect postgres://app:STACK-PW@db failed\n    at token=STACK-FAKE-FRAME');
    const out = scrubErrorStack(err);
    for (const s of ['STACK-PW', 'STACK-FAKE-FRAME']) expect(out).not.toContain(s);
    const frames = (err.stack as string).split('\n').slice(2);
    expect(out.split('\n').slice(2)).toEqual(frames);
    const changed = new Error('first');
    changed.message = 'later password=STACK-LATER';
    changed.stack = `Error: set by hand token=STACK-HAND\n    at x (/srv/a.js:1:1)`;
    expect(scrubErrorStack(changed)).not.toContain('STACK-HAND');
    const clean = new Error('plain');
    expect(scrubErrorStack(clean)).toBe(clean.stack);
    expect(scrubErrorStack({})).toBe('');
  });
});
