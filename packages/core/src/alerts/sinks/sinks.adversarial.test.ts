// Adversarial tests of the HTTP alert sinks (issue #26 items 10 and 11): hostile receivers that redirect, stream
// endless or compressed bodies, trickle bytes, never answer, send broken headers or any status code.
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  httpServer,
  rawServer,
  redirectPair,
  rssMb,
  streamHugeBody,
  type TestServer,
  trackServers,
  trickle,
} from '../../../../../test-support/hostile-http.js';
import { systemClock } from '../../clock.js';
import { SlakitError } from '../../errors.js';
import { createTestTelemetry } from '../../testing/test-telemetry.js';
import { createAlerter } from '../alerter.js';
import { type AlertSink, createDeliverer, type DeliveryOptions, type DeliveryResult } from '../delivery.js';
import type { AlertNotification } from '../model.js';
import { alertmanagerSink } from './alertmanager.js';
import { pagerDutySink } from './pagerduty.js';
import { slackSink } from './slack.js';
import { telegramSink } from './telegram.js';
import { webhookSink } from './webhook.js';

const SECRETS = ['K-SECRET-123', 'T00/B00/XyzSlackSecret', 'R-ROUTING-KEY', 'AM-BASIC-SECRET', '123456:TG-BOT-SECRET'];

/** Every HTTP sink, built against a base URL, each carrying a secret the way a user would configure it. */
const SINKS: { name: string; make: (base: string, delivery: DeliveryOptions) => AlertSink }[] = [
  { name: 'webhook', make: (u, delivery) => webhookSink(`${u}/hook`, { headers: { 'x-api-key': 'K-SECRET-123' }, delivery }) },
  { name: 'slack', make: (u, delivery) => slackSink(`${u}/services/T00/B00/XyzSlackSecret`, { delivery }) },
  { name: 'pagerduty', make: (u, delivery) => pagerDutySink({ routingKey: 'R-ROUTING-KEY', url: `${u}/v2/enqueue`, delivery }) },
  {
    name: 'alertmanager',
    make: (u, delivery) => alertmanagerSink(u, { headers: { authorization: 'Basic AM-BASIC-SECRET' }, delivery }),
  },
  {
    name: 'telegram',
    make: (u, delivery) => telegramSink({ botToken: '123456:TG-BOT-SECRET', chatIds: [42], apiUrl: u, delivery }),
  },
];

const notification = (): AlertNotification => ({
  status: 'firing',
  reason: 'new',
  fingerprint: '0123456789abcdef',
  labels: { alertname: 'JobSlaBreachCritical', severity: 'critical', job: 'cleanup', service: 'api' },
  annotations: { summary: 'cleanup over budget', runbook_url: 'https://runbooks.example/x' },
  values: { utilization_percent: 120 },
  startsAt: new Date('2026-11-30T00:00:00Z'),
  endsAt: undefined,
  at: new Date('2026-11-30T00:00:00Z'),
});

/** One delivery through the sink's real deliverer (its deadline), no retries: the final result and code. */
function deliverOnce(sink: AlertSink): Promise<{ result: DeliveryResult; code: string | undefined }> {
  const deliverer = createDeliverer({ ...sink, delivery: { ...sink.delivery, retries: 0 } }, systemClock);
  return new Promise((resolve) => deliverer.enqueue(notification(), (result, code) => resolve({ result, code })));
}

const track = trackServers();

describe('item 11: response bodies are bounded', () => {
  // First in the file, so the RSS baseline is not disturbed by the other tests.
  it('a 400 MB response body: the webhook fails with BODY_TOO_LARGE, the connection is dropped, RSS stays flat', async () => {
    let written = () => 0;
    const server = track(await httpServer((_r, res) => (written = streamHugeBody(res, 400 * 1024 * 1024).written)));
    const before = rssMb();
    const outcome = await deliverOnce(webhookSink(`${server.url}/hook`, { delivery: { timeoutMs: 20_000 } }));
    const growth = rssMb() - before;
    expect(outcome).toEqual({ result: 'failed', code: 'BODY_TOO_LARGE' });
    expect(growth).toBeLessThan(50);
    // The server stopped streaming long before 400 MB: the client went away.
    expect(written()).toBeLessThan(64 * 1024 * 1024);
  });

  for (const { name, make } of SINKS) {
    it(`${name}: a 400 MB body (200 or 500) → BODY_TOO_LARGE, the server stops streaming`, async () => {
      const written: (() => number)[] = [];
      const server = track(
        await httpServer((r, res) =>
          written.push(streamHugeBody(res, 400 * 1024 * 1024, r.url.includes('fail') ? 500 : 200).written),
        ),
      );
      const before = rssMb();
      expect(await deliverOnce(make(server.url, { timeoutMs: 3000 }))).toEqual({ result: 'failed', code: 'BODY_TOO_LARGE' });
      expect(rssMb() - before).toBeLessThan(50);
      expect(written[0]?.()).toBeLessThan(64 * 1024 * 1024);
    });
  }

  it('a gzip bomb (content-encoding: gzip, 100 MB of zeros) is never inflated', async () => {
    const bomb = gzipSync(Buffer.alloc(100 * 1024 * 1024));
    const server = track(
      await httpServer((_r, res) => {
        res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'application/json' });
        res.end(bomb);
      }),
    );
    const before = rssMb();
    const outcome = await deliverOnce(webhookSink(`${server.url}/hook`, { delivery: { timeoutMs: 5000 } }));
    expect(rssMb() - before).toBeLessThan(50);
    expect(outcome).toEqual({ result: 'failed', code: 'BODY_TOO_LARGE' });
  });

  it('a small 2xx body (≤ 4 KB) is read and the delivery succeeds', async () => {
    const server = track(await httpServer((_r, res) => res.end('x'.repeat(4000))));
    expect(await deliverOnce(webhookSink(`${server.url}/hook`))).toEqual({ result: 'sent', code: undefined });
  });

  it('telegram: the Bot API echo of a maximal message (4096 characters, \\u-escaped, > 4 KB) is still a success', async () => {
    const server = track(
      await httpServer((r, res) => {
        const { text, chat_id } = JSON.parse(r.body) as { text: string; chat_id: number };
        const entities = Array.from({ length: 100 }, (_, i) => ({ offset: i * 10, length: 5, type: 'bold' }));
        const echo = {
          ok: true,
          result: { message_id: 7, chat: { id: chat_id, type: 'group', title: 'ops' }, date: 1, text, entities },
        };
        // Telegram escapes non-ASCII characters; emoji become surrogate pairs (12 bytes each).
        const escaped = JSON.stringify(echo).replace(
          /[\u0080-\uffff]/g,
          (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
        );
        res.setHeader('content-type', 'application/json');
        res.end(escaped);
      }),
    );
    const long = { ...notification(), annotations: { summary: '🔴'.repeat(3000) } };
    const sink = telegramSink({ botToken: '1:T', chatIds: [42], apiUrl: server.url, delivery: { retries: 0 } });
    const deliverer = createDeliverer(sink, systemClock);
    const outcome = await new Promise((resolve) => deliverer.enqueue(long, (result, code) => resolve({ result, code })));
    expect(outcome).toEqual({ result: 'sent', code: undefined });
    expect(server.requests).toHaveLength(1);
  });

  it('a Content-Length over the bound fails at once, before the body arrives', async () => {
    const server = track(
      await rawServer((socket) => {
        socket.once('data', () => socket.write('HTTP/1.1 200 OK\r\ncontent-length: 999999999999\r\n\r\n{"ok":true}'));
      }),
    );
    expect(await deliverOnce(webhookSink(`${server.url}/hook`, { delivery: { timeoutMs: 5000 } }))).toEqual({
      result: 'failed',
      code: 'BODY_TOO_LARGE',
    });
  });
});

describe('item 11: slow or silent receivers are bounded by the deadline', () => {
  for (const { name, make } of SINKS) {
    it(`${name}: a server that never answers → TIMEOUT, and the connection is closed`, async () => {
      let closed = 0;
      const server = track(await httpServer((_r, res) => res.on('close', () => closed++)));
      expect(await deliverOnce(make(server.url, { timeoutMs: 200 }))).toEqual({ result: 'failed', code: 'TIMEOUT' });
      await expect.poll(() => closed).toBe(1);
    });

    it(`${name}: a server that trickles one byte every 20 ms → TIMEOUT`, async () => {
      let closed = 0;
      const server = track(
        await httpServer((_r, res) => {
          res.on('close', () => closed++);
          trickle(res, 20);
        }),
      );
      expect(await deliverOnce(make(server.url, { timeoutMs: 300 }))).toEqual({ result: 'failed', code: 'TIMEOUT' });
      await expect.poll(() => closed).toBe(1);
    });
  }
});

describe('item 10: no sink follows a redirect', () => {
  for (const { name, make } of SINKS) {
    for (const status of [301, 302, 303, 307, 308]) {
      it(`${name}: a ${status} is a failed delivery HTTP_${status}; the second server receives nothing`, async () => {
        const pair = track(await redirectPair(status));
        expect(await deliverOnce(make(pair.redirector.url, { timeoutMs: 2000 }))).toEqual({
          result: 'failed',
          code: `HTTP_${status}`,
        });
        expect(pair.redirector.requests).toHaveLength(1);
        expect(pair.target.requests).toEqual([]);
        expect(pair.target.connections()).toBe(0);
      });
    }
  }

  it('a 3xx is not retried (the same answer would come back)', async () => {
    const pair = track(await redirectPair(307));
    const deliverer = createDeliverer(
      webhookSink(`${pair.redirector.url}/hook`, { delivery: { retries: 3, backoffMs: 1, timeoutMs: 1000 } }),
      systemClock,
    );
    const outcome = await new Promise((resolve) =>
      deliverer.enqueue(notification(), (result, code) => resolve({ result, code })),
    );
    expect(outcome).toEqual({ result: 'failed', code: 'HTTP_307' });
    expect(pair.redirector.requests).toHaveLength(1);
    expect(pair.target.requests).toEqual([]);
  });
});

describe('URLs, schemes and credentials', () => {
  const bad = [
    'file:///etc/passwd',
    'ftp://user:pw-SECRET@host/x',
    'javascript:alert(1)',
    'data:,x',
    'ws://h/x',
    'gopher://h/',
    '//h/x',
    '',
  ];
  it('every sink refuses a URL that is not http(s), without echoing it', () => {
    for (const url of bad) {
      const attempts = [
        () => webhookSink(url),
        () => slackSink(url),
        () => alertmanagerSink(url),
        () => pagerDutySink({ routingKey: 'k', url }),
        () => telegramSink({ botToken: 't', chatIds: [1], apiUrl: url }),
      ];
      for (const attempt of attempts) {
        let error: unknown;
        try {
          attempt();
        } catch (e) {
          error = e;
        }
        expect(error, url).toBeInstanceOf(SlakitError);
        expect((error as SlakitError).code).toBe('ERR_SLAKIT_INVALID_OPTION');
        expect((error as Error).message).not.toContain('pw-SECRET');
        expect(JSON.stringify((error as SlakitError).value ?? null)).not.toContain('pw-SECRET');
      }
    }
  });

  it('a URL with user:password sends basic auth in a header, never in the request line, and never logs it', async () => {
    const server = track(await httpServer((_r, res) => res.end('ok')));
    const url = `http://hook-user:pw-SECRET@127.0.0.1:${server.port}/hook`;
    expect(await deliverOnce(webhookSink(url))).toEqual({ result: 'sent', code: undefined });
    expect(await deliverOnce(alertmanagerSink(url))).toEqual({ result: 'sent', code: undefined });
    const [hook, am] = server.requests;
    expect(hook?.url).toBe('/hook');
    expect(am?.url).toBe('/hook/api/v2/alerts');
    const basic = `Basic ${Buffer.from('hook-user:pw-SECRET').toString('base64')}`;
    expect(hook?.headers.authorization).toBe(basic);
    expect(am?.headers.authorization).toBe(basic);
  });

  it('an explicit authorization header wins over URL credentials', async () => {
    const server = track(await httpServer((_r, res) => res.end('ok')));
    const url = `http://u:p@127.0.0.1:${server.port}/hook`;
    expect(await deliverOnce(webhookSink(url, { headers: { Authorization: 'Bearer explicit' } }))).toMatchObject({
      result: 'sent',
    });
    expect(server.requests[0]?.headers.authorization).toBe('Bearer explicit');
  });

  it('headers with CR/LF or invalid names are refused at configuration, naming the header but not its value', () => {
    const cases: Record<string, string>[] = [{ 'x-api-key': 'a\r\nx-injected: 1' }, { 'bad header': 'v' }, { 'x-a': 'v\n' }];
    for (const headers of cases) {
      for (const make of [() => webhookSink('http://h/x', { headers }), () => alertmanagerSink('http://h/x', { headers })]) {
        let error: unknown;
        try {
          make();
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(SlakitError);
        expect((error as SlakitError).field).toMatch(/^headers/);
        expect((error as Error).message).not.toContain('x-injected');
      }
    }
  });

  it('failed deliveries log only codes: no URL, token, routing key or header value reaches the log', async () => {
    const server = track(await httpServer((_r, res) => res.writeHead(500).end('{"error":"boom K-SECRET-123"}')));
    const kit = createTestTelemetry({ serviceName: 'api' });
    const sinks = SINKS.map(({ name, make }) => ({ ...make(server.url, { retries: 0, timeoutMs: 1000 }), name }));
    const credUrl = webhookSink(`http://u:pw-SECRET@127.0.0.1:${server.port}/hook?token=Q-SECRET`, {
      name: 'cred',
      delivery: { retries: 0 },
    });
    const alerter = createAlerter({
      sinks: [...sinks, credUrl],
      routes: { critical: [...sinks.map((s) => s.name), 'cred'] },
      telemetry: kit.telemetry,
      env: {},
    });
    alerter.fire({ labels: { alertname: 'JobSlaBreachCritical', severity: 'critical', job: 'cleanup' } });
    await alerter.idle();
    await alerter.close();
    const logs = kit.logs.raw();
    await kit.close();
    expect(logs).toContain('HTTP_500');
    for (const secret of [...SECRETS, 'pw-SECRET', 'Q-SECRET', '127.0.0.1']) expect(logs).not.toContain(secret);
  });
});

describe('hostile response headers', () => {
  const answers: Record<string, string> = {
    'a 100 KB header': `HTTP/1.1 200 OK\r\nx-big: ${'a'.repeat(100 * 1024)}\r\ncontent-length: 0\r\n\r\n`,
    'ten thousand headers': `HTTP/1.1 200 OK\r\n${'x-h: v\r\n'.repeat(10_000)}content-length: 0\r\n\r\n`,
    'a header with a NUL byte': 'HTTP/1.1 200 OK\r\nx-a: a\0b\r\ncontent-length: 0\r\n\r\n',
    'two different Content-Lengths': 'HTTP/1.1 200 OK\r\ncontent-length: 1\r\ncontent-length: 5\r\n\r\nhello',
    'a broken chunked body': 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\nhello\r\n',
    'garbage instead of a status line': 'SSH-2.0-OpenSSH_9.6\r\n\r\n',
    'a status line only, then close': 'HTTP/1.1 200 OK\r\n',
    'an endless chunked body': `HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n${'1000\r\n'.concat('y'.repeat(4096), '\r\n').repeat(4)}`,
  };
  for (const [what, bytes] of Object.entries(answers)) {
    it(`${what}: a failed delivery with a code, never a throw`, async () => {
      const server = track(
        await rawServer((socket) => {
          socket.once('data', () => {
            socket.write(bytes);
            if (!what.includes('endless')) socket.end();
          });
        }),
      );
      const outcome = await deliverOnce(webhookSink(`${server.url}/hook`, { delivery: { timeoutMs: 1000 } }));
      expect(outcome.result).toBe('failed');
      expect(outcome.code).toMatch(/^[A-Z][A-Z0-9_]{1,40}$/);
    });
  }

  it('a Set-Cookie, a Location and a huge Retry-After on a 2xx are ignored', async () => {
    const server = track(
      await httpServer((_r, res) => {
        res.writeHead(200, { 'set-cookie': 'a=b', location: 'http://evil.example/', 'retry-after': '99999999999' });
        res.end('{}');
      }),
    );
    expect(await deliverOnce(webhookSink(`${server.url}/hook`))).toEqual({ result: 'sent', code: undefined });
  });
});

/**
 * A raw HTTP responder: reads the whole request (head + Content-Length body), then answers `status` with `body` and
 * closes. The next answer is taken from `next` at each connection.
 */
async function scriptedServer(next: () => { status: number; body: Uint8Array }): Promise<TestServer> {
  return rawServer((socket) => {
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/content-length: *(\d+)/i.exec(buffered.subarray(0, end).toString('latin1'))?.[1] ?? 0);
      if (buffered.length < end + 4 + length) return;
      socket.off('data', onData);
      const { status, body: wanted } = next();
      // 1xx, 204 and 304 responses have no body in HTTP/1.1 (bytes after them would be a new, garbled response).
      const body = status < 200 || status === 204 || status === 304 ? new Uint8Array() : wanted;
      socket.end(
        Buffer.concat([
          Buffer.from(`HTTP/1.1 ${status} Whatever\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n`),
          body,
        ]),
      );
    };
    socket.on('data', onData);
  });
}

describe('property: any status and any small body', () => {
  for (const { name, make } of SINKS) {
    it(`${name}: success exactly for 2xx, otherwise a failure with a code; never a throw (1000 runs)`, async () => {
      let answer = { status: 200, body: new Uint8Array() };
      const server = track(await scriptedServer(() => answer));
      const sink = make(server.url, { timeoutMs: 2000 });
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 100, max: 599 }), fc.uint8Array({ maxLength: 64 }), async (status, body) => {
          answer = { status, body };
          const { result, code } = await deliverOnce(sink);
          if (status >= 200 && status < 300) {
            expect(result).toBe('sent');
            expect(code).toBeUndefined();
          } else {
            expect(result).toBe('failed');
            expect(code).toMatch(/^[A-Z][A-Z0-9_]{1,40}$/);
            if (status >= 300) expect(code).toBe(`HTTP_${status}`);
          }
        }),
        { numRuns: 1000 },
      );
    });
  }
});
