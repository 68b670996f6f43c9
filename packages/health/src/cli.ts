import { OutboundError, outboundRequest, splitUrlCredentials } from '@slakit/core';
import type { HealthBody } from './health.js';

const MARK = { pass: '✓', warn: '!', fail: '✗' } as const;

/**
 * Renders a health body as the seed 000 report: one line per check (`✓ db: PASS (12ms)`), then
 * `Overall status: PASS`. Latency comes from the `name:responseTime` entries of the detailed view.
 */
export function renderReport(body: HealthBody): string {
  const lines: string[] = [];
  const checks = body.checks ?? {};
  const latency = new Map<string, number>();
  for (const [key, entries] of Object.entries(checks)) {
    const [name, measurement] = key.split(':');
    const v = entries[0]?.observedValue;
    if (measurement === 'responseTime' && typeof v === 'number' && name) latency.set(name, v);
  }
  for (const [key, entries] of Object.entries(checks)) {
    const [name, measurement] = key.split(':');
    if (
      key === 'uptime' ||
      (measurement === 'responseTime' && Object.keys(checks).some((k) => k.startsWith(`${name}:`) && k !== key))
    )
      continue;
    for (const e of entries) {
      const ms = name ? latency.get(name) : undefined;
      const details = [ms !== undefined ? `${Math.round(ms)}ms` : '', e.output ? e.output : ''].filter(Boolean).join(', ');
      lines.push(`${MARK[e.status]} ${name}: ${e.status.toUpperCase()}${details ? ` (${details})` : ''}`);
    }
  }
  lines.push(`Overall status: ${body.status.toUpperCase()}`);
  return lines.join('\n');
}

/** Exit code of the report: 0 pass, 1 warn, 2 fail (usable as a Docker HEALTHCHECK). */
export function exitCode(status: HealthBody['status'] | undefined): number {
  return status === 'pass' ? 0 : status === 'warn' ? 1 : 2;
}

/** Most bytes of a health body the CLI reads (a detailed view is a few KB). */
const CLI_MAX_BODY_BYTES = 1024 * 1024;

/** Removes control characters (but newlines) a hostile endpoint could use to rewrite the terminal. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
const printable = (text: string) => text.replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '');

/**
 * `slakit-health <url> [--token T] [--timeout ms]`: fetches `<url>?verbose`, prints the report, returns the exit code.
 * Redirects are not followed (a 3xx is `FAIL (HTTP_3xx)`: the token never goes to another host), the body is read up
 * to 1 MiB (`BODY_TOO_LARGE`), the whole exchange is bounded by `--timeout` (default 5000 ms). `user:password@` in
 * the URL is sent as basic auth and never printed.
 */
export async function main(argv: string[], out: (line: string) => void = console.log): Promise<number> {
  const usage = 'usage: slakit-health <health url> [--token T] [--timeout ms]';
  const args = [...argv];
  let token: string | undefined;
  let timeoutMs = 5000;
  let url: string | undefined;
  while (args.length > 0) {
    const a = args.shift() as string;
    if (a === '--token') token = args.shift();
    else if (a === '--timeout') timeoutMs = Number(args.shift());
    else if (a === '--help' || a === '-h') {
      out(`${usage}\nexit code: 0 pass, 1 warn, 2 fail`);
      return 0;
    } else url = a;
  }
  const parsed = url === undefined ? undefined : splitUrlCredentials(url);
  if (!parsed) {
    out(url === undefined ? usage : `slakit-health: the health url must be an http(s) URL\n${usage}`);
    return 2;
  }
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
    out(`slakit-health: --timeout must be a number of ms > 0\n${usage}`);
    return 2;
  }
  const target = new URL(url as string);
  if (!target.searchParams.has('verbose')) target.searchParams.set('verbose', '');
  const host = parsed.url.host;
  const fail = (code: string) => {
    out(`✗ ${host}: FAIL (${code})\nOverall status: FAIL`);
    return 2;
  };
  let res: Awaited<ReturnType<typeof outboundRequest>>;
  try {
    res = await outboundRequest(target, {
      headers: { accept: 'application/health+json, application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      timeoutMs,
      maxBodyBytes: CLI_MAX_BODY_BYTES,
    });
  } catch (error) {
    return fail(error instanceof OutboundError ? error.code : 'UNREACHABLE');
  }
  let body: HealthBody | undefined;
  try {
    body = JSON.parse(res.body.toString('utf8')) as HealthBody;
  } catch {}
  if ((res.status >= 300 && res.status < 400) || typeof body?.status !== 'string') return fail(`HTTP_${res.status}`);
  try {
    out(printable(renderReport(body)));
  } catch {
    return fail('INVALID_BODY');
  }
  return exitCode(body.status);
}
