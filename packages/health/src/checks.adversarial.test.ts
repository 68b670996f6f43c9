// Adversarial tests of the `http()` dependency check and the `slakit-health` CLI (issue #26 items 10 and 11):
// redirects to another host, endless and trickling bodies, credentials in the URL, hostile headers.
import { SlakitError } from '@slakit/core';
import { afterEach, describe, expect, it } from 'vitest';
import { httpServer, rawServer, redirectPair, rssMb, streamHugeBody, trickle } from '../../../test-support/hostile-http.js';
import { failureCode } from './check.js';
import { http } from './checks.js';
import { main } from './cli.js';

const servers: { close: () => Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
const track = <T extends { close: () => Promise<void> }>(s: T): T => {
  servers.push(s);
  return s;
};

/** Runs a check like the runner does: a deadline signal, a thrown error becomes `fail` with a code. */
async function runCheck(check: ReturnType<typeof http>, timeoutMs = 2000) {
  try {
    return await check.run(AbortSignal.timeout(timeoutMs));
  } catch (error) {
    return { status: 'fail', output: failureCode(error) };
  }
}

describe('http() check', () => {
  // First in the file, so the RSS baseline is not disturbed by the other tests.
  it('a 400 MB body is not buffered: the status decides, the connection is dropped, RSS stays flat', async () => {
    let written = () => 0;
    const server = track(await httpServer((_r, res) => (written = streamHugeBody(res, 400 * 1024 * 1024).written)));
    const before = rssMb();
    const result = await runCheck(http(`${server.url}/status`), 20_000);
    expect(rssMb() - before).toBeLessThan(50);
    expect(result).toMatchObject({ status: 'pass' });
    expect(written()).toBeLessThan(64 * 1024 * 1024);
  });

  it('a failing status with a huge body: fail HTTP_503 without reading it', async () => {
    const server = track(await httpServer((_r, res) => streamHugeBody(res, 400 * 1024 * 1024, 503)));
    expect(await runCheck(http(server.url), 5000)).toMatchObject({ status: 'fail', output: 'HTTP_503' });
  });

  for (const status of [301, 302, 303, 307, 308]) {
    it(`a ${status} to another server is never followed (reported as the 3xx itself)`, async () => {
      const pair = track(await redirectPair(status));
      expect(await runCheck(http(pair.redirector.url, { headers: { authorization: 'Bearer H-SECRET' } }))).toMatchObject({
        status: 'pass',
      });
      expect(await runCheck(http(pair.redirector.url, { expectStatus: 200 }))).toMatchObject({
        status: 'fail',
        output: `HTTP_${status}`,
      });
      expect(pair.redirector.requests).toHaveLength(2);
      expect(pair.target.connections()).toBe(0);
    });
  }

  it('a server that never answers, or trickles its body, ends at the deadline with TIMEOUT', async () => {
    const silent = track(await httpServer(() => {}));
    expect(await runCheck(http(silent.url), 300)).toEqual({ status: 'fail', output: 'TIMEOUT' });
    const slow = track(await httpServer((_r, res) => trickle(res, 20)));
    expect(await runCheck(http(slow.url), 300)).toEqual({ status: 'fail', output: 'TIMEOUT' });
  });

  it('user:password in the URL is sent as basic auth (not refused), and never part of the request line', async () => {
    const server = track(await httpServer((_r, res) => res.end('ok')));
    const result = await runCheck(http(`http://probe:pw-SECRET@127.0.0.1:${server.port}/status`));
    expect(result).toMatchObject({ status: 'pass' });
    expect(server.requests[0]?.url).toBe('/status');
    expect(server.requests[0]?.headers.authorization).toBe(`Basic ${Buffer.from('probe:pw-SECRET').toString('base64')}`);
  });

  it('hostile response headers end as fail with a code, never a throw out of the runner', async () => {
    for (const bytes of [
      `HTTP/1.1 200 OK\r\nx-big: ${'a'.repeat(100 * 1024)}\r\n\r\n`,
      'HTTP/1.1 200 OK\r\ncontent-length: 1\r\ncontent-length: 5\r\n\r\nhello',
      'NOT HTTP AT ALL\r\n\r\n',
    ]) {
      const server = track(await rawServer((socket) => socket.once('data', () => socket.end(bytes))));
      const result = await runCheck(http(server.url));
      expect(result.status).toBe('fail');
      expect(result.output).toMatch(/^[A-Z][A-Z0-9_]{1,40}$/);
    }
  });

  it('refuses non-http(s) URLs and header injection at configuration, echoing neither', () => {
    for (const url of ['file:///etc/passwd', 'ftp://u:pw-SECRET@h/', 'gopher://h/']) {
      expect(() => http(url)).toThrowError(SlakitError);
      try {
        http(url);
      } catch (e) {
        expect((e as Error).message).not.toContain('pw-SECRET');
      }
    }
    expect(() => http('http://h/', { headers: { 'x-token': 'a\r\nx-injected: 1' } })).toThrowError(
      expect.objectContaining({ code: 'ERR_SLAKIT_INVALID_OPTION', field: 'headers["x-token"]' }),
    );
  });
});

describe('slakit-health CLI', () => {
  const run = async (argv: string[]) => {
    const lines: string[] = [];
    const code = await main(argv, (l) => lines.push(l));
    return { code, text: lines.join('\n') };
  };

  it('does not follow a redirect (the bearer token never reaches another host): FAIL HTTP_307', async () => {
    const pair = track(await redirectPair(307, '/health'));
    const result = await run([`${pair.redirector.url}/health`, '--token', 'T-SECRET']);
    expect(result.code).toBe(2);
    expect(result.text).toContain('HTTP_307');
    expect(pair.target.connections()).toBe(0);
  });

  it('a 400 MB health body is not buffered: FAIL BODY_TOO_LARGE, RSS stays flat', async () => {
    const server = track(await httpServer((_r, res) => streamHugeBody(res, 400 * 1024 * 1024)));
    const before = rssMb();
    const result = await run([`${server.url}/health`, '--timeout', '20000']);
    expect(rssMb() - before).toBeLessThan(50);
    expect(result).toMatchObject({ code: 2, text: expect.stringContaining('BODY_TOO_LARGE') });
  });

  it('a trickling server ends at --timeout with TIMEOUT; credentials in the URL are not printed', async () => {
    const server = track(await httpServer((_r, res) => trickle(res, 20)));
    const result = await run([`http://u:pw-SECRET@127.0.0.1:${server.port}/health`, '--timeout', '300']);
    expect(result).toMatchObject({ code: 2, text: expect.stringContaining('TIMEOUT') });
    expect(result.text).not.toContain('pw-SECRET');
    expect(server.requests[0]?.headers.authorization).toBe(`Basic ${Buffer.from('u:pw-SECRET').toString('base64')}`);
  });

  it('a bad URL or timeout is a usage error (exit 64, never the FAIL verdict 2), not a crash', async () => {
    expect((await run(['not a url'])).code).toBe(64);
    expect((await run(['ftp://h/health'])).code).toBe(64);
    expect((await run(['http://127.0.0.1:9/health', '--timeout', 'abc'])).code).toBe(64);
  });
});
