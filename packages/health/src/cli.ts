import { OutboundError, outboundRequest, splitUrlCredentials } from '@slakit/core';
import type { HealthBody } from './types.js';

const MARK = { pass: '✓', warn: '!', fail: '✗' } as const;
const USAGE = 'usage: slakit-health <health url> [--token T] [--timeout ms]';
/** The most of a response body the client reads; a health body is a few KB. */
const MAX_BODY_BYTES = 1024 * 1024;

/** What the server sent, made safe for a terminal: control characters (escape sequences, CR/LF) removed, bounded. */
const printable = (value: unknown) =>
  Array.from(String(value))
    .filter((c) => {
      const code = c.charCodeAt(0);
      return code > 0x1f && (code < 0x7f || code > 0x9f);
    })
    .join('')
    .slice(0, 200);

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
    const v = Array.isArray(entries) ? entries[0]?.observedValue : undefined;
    if (measurement === 'responseTime' && typeof v === 'number' && name) latency.set(name, v);
  }
  for (const [key, entries] of Object.entries(checks)) {
    const [name, measurement] = key.split(':');
    if (
      key === 'uptime' ||
      (measurement === 'responseTime' && Object.keys(checks).some((k) => k.startsWith(`${name}:`) && k !== key))
    )
      continue;
    for (const e of Array.isArray(entries) ? entries : []) {
      const status = statusOf(e?.status);
      const ms = name ? latency.get(name) : undefined;
      const details = [ms !== undefined ? `${Math.round(ms)}ms` : '', e?.output ? printable(e.output) : '']
        .filter(Boolean)
        .join(', ');
      lines.push(`${MARK[status]} ${printable(name)}: ${status.toUpperCase()}${details ? ` (${details})` : ''}`);
    }
  }
  lines.push(`Overall status: ${statusOf(body.status).toUpperCase()}`);
  return lines.join('\n');
}

/** A status from the server: anything but pass/warn counts as fail. */
const statusOf = (s: unknown): HealthBody['status'] => (s === 'pass' || s === 'warn' ? s : 'fail');

/** Exit code of the report: 0 pass, 1 warn, 2 fail (usable as a Docker HEALTHCHECK). */
export function exitCode(status: HealthBody['status'] | undefined): number {
  return status === 'pass' ? 0 : status === 'warn' ? 1 : 2;
}

/**
 * `slakit-health <url> [--token T] [--timeout ms]`: fetches `<url>?verbose`, prints the report, returns the exit code.
 * Redirects are not followed (a 3xx is `FAIL (HTTP_3xx)`: the token never goes to another host), the body is read up
 * to 1 MiB (`BODY_TOO_LARGE`), the whole exchange is bounded by `--timeout` (default 5000 ms). `user:password@` in
 * the URL is sent as basic auth and never printed.
 */
export async function main(argv: string[], out: (line: string) => void = console.log): Promise<number> {
  const usage = USAGE;
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
      maxBodyBytes: MAX_BODY_BYTES,
    });
  } catch (error) {
    return fail(error instanceof OutboundError ? error.code : 'UNREACHABLE');
  }
  let body: HealthBody | undefined;
  try {
    body = JSON.parse(res.body.toString('utf8')) as HealthBody;
  } catch {}
  if (res.status >= 300 && res.status < 400) return fail(`HTTP_${res.status}`);
  if (!body || typeof body !== 'object' || typeof body.status !== 'string') return fail('INVALID_BODY');
  try {
    out(renderReport(body));
  } catch {
    return fail('INVALID_BODY');
  }
  return exitCode(body.status);
}
