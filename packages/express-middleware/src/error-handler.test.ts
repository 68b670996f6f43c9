import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestTelemetry, type TestTelemetry } from '@slakit/core/testing';
import express4 from 'express4';
import express5 from 'express5';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { closeServers } from '../../../test-support/hostile-http.js';
import { errorHandler } from './error-handler.js';
import { errorRecorder, instrument } from './instrument.js';

type ExpressFactory = typeof express5;
const servers: Server[] = [];
const kits: TestTelemetry[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await closeServers(servers);
  await Promise.all(kits.splice(0).map((k) => k.close()));
});

describe.each([
  ['Express 4', express4 as unknown as ExpressFactory],
  ['Express 5', express5],
])('errorHandler() under %s', (_name, express) => {
  async function serve() {
    const kit = createTestTelemetry({ serviceName: 'shop' });
    kits.push(kit);
    const app = express();
    app.post(
      '/orders',
      express.json({ limit: '1kb' }),
      (req, res) => void res.status(201).json({ n: Object.keys(req.body).length }),
    );
    app.get('/boom', () => {
      throw new TypeError('cannot reach postgres://app:hunter2@db/prod (password=hunter2)');
    });
    app.get('/teapot', () => {
      throw Object.assign(new Error('short and stout'), { status: 418 });
    });
    app.get('/weird', () => {
      throw Object.create(null);
    });
    app.get('/late', (_req, res) => {
      res.setHeader('content-length', '1000');
      res.write('partial');
      throw new Error('after the headers');
    });
    app.get('/typed', (_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.setHeader('content-length', '3');
      throw new RangeError('x');
    });
    app.use(errorRecorder() as never);
    app.use(errorHandler({ logger: kit.telemetry.logger }) as never);
    const server: Server = await new Promise((r) => {
      const s = app.listen(0, '127.0.0.1', () => r(s));
    });
    servers.push(server);
    return { kit, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  }

  it('answers JSON with a fixed code per status, never the message, stack, paths or the raw body', async () => {
    const stderr = vi.spyOn(process.stderr, 'write');
    const consoleError = vi.spyOn(console, 'error');
    const { kit, base } = await serve();
    const cases: [string, RequestInit, number, string][] = [
      [
        '/orders',
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"password":"hunter2",' },
        400,
        'invalid_body',
      ],
      [
        '/orders',
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ password: 'hunter2'.repeat(300) }),
        },
        413,
        'payload_too_large',
      ],
      [
        '/orders',
        { method: 'POST', headers: { 'content-type': 'application/json; charset=klingon' }, body: '{"password":"hunter2"}' },
        415,
        'unsupported_media_type',
      ],
      ['/boom', {}, 500, 'internal'],
      ['/teapot', {}, 418, 'client_error'],
      ['/weird', {}, 500, 'internal'],
      ['/typed', {}, 500, 'internal'],
    ];
    for (const [path, init, status, error] of cases) {
      const res = await fetch(`${base}${path}`, init);
      const text = await res.text();
      expect(res.status, path).toBe(status);
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(JSON.parse(text)).toEqual({ error, message: expect.any(String) });
      expect(text).not.toMatch(/hunter2|at |\/work|node_modules|TypeError|stout/);
    }
    await expect(fetch(`${base}/late`).then((r) => r.text())).rejects.toThrow();
    const logged = JSON.stringify(kit.logs.lines);
    expect(logged).not.toContain('hunter2');
    expect(kit.logs.find('request refused: 400 invalid_body')[0]).toMatchObject({
      status: 400,
      route: '/orders',
      error: { type: 'SyntaxError', bodyType: 'entity.parse.failed' },
    });
    expect(kit.logs.find('request refused: 400 invalid_body')[0]?.error).not.toHaveProperty('message');
    const boom = kit.logs.find('request failed: 500 internal')[0] as unknown as {
      error: { type: string; message: string; stack: string };
    };
    expect(boom.error.type).toBe('TypeError');
    expect(boom.error.message).toContain('[redacted]');
    expect(boom.error.stack).toContain('error-handler.test.ts');
    expect(stderr.mock.calls.flat().join('')).not.toContain('hunter2');
    expect(consoleError).not.toHaveBeenCalled();
  });

  it('with instrument() mounted: the thrown class reaches the duration series and the span (errorRecorder → errorHandler)', async () => {
    const kit = createTestTelemetry({ serviceName: 'shop' });
    kits.push(kit);
    const app = express();
    app.use(instrument({ telemetry: kit.telemetry, logging: { enabled: false } }) as never);
    app.get('/boom', () => {
      throw new TypeError('cannot reach postgres://app:hunter2@db/prod');
    });
    app.use(errorRecorder() as never);
    // What the host sees of slakit's state on the request: nothing enumerable (no symbols in a spread or a log).
    const visible: string[] = [];
    app.use(((_err: unknown, req: object, _res: unknown, next: (e: unknown) => void) => {
      visible.push(
        ...Object.getOwnPropertySymbols({ ...req })
          .map(String)
          .filter((k) => k.includes('slakit')),
      );
      next(_err);
    }) as never);
    app.use(errorHandler({ logger: kit.telemetry.logger }) as never);
    const server: Server = await new Promise((r) => {
      const s = app.listen(0, '127.0.0.1', () => r(s));
    });
    servers.push(server);
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/boom`);
    expect(await res.json()).toEqual({ error: 'internal', message: expect.any(String) });
    await new Promise((r) => setTimeout(r, 20));
    const series = (await kit.metrics.collect()).filter((s) => s.name === 'http_server_request_duration_seconds');
    expect(series.map((s) => s.labels)).toEqual([
      expect.objectContaining({ http_route: '/boom', http_response_status_code: '500', error_type: 'TypeError' }),
    ]);
    const span = kit.spans.finished().find((s) => s.name === 'GET /boom');
    expect(span?.attributes['error.type']).toBe('TypeError');
    const exception = span?.events.find((e) => e.name === 'exception');
    expect(exception?.attributes?.['exception.message']).toBe('cannot reach postgres://[redacted]@db/prod');
    expect(visible).toEqual([]);
  });
});
