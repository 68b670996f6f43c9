// Adversarial tests of the Pushgateway push (issue #26 items 10 and 11): redirects, huge and slow answers, credentials.
import { SlakitError, type Telemetry } from '@slakit/core';
import { afterEach, describe, expect, it } from 'vitest';
import { httpServer, redirectPair, rssMb, streamHugeBody, trickle } from '../../../test-support/hostile-http.js';
import { pushgatewayPush } from './short-lived.js';
import type { RunResult } from './with-sla.js';

const servers: { close: () => Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
const track = <T extends { close: () => Promise<void> }>(s: T): T => {
  servers.push(s);
  return s;
};

const telemetry = {
  scrape: async () => '# TYPE job_runs_total counter\njob_runs_total{job="cleanup"} 1\n',
} as unknown as Telemetry;
const result = { job: 'cleanup', outcome: 'succeeded' } as RunResult;

/** The push's rejection (or `undefined` when it resolved). */
async function push(options: Parameters<typeof pushgatewayPush>[0]): Promise<{ code?: unknown; message: string } | undefined> {
  try {
    await pushgatewayPush(options)(telemetry, result);
    return undefined;
  } catch (error) {
    return error as { code?: unknown; message: string };
  }
}

describe('pushgatewayPush', () => {
  // First in the file, so the RSS baseline is not disturbed by the other tests.
  it('a 400 MB answer is not buffered: BODY_TOO_LARGE, the connection is dropped, RSS stays flat', async () => {
    let written = () => 0;
    const server = track(await httpServer((_r, res) => (written = streamHugeBody(res, 400 * 1024 * 1024).written)));
    const before = rssMb();
    const error = await push({ url: server.url, timeoutMs: 20_000 });
    expect(rssMb() - before).toBeLessThan(50);
    expect(error?.code).toBe('BODY_TOO_LARGE');
    expect(written()).toBeLessThan(64 * 1024 * 1024);
  });

  for (const status of [301, 302, 307, 308]) {
    it(`a ${status} is a failed push HTTP_${status}: the metrics and headers never reach the second server`, async () => {
      const pair = track(await redirectPair(status));
      const error = await push({ url: pair.redirector.url, headers: { authorization: 'Bearer PG-SECRET' } });
      expect(error?.code).toBe(`HTTP_${status}`);
      expect(pair.redirector.requests).toHaveLength(1);
      expect(pair.target.connections()).toBe(0);
    });
  }

  it('a Pushgateway that never answers, or trickles, fails with TIMEOUT after timeoutMs', async () => {
    const silent = track(await httpServer(() => {}));
    expect((await push({ url: silent.url, timeoutMs: 300 }))?.code).toBe('TIMEOUT');
    const slow = track(await httpServer((_r, res) => trickle(res, 20)));
    expect((await push({ url: slow.url, timeoutMs: 300 }))?.code).toBe('TIMEOUT');
  });

  it('user:password in the URL is sent as basic auth; errors never carry the URL', async () => {
    const server = track(await httpServer((_r, res) => res.writeHead(202).end()));
    expect(await push({ url: `http://pg:pw-SECRET@127.0.0.1:${server.port}` })).toBeUndefined();
    expect(server.requests[0]?.url).toBe('/metrics/job/cleanup');
    expect(server.requests[0]?.headers.authorization).toBe(`Basic ${Buffer.from('pg:pw-SECRET').toString('base64')}`);
    expect(server.requests[0]?.body).toContain('job_runs_total');
    const refused = await push({ url: `http://pg:pw-SECRET@127.0.0.1:9` });
    expect(refused?.code).toBe('ECONNREFUSED');
    expect(refused?.message).not.toContain('pw-SECRET');
  });

  it('refuses a non-http(s) URL and header injection at configuration, echoing neither', () => {
    for (const url of ['ftp://pg:pw-SECRET@h/', 'file:///etc/passwd', 'javascript:pw-SECRET']) {
      let error: unknown;
      try {
        pushgatewayPush({ url });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(SlakitError);
      expect((error as Error).message).not.toContain('pw-SECRET');
      expect(JSON.stringify((error as SlakitError).value ?? null)).not.toContain('pw-SECRET');
    }
    expect(() => pushgatewayPush({ url: 'http://h', headers: { 'x-a': 'v\r\nx-injected: 1' } })).toThrowError(
      expect.objectContaining({ code: 'ERR_SLAKIT_INVALID_OPTION', field: 'headers["x-a"]' }),
    );
    expect(() => pushgatewayPush({ url: 'http://h', timeoutMs: 0 })).toThrowError(
      expect.objectContaining({ field: 'timeoutMs' }),
    );
  });
});
