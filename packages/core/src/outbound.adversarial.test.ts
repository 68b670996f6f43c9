// The shared outbound request helper: body bounds at the edge, deadlines, schemes, credentials, never a throw.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { httpServer, trackServers } from '../../../test-support/hostile-http.js';
import { SlakitError } from './errors.js';
import { checkHeaders, OutboundError, outboundRequest, splitUrlCredentials } from './outbound.js';

const track = trackServers();

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => {
      expect(e).toBeInstanceOf(OutboundError);
      return (e as OutboundError).code;
    },
  );

describe('outboundRequest', () => {
  it('property: the body bound holds exactly at the edge, with and without content-length (1000 runs)', async () => {
    let answer = { size: 0, declare: true };
    const server = await httpServer((_r, res) => {
      if (answer.declare) res.setHeader('content-length', answer.size);
      res.end(Buffer.alloc(answer.size, 'b'));
    });
    track(server);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 0, max: 3000 }),
        fc.boolean(),
        fc.boolean(),
        async (size, max, declare, truncate) => {
          answer = { size, declare };
          const request = outboundRequest(server.url, { maxBodyBytes: max, overflow: truncate ? 'truncate' : 'fail' });
          if (size > max && !truncate) {
            expect(await codeOf(request)).toBe('BODY_TOO_LARGE');
            return;
          }
          const res = await request;
          expect(res.status).toBe(200);
          expect(res.body.length).toBe(Math.min(size, max));
          expect(res.truncated).toBe(size > max);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('never follows a redirect: the 3xx and its Location are the answer', async () => {
    const server = await httpServer((_r, res) => res.writeHead(307, { location: 'http://127.0.0.1:9/x' }).end());
    track(server);
    const res = await outboundRequest(server.url, { method: 'POST', body: '{}' });
    expect(res.status).toBe(307);
    expect(res.headers.location).toBe('http://127.0.0.1:9/x');
  });

  it('a deadline beyond 2^31-1 ms is not clamped to 1 ms by Node', async () => {
    const server = await httpServer((_r, res) => setTimeout(() => res.end('late'), 50));
    track(server);
    const res = await outboundRequest(server.url, { timeoutMs: 2 ** 40 });
    expect(res.body.toString()).toBe('late');
  });

  it('aborts: an already aborted signal, the reason code, a deadline', async () => {
    const server = await httpServer(() => {});
    track(server);
    expect(await codeOf(outboundRequest(server.url, { signal: AbortSignal.abort() }))).toBe('ABORTED');
    const withCode = new AbortController();
    const pending = outboundRequest(server.url, { signal: withCode.signal });
    withCode.abort(Object.assign(new Error('x'), { code: 'TIMEOUT' }));
    expect(await codeOf(pending)).toBe('TIMEOUT');
    expect(await codeOf(outboundRequest(server.url, { signal: AbortSignal.timeout(50) }))).toBe('TIMEOUT');
    expect(await codeOf(outboundRequest(server.url, { timeoutMs: 50 }))).toBe('TIMEOUT');
  });

  it('never throws synchronously: bad schemes, bad URLs, bad methods and header values are codes', async () => {
    expect(await codeOf(outboundRequest('file:///etc/passwd'))).toBe('UNSUPPORTED_PROTOCOL');
    expect(await codeOf(outboundRequest('javascript:alert(1)'))).toBe('UNSUPPORTED_PROTOCOL');
    expect(await codeOf(outboundRequest('not a url'))).toBe('INVALID_URL');
    expect(await codeOf(outboundRequest('http://127.0.0.1:9/', { method: 'GET\r\nX: y' }))).toMatch(/^ERR_/);
    expect(await codeOf(outboundRequest('http://127.0.0.1:9/', { headers: { 'x-a': 'a\r\nb: c' } }))).toMatch(/^ERR_/);
    expect(await codeOf(outboundRequest('http://127.0.0.1:9/'))).toBe('ECONNREFUSED');
  });

  it('https to a plain-HTTP port fails with a code; IPv6 literals work', async () => {
    const server = await httpServer((_r, res) => res.end('ok'));
    track(server);
    expect(await codeOf(outboundRequest(`https://127.0.0.1:${server.port}/`, { timeoutMs: 2000 }))).toMatch(/^[A-Z][A-Z0-9_]+$/);
    const code = await codeOf(outboundRequest(`http://[::1]:${server.port}/`, { timeoutMs: 2000 }));
    // The server listens on 127.0.0.1 only: ::1 is refused (or unavailable) — a code either way, never a throw.
    expect(code).toMatch(/^(ECONNREFUSED|EADDRNOTAVAIL|ENETUNREACH|EAFNOSUPPORT)$/);
  });
});

describe('splitUrlCredentials / checkHeaders', () => {
  it('strips user:password, decodes them into Basic, and displays origin + path only', () => {
    const split = splitUrlCredentials('https://a%40b:p%3Aw@prom.example:9090/base/?token=Q#frag');
    expect(split?.authorization).toBe(`Basic ${Buffer.from('a@b:p:w').toString('base64')}`);
    expect(split?.display).toBe('https://prom.example:9090/base/');
    expect(split?.url.href).toBe('https://prom.example:9090/base/?token=Q#frag');
    expect(splitUrlCredentials('ftp://h/')).toBeUndefined();
    expect(splitUrlCredentials('nope')).toBeUndefined();
    expect(splitUrlCredentials('http://h/')?.authorization).toBeUndefined();
  });

  it('checkHeaders refuses non-objects, non-string values, bad names and CR/LF/NUL, never echoing a value', () => {
    for (const headers of [null, [], 'x: y', 5, { a: 5 }, { 'a b': 'v' }, { a: 'v\r\nx' }, { a: 'v\0' }, { '': 'v' }]) {
      let error: unknown;
      try {
        checkHeaders('headers', headers);
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(headers)).toBeInstanceOf(SlakitError);
      expect((error as SlakitError).value).toBeUndefined();
    }
    expect(checkHeaders('headers', { 'X-Api-Key': 'k', authorization: 'Bearer t' })).toEqual({
      'X-Api-Key': 'k',
      authorization: 'Bearer t',
    });
    expect(checkHeaders('headers', undefined)).toBeUndefined();
  });
});
