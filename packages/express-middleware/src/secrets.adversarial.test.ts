// Issue #26 items 7 and 8 in the Express middleware: logged headers and span exceptions from errorRecorder() (job
// error messages in ops responses: packages/ops/src/secrets.adversarial.test.ts).

import { EventEmitter } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestTelemetry, type TestTelemetry } from '@slakit/core/testing';
import express from 'express5';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { closeServers } from '../../../test-support/hostile-http.js';
import { errorRecorder, instrument } from './instrument.js';

const servers: Server[] = [];
const kits: TestTelemetry[] = [];
afterEach(async () => {
  await closeServers(servers);
  await Promise.all(kits.splice(0).map((k) => k.close()));
});

async function listen(app: express.Express): Promise<string> {
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

// The headers of issue #26 item 8 and the ones redacted before it, each with a distinct value.
const SECRET_HEADERS: Record<string, string> = {
  'x-auth-token': 'H-AUTH-TOKEN',
  'x-access-token': 'H-ACCESS-TOKEN',
  'x-csrf-token': 'H-CSRF-TOKEN',
  'api-key': 'H-API-KEY',
  'x-amz-security-token': 'H-AMZ-TOKEN',
  'x-goog-api-key': 'H-GOOG-KEY',
  'x-hub-signature-256': 'sha256=H-HUB-SIG',
  'x-slack-signature': 'v0=H-SLACK-SIG',
  'x-forwarded-authorization': 'Bearer H-FWD-AUTH',
  'x-session-id': 'H-SESSION-ID',
  authentication: 'H-AUTHENTICATION',
  authorization: 'Bearer H-AUTHORIZATION',
  cookie: 'sid=H-COOKIE',
  'x-api-key': 'H-X-API-KEY',
  'proxy-authorization': 'Basic H-PROXY-AUTH',
  'x-my-private-key': 'H-PRIVATE-KEY',
};

describe('instrument({ logging: { headers: true } })', () => {
  it('redacts every credential header by name pattern and keeps the others', async () => {
    const kit = createTestTelemetry();
    kits.push(kit);
    const app = express();
    app.use(instrument({ telemetry: kit.telemetry, logging: { headers: true, sampleSuccess: 1 } }) as never);
    app.get('/x', (_req, res) => void res.send('ok'));
    const url = await listen(app);
    const res = await fetch(`${url}/x`, { headers: { ...SECRET_HEADERS, 'x-tenant': 'acme', accept: 'text/plain' } });
    expect(res.status).toBe(200);
    await new Promise((r) => setTimeout(r, 20));
    const raw = kit.logs.raw();
    for (const value of Object.values(SECRET_HEADERS)) expect(raw).not.toContain(value.replace(/^\w+[= ]/, ''));
    const line = kit.logs.lines.find((l) => l.route === '/x') as { headers: Record<string, string> } | undefined;
    expect(line?.headers['x-tenant']).toBe('acme');
    expect(line?.headers.accept).toBe('text/plain');
    for (const name of Object.keys(SECRET_HEADERS)) expect(line?.headers[name]).toBe('[Redacted]');
  });
});

describe('logged headers (fast-check)', () => {
  it('any header whose name holds a secret word is redacted, whatever its case and affixes; others are kept', () => {
    const kit = createTestTelemetry();
    kits.push(kit);
    const mw = instrument({
      telemetry: kit.telemetry,
      logging: { headers: true, sampleSuccess: 1 },
      tracing: { enabled: false },
    });
    const affix = fc.stringMatching(/^[a-z0-9-]{0,8}$/);
    const secretName = fc
      .tuple(
        affix,
        fc.constantFrom('auth', 'token', 'secret', 'api-key', 'apikey', 'session', 'signature', 'cookie', 'pass', 'credential'),
        affix,
      )
      .map(([a, w, b]) => `${a}${w}${b}`);
    const plainName = fc.constantFrom(
      'accept',
      'host',
      'x-tenant',
      'x-request-id',
      'content-type',
      'user-agent',
      'x-forwarded-for',
    );
    let n = 0;
    fc.assert(
      fc.property(
        fc.uniqueArray(secretName, { minLength: 1, maxLength: 6 }),
        fc.uniqueArray(plainName, { maxLength: 4 }),
        (secret, plain) => {
          kit.logs.clear();
          const headers: Record<string, string> = {};
          const planted: string[] = [];
          for (const name of secret) {
            const value = `HDR${n++}SECRET`;
            headers[name] = value;
            planted.push(value);
          }
          for (const name of plain) headers[name] = `plain-${name}`;
          const res = Object.assign(new EventEmitter(), {
            statusCode: 200,
            headersSent: true,
            writableEnded: true,
            setHeader() {},
          });
          const req = { method: 'GET', url: '/x', headers, socket: {}, baseUrl: '', route: { path: '/x' } };
          mw(req as never, res as never, () => {});
          res.emit('close');
          const raw = kit.logs.raw();
          for (const v of planted) expect(raw).not.toContain(v);
          for (const name of plain) expect(raw).toContain(`plain-${name}`);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('errorRecorder()', () => {
  it("records the thrown error on the span without the DSN's password or other secrets", async () => {
    const kit = createTestTelemetry();
    kits.push(kit);
    const app = express();
    app.use(instrument({ telemetry: kit.telemetry }) as never);
    app.get('/db', () => {
      throw Object.assign(new Error('connect postgres://app:SPAN-DSN-PASSWORD@db.internal:5432/app failed, token=SPAN-TOK'), {
        code: 'ECONNREFUSED',
      });
    });
    app.get('/string', () => {
      throw 'client_secret=SPAN-STRING-SECRET';
    });
    app.use(errorRecorder() as never);
    app.use(((_err: unknown, _req: unknown, res: { status(n: number): { send(b: string): void } }, _next: unknown) => {
      res.status(500).send('failed');
    }) as never);
    const url = await listen(app);
    expect((await fetch(`${url}/db`)).status).toBe(500);
    expect((await fetch(`${url}/string`)).status).toBe(500);
    await new Promise((r) => setTimeout(r, 20));
    const spans = kit.spans.finished();
    const events = spans.flatMap((s) => s.events);
    expect(events.filter((e) => e.name === 'exception')).toHaveLength(2);
    const text = JSON.stringify(events);
    for (const s of ['SPAN-DSN-PASSWORD', 'SPAN-TOK', 'SPAN-STRING-SECRET']) expect(text).not.toContain(s);
    const db = events.find((e) => String(e.attributes?.['exception.message']).includes('postgres'));
    expect(db?.attributes?.['exception.message']).toBe(
      'connect postgres://[redacted]@db.internal:5432/app failed, token=[redacted]',
    );
    expect(db?.attributes?.['exception.type']).toBe('ECONNREFUSED');
  });
});
