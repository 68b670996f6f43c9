// Adversarial tests of `slakit report` / slaReport() (issue #26 items 9, 10 and 11): Prometheus behind basic auth or
// a bearer token, credentials that must never be printed, redirects, huge, slow and hostile answers.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SlakitConfigInput, SlakitError } from '@slakit/core';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  httpServer,
  redirectPair,
  rssMb,
  streamHugeBody,
  type TestServer,
  trackServers,
  trickle,
} from '../../../../test-support/hostile-http.js';
import { main } from '../cli.js';
import { queryScalar, slaReport } from './report.js';

const input: SlakitConfigInput = {
  service: 'shop',
  slos: [{ name: 'availability', kind: 'availability', objective: 99 }],
  jobs: { cleanup: { budgetSeconds: 60 } },
};
const dir = mkdtempSync(join(tmpdir(), 'slakit-report-adv-'));
writeFileSync(join(dir, 'slakit.config.json'), JSON.stringify(input));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PASSWORD = 'PromPass-9f3k';
const TOKEN = 'tok-SECRET-77aa';
const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

/** Emulates Prometheus' `/api/v1/query` behind an authorization check; every objective of `input` passes. */
function prometheus(expected: string) {
  return httpServer((r, res) => {
    res.setHeader('content-type', 'application/json');
    if (r.headers.authorization !== expected) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="prometheus"' });
      res.end(JSON.stringify({ status: 'error', errorType: 'unauthorized', error: 'Unauthorized' }));
      return;
    }
    const query = new URLSearchParams(r.body).get('query');
    if (r.method !== 'POST' || r.url !== '/api/v1/query' || !query) {
      res.writeHead(400).end(JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'bad request' }));
      return;
    }
    // Every objective passes: error rate 0, availability and job success rate 1.
    const value = query.startsWith('(sum(rate(http') ? '0' : '1'; // the error-rate row: no errors
    res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [0, value] }] } }));
  });
}

async function run(argv: string[], env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['report', ...argv], { out: (t) => out.push(t), err: (t) => err.push(t), cwd: dir, env });
  return { code, out: out.join('\n'), err: err.join('\n'), all: `${out.join('\n')}\n${err.join('\n')}` };
}

const track = trackServers();

describe('item 11: the report bounds Prometheus answers', () => {
  // First in the file, so the RSS baseline is not disturbed by the other tests.
  it('a 400 MB answer: exit 3 with BODY_TOO_LARGE, the connection is dropped, RSS stays flat', async () => {
    let written = () => 0;
    const server = track(await httpServer((_r, res) => (written = streamHugeBody(res, 400 * 1024 * 1024).written)));
    const before = rssMb();
    const result = await run(['--prometheus', server.url, '--timeout', '20000']);
    const growth = rssMb() - before;
    expect(growth).toBeLessThan(50);
    expect(result.code).toBe(3);
    expect(result.err).toContain('BODY_TOO_LARGE');
    expect(written()).toBeLessThan(64 * 1024 * 1024);
    expect(server.requests).toHaveLength(1);
  });

  it('--max-response-bytes bounds it further; the library option too; a bad value is a usage error', async () => {
    const server = track(await prometheus(basic('u', 'p')));
    const url = `http://u:p@127.0.0.1:${server.port}`;
    expect((await run(['--prometheus', url])).code).toBe(0);
    const small = await run(['--prometheus', url, '--max-response-bytes', '20']);
    expect(small).toMatchObject({ code: 3, err: expect.stringContaining('BODY_TOO_LARGE') });
    await expect(slaReport(input, { prometheus: url, maxResponseBytes: 20 })).rejects.toThrow(/BODY_TOO_LARGE/);
    expect((await slaReport(input, { prometheus: url, maxResponseBytes: 4096 })).pass).toBe(true);
    for (const bad of ['abc', '0', '-5', '1.5'])
      expect(await run(['--prometheus', url, '--max-response-bytes', bad])).toMatchObject({
        code: 2,
        err: expect.stringContaining('--max-response-bytes'),
      });
    await expect(slaReport(input, { prometheus: url, maxResponseBytes: Number.NaN })).rejects.toBeInstanceOf(SlakitError);
    await expect(slaReport(input, { prometheus: url, auth: 'nocolon' })).rejects.toThrow(/^auth must be/);
  });

  it('a server that never answers, or trickles a byte every 20 ms: exit 3 with TIMEOUT after --timeout', async () => {
    const silent = track(await httpServer(() => {}));
    expect(await run(['--prometheus', silent.url, '--timeout', '300'])).toMatchObject({
      code: 3,
      err: expect.stringContaining('TIMEOUT'),
    });
    const slow = track(await httpServer((_r, res) => trickle(res, 20)));
    expect(await run(['--prometheus', slow.url, '--timeout', '300'])).toMatchObject({
      code: 3,
      err: expect.stringContaining('TIMEOUT'),
    });
  });
});

describe('item 9: Prometheus behind authentication, credentials never printed', () => {
  it('credentials in the --prometheus URL are sent as basic auth and never printed (table and --json)', async () => {
    const server = track(await prometheus(basic('user', PASSWORD)));
    const url = `http://user:${PASSWORD}@127.0.0.1:${server.port}`;
    const table = await run(['--prometheus', url]);
    expect(table.all).not.toContain(PASSWORD);
    expect(table.code).toBe(0);
    expect(table.out).toContain('Overall: PASS');
    const json = await run(['--prometheus', url, '--json']);
    expect(json.code).toBe(0);
    expect(json.all).not.toContain(PASSWORD);
    expect(JSON.parse(json.out).prometheus).toBe(`http://127.0.0.1:${server.port}/`);
    for (const r of server.requests) {
      expect(r.url).toBe('/api/v1/query');
      expect(r.headers.authorization).toBe(basic('user', PASSWORD));
    }
    expect(server.requests.length).toBe(6);
  });

  it('percent-encoded credentials are decoded (user "a@b", password "p:w/%")', async () => {
    const server = track(await prometheus(basic('a@b', 'p:w/%')));
    const url = `http://a%40b:p%3Aw%2F%25@127.0.0.1:${server.port}`;
    expect((await run(['--prometheus', url])).code).toBe(0);
  });

  it('--prometheus-auth user:pass, --prometheus-auth "Bearer <token>" and SLAKIT_PROMETHEUS_AUTH', async () => {
    const b = track(await prometheus(basic('user', PASSWORD)));
    const t = track(await prometheus(`Bearer ${TOKEN}`));
    const flag = await run(['--prometheus', b.url, '--prometheus-auth', `user:${PASSWORD}`]);
    expect(flag.code).toBe(0);
    expect(flag.all).not.toContain(PASSWORD);
    const bearer = await run(['--prometheus', t.url, '--prometheus-auth', `Bearer ${TOKEN}`]);
    expect(bearer.code).toBe(0);
    expect(bearer.all).not.toContain(TOKEN);
    expect((await run(['--prometheus', b.url], { SLAKIT_PROMETHEUS_AUTH: `user:${PASSWORD}` })).code).toBe(0);
    expect((await run(['--prometheus', t.url], { SLAKIT_PROMETHEUS_AUTH: `Bearer ${TOKEN}` })).code).toBe(0);
    // The flag beats the environment, and both beat credentials in the URL.
    expect(
      (await run(['--prometheus', b.url, '--prometheus-auth', `user:${PASSWORD}`], { SLAKIT_PROMETHEUS_AUTH: 'x:y' })).code,
    ).toBe(0);
    const url = `http://user:wrong@127.0.0.1:${b.port}`;
    expect((await run(['--prometheus', url], { SLAKIT_PROMETHEUS_AUTH: `user:${PASSWORD}` })).code).toBe(0);
    // The library takes the same `auth` value.
    expect((await slaReport(input, { prometheus: t.url, auth: `Bearer ${TOKEN}` })).pass).toBe(true);
  });

  it('wrong credentials: exit 3 naming the 401, never the password', async () => {
    const server = track(await prometheus(basic('user', 'right')));
    for (const argv of [
      ['--prometheus', `http://user:${PASSWORD}@127.0.0.1:${server.port}`],
      ['--prometheus', server.url, '--prometheus-auth', `user:${PASSWORD}`],
      ['--prometheus', server.url, '--prometheus-auth', `Bearer ${PASSWORD}`],
    ]) {
      const result = await run(argv);
      expect(result.code).toBe(3);
      expect(result.err).toContain('401');
      expect(result.all).not.toContain(PASSWORD);
    }
  });

  it('an unusable URL or auth value is a usage error that does not echo the credentials', async () => {
    for (const url of [
      `http://user:${PASSWORD}@127.0.0.1:99999`,
      `ftp://user:${PASSWORD}@127.0.0.1/`,
      `user:${PASSWORD}@127.0.0.1:9090`,
      `file:///etc/passwd?${PASSWORD}`,
    ]) {
      const result = await run(['--prometheus', url]);
      expect(result.code, url).toBe(2);
      expect(result.all).not.toContain(PASSWORD);
      await expect(slaReport(input, { prometheus: url })).rejects.toBeInstanceOf(SlakitError);
      await slaReport(input, { prometheus: url }).catch((e: SlakitError) => {
        expect(e.message).not.toContain(PASSWORD);
        expect(JSON.stringify(e.value ?? null)).not.toContain(PASSWORD);
      });
    }
    for (const auth of [PASSWORD, 'Bearer ', `Bearer ${PASSWORD}\r\nx-injected: 1`]) {
      const result = await run(['--prometheus', 'http://127.0.0.1:9', '--prometheus-auth', auth]);
      expect(result.code, auth).toBe(2);
      expect(result.all).not.toContain(PASSWORD);
      expect(result.err).toContain('--prometheus-auth');
    }
    const env = await run(['--prometheus', 'http://127.0.0.1:9'], { SLAKIT_PROMETHEUS_AUTH: PASSWORD });
    expect(env.code).toBe(2);
    expect(env.err).toContain('SLAKIT_PROMETHEUS_AUTH');
    expect(env.all).not.toContain(PASSWORD);
  });

  it('an unreachable Prometheus: exit 3, the error names the host but not the credentials', async () => {
    const result = await run(['--prometheus', `http://user:${PASSWORD}@127.0.0.1:9`, '--timeout', '2000']);
    expect(result.code).toBe(3);
    expect(result.err).toContain('ECONNREFUSED');
    expect(result.all).not.toContain(PASSWORD);
  });
});

describe('item 10: the report follows no redirect', () => {
  for (const status of [301, 302, 303, 307, 308]) {
    it(`a ${status} from Prometheus is an error HTTP_${status}; the second server receives nothing`, async () => {
      const pair = track(await redirectPair(status, '/api/v1/query'));
      const result = await run(['--prometheus', pair.redirector.url]);
      expect(result.code).toBe(3);
      expect(result.err).toContain(`HTTP_${status}`);
      expect(pair.redirector.requests).toHaveLength(1);
      expect(pair.target.requests).toEqual([]);
      expect(pair.target.connections()).toBe(0);
      // With credentials: still one request, to the first server only, and nothing printed.
      const withAuth = await run(['--prometheus', `http://user:${PASSWORD}@127.0.0.1:${pair.redirector.port}`]);
      expect(withAuth).toMatchObject({ code: 3, err: expect.stringContaining(`HTTP_${status}`) });
      expect(withAuth.all).not.toContain(PASSWORD);
      expect(pair.redirector.requests).toHaveLength(2);
      expect(pair.target.connections()).toBe(0);
    });
  }
});

describe('hostile Prometheus answers', () => {
  it('terminal escapes and control characters in an error message are not printed; long messages are cut', async () => {
    const server = track(
      await httpServer((_r, res) => {
        res.writeHead(422, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: 'error', error: `\u001b]0;pwned\u0007\u001b[2J\r\nFAKE: PASS${'x'.repeat(2000)}` }));
      }),
    );
    const result = await run(['--prometheus', server.url]);
    expect(result.code).toBe(3);
    expect(result.err).toContain('422');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the test is about control characters
    expect(result.err.split('\n')[0]).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(result.err).not.toContain('\nFAKE');
    expect(result.err.length).toBeLessThan(1500);
  });

  it('property: any status and any JSON body → a number, undefined or an Error; never a crash (1000 runs)', async () => {
    let answer: { status: number; body: string } = { status: 200, body: '{}' };
    const server: TestServer = track(
      await httpServer((_r, res) => {
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(answer.body);
      }),
    );
    const success = fc.record({
      status: fc.constant('success'),
      data: fc.oneof(
        fc.record({ resultType: fc.constantFrom('vector', 'scalar', 'matrix', 'string'), result: fc.jsonValue() }),
        fc.record({
          resultType: fc.constant('vector'),
          result: fc.array(
            fc.record({ metric: fc.jsonValue(), value: fc.oneof(fc.jsonValue(), fc.tuple(fc.double(), fc.string())) }),
            {
              maxLength: 3,
            },
          ),
        }),
        fc.jsonValue(),
      ),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constant(200), fc.integer({ min: 200, max: 599 })),
        fc.oneof(
          success.map((v) => JSON.stringify(v)),
          fc.json(),
          fc.string({ maxLength: 50 }),
        ),
        async (status, body) => {
          answer = { status, body };
          let value: unknown;
          let error: unknown;
          try {
            value = await queryScalar(server.url, 'up', { timeoutMs: 2000 });
          } catch (e) {
            error = e;
          }
          if (error !== undefined) {
            expect(error).toBeInstanceOf(Error);
            // biome-ignore lint/suspicious/noControlCharactersInRegex: no control characters reach a terminal
            expect((error as Error).message).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
            expect((error as Error).message.length).toBeLessThan(400);
          } else {
            expect(status >= 200 && status < 300).toBe(true);
            expect(value === undefined || Number.isFinite(value)).toBe(true);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});
