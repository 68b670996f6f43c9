// Beyond the listed items of issue #26: the slakit-health client against a hostile or broken server.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { closeServers } from '../../../test-support/hostile-http.js';
import { main } from './cli.js';

const servers: Server[] = [];
afterEach(async () => {
  await closeServers(servers);
});
async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
async function run(args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await main(args, (l) => lines.push(l));
  return { code, out: lines.join('\n') };
}
const body = (status: string, checks: Record<string, unknown[]> = {}) => JSON.stringify({ status, checks });

describe('slakit-health against a hostile server', () => {
  it('never follows a redirect: the token is not sent to another host, a 3xx is a failure', async () => {
    const seen: (string | undefined)[] = [];
    const other = await serve((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(200, { 'content-type': 'application/health+json' });
      res.end(body('pass'));
    });
    for (const status of [301, 302, 307, 308]) {
      const url = await serve((_req, res) => {
        res.writeHead(status, { location: `${other.replace('127.0.0.1', 'localhost')}/health?verbose` });
        res.end();
      });
      const { code, out } = await run([`${url}/health`, '--token', 'sekret']);
      expect(code).toBe(2);
      expect(out).toContain(`HTTP_${status}`);
    }
    expect(seen).toEqual([]);
  });

  it('a bad URL, a bad --timeout or an unknown flag is a usage error (exit 64, never a verdict), not a crash', async () => {
    for (const args of [
      ['not a url'],
      ['ftp://x/health'],
      ['http://127.0.0.1:1/health', '--timeout', 'soon'],
      ['--version2'],
      ['http://127.0.0.1:1/health', '--tokn', 'x'],
      ['http://127.0.0.1:1/health', 'http://127.0.0.1:2/health'],
      ['http://127.0.0.1:1/health', '--token'],
      [],
    ]) {
      const { code, out } = await run(args);
      expect(code, args.join(' ')).toBe(64);
      expect(out).toMatch(/usage: slakit-health/);
    }
  });

  it('--version prints the package version; --json prints the body, or {status:fail,error} (exit codes unchanged)', async () => {
    const { readFileSync } = await import('node:fs');
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(await run(['--version'])).toEqual({ code: 0, out: version });
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/health+json' });
      res.end(body('warn', { 'db:responseTime': [{ status: 'warn', observedValue: 12, output: '\u001b[31mslow' }] }));
    });
    const warn = await run([`${url}/health`, '--json']);
    expect(warn.code).toBe(1);
    expect(JSON.parse(warn.out)).toMatchObject({ status: 'warn', checks: { 'db:responseTime': [{ output: '\u001b[31mslow' }] } });
    expect(warn.out).not.toContain('\u001b'); // the escape is JSON-escaped, never raw on the terminal
    const down = await run(['http://127.0.0.1:1/health', '--json']);
    expect(down.code).toBe(2);
    expect(JSON.parse(down.out)).toEqual({ status: 'fail', error: 'ECONNREFUSED', host: '127.0.0.1:1' });
  });

  it('a body that is not health JSON is INVALID_BODY; a huge body is cut, not buffered', async () => {
    const html = await serve((_req, res) => {
      res.writeHead(500, { 'content-type': 'text/html' });
      res.end('<html>stack trace at /srv/app.js:12</html>');
    });
    expect(await run([`${html}/health`])).toEqual({ code: 2, out: expect.stringContaining('INVALID_BODY') });

    let written = 0;
    let closed = false;
    const huge = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/health+json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        while (!closed && written < 200 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => {
        closed = true;
      });
      pump();
    });
    const { code, out } = await run([`${huge}/health`]);
    expect(code).toBe(2);
    expect(out).toContain('BODY_TOO_LARGE');
    expect(written).toBeLessThan(50 * 1024 * 1024);
  });

  it('strips terminal control sequences from what the server sends', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/health+json' });
      res.end(
        body('fail', {
          'db\u001b[2J:status': [{ status: 'fail', output: 'X\u001b]0;pwned\u0007\r\nOverall status: PASS' }],
        }),
      );
    });
    const { code, out } = await run([`${url}/health`]);
    expect(code).toBe(2);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the point of the test
    expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(out.split('\n').filter((l) => l.startsWith('Overall status'))).toEqual(['Overall status: FAIL']);
  });
});
