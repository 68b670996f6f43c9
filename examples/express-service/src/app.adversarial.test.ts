// Issue #26 item 17 (and the demo side of item 13): the demo answers errors with JSON — no stack trace, no file
// paths, 400 for a malformed JSON body — and logs them through slakit's redacting logger, never the raw body.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type DemoService, startDemo } from './app.js';

const TOKEN = 'demo-admin-token';
const lines: Record<string, unknown>[] = [];
const destination = new Writable({
  write(chunk, _enc, done) {
    for (const l of String(chunk).split('\n')) if (l.startsWith('{')) lines.push(JSON.parse(l) as Record<string, unknown>);
    done();
  },
});
let demo: DemoService;
const printed: string[] = [];

beforeAll(async () => {
  // Express's default handler prints the stack (and a JSON SyntaxError quotes the body) with console.error.
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void printed.push(args.map(String).join(' ')));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    printed.push(String(chunk));
    return true;
  });
  demo = await startDemo({
    port: 0,
    host: '127.0.0.1',
    env: { OPS_ADMIN_TOKEN: TOKEN, DATABASE_URL: '', REDIS_URL: '' },
    telemetry: { logger: { destination, level: 'info' } },
  });
});

afterAll(async () => {
  await demo?.close();
  vi.restoreAllMocks();
});

describe('the demo error handler', () => {
  it.each([
    ['GET /boom (a thrown TypeError)', '/boom', {}, 500, 'internal'],
    [
      'POST /orders with malformed JSON',
      '/orders',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"password":"hunter2", "items": [' },
      400,
      'invalid_body',
    ],
    [
      'POST /orders over the 16 kB limit',
      '/orders',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ password: 'hunter2'.repeat(4000) }),
      },
      413,
      'payload_too_large',
    ],
  ] as [string, string, RequestInit, number, string][])(
    '%s → JSON, nothing secret printed or logged',
    async (_l, path, init, status, error) => {
      const res = await fetch(`${demo.url}${path}`, init);
      const text = await res.text();
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(JSON.parse(text)).toMatchObject({ error });
      expect(text).not.toMatch(/hunter2|at |\/src\/|node_modules|<html|<pre|TypeError/i);
      await new Promise((r) => setTimeout(r, 20));
      expect(printed.join('')).not.toMatch(/hunter2|TypeError: a deliberate/);
      expect(JSON.stringify(lines)).not.toContain('hunter2');
      const logged = lines.find((l) => typeof l.msg === 'string' && l.msg.includes(`${status} ${error}`));
      expect(logged, `a log line for ${path}`).toBeDefined();
    },
  );

  it('the admin ops routes need the CSRF header (or JSON) as documented', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    const bare = await fetch(`${demo.url}/ops/jobs/cleanup_blacklist/run`, { method: 'POST', headers: auth });
    expect(bare.status).toBe(403);
    expect(await bare.json()).toMatchObject({ error: 'csrf_missing_header' });
    const ok = await fetch(`${demo.url}/ops/jobs/cleanup_blacklist/run`, {
      method: 'POST',
      headers: { ...auth, 'x-slakit-request': '1' },
    });
    expect([202, 409]).toContain(ok.status);
  });
});
