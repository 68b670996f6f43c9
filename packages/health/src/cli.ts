import { timeoutSignal } from '@slakit/core';
import type { HealthBody } from './health.js';

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

/** Reads at most `MAX_BODY_BYTES` of the body, then drops the connection. */
async function readBounded(res: Response): Promise<string | undefined> {
  const reader = res.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Exit code of the report: 0 pass, 1 warn, 2 fail (usable as a Docker HEALTHCHECK). */
export function exitCode(status: HealthBody['status'] | undefined): number {
  return status === 'pass' ? 0 : status === 'warn' ? 1 : 2;
}

/**
 * `slakit-health <url> [--token T] [--timeout ms]`: fetches `<url>?verbose`, prints the report, returns the exit code.
 * Never follows a redirect (a 3xx is `FAIL (HTTP_3xx)`: the token is never sent elsewhere), reads at most 1 MiB of
 * body (`BODY_TOO_LARGE`), reports a body that is not health JSON as `INVALID_BODY`, and prints what the server sent
 * without control characters. Never rejects.
 */
export async function main(argv: string[], out: (line: string) => void = console.log): Promise<number> {
  const args = [...argv];
  let token: string | undefined;
  let timeoutMs = 5000;
  let url: string | undefined;
  while (args.length > 0) {
    const a = args.shift() as string;
    if (a === '--token') token = args.shift();
    else if (a === '--timeout') timeoutMs = Number(args.shift());
    else if (a === '--help' || a === '-h') {
      out(`${USAGE}\nexit code: 0 pass, 1 warn, 2 fail`);
      return 0;
    } else url = a;
  }
  let target: URL;
  try {
    target = new URL(url ?? '');
    if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new Error('not http(s)');
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new Error('bad timeout');
  } catch {
    out(USAGE);
    return 2;
  }
  if (!target.searchParams.has('verbose')) target.searchParams.set('verbose', '');
  const failed = (code: string) => {
    out(`✗ ${printable(target.host)}: FAIL (${code})\nOverall status: FAIL`);
    return 2;
  };
  try {
    const res = await fetch(target, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: timeoutSignal(timeoutMs),
      redirect: 'manual',
    });
    if (res.status >= 300 && res.status < 400) {
      await res.body?.cancel().catch(() => {});
      return failed(`HTTP_${res.status}`);
    }
    const text = await readBounded(res);
    if (text === undefined) return failed('BODY_TOO_LARGE');
    let body: HealthBody;
    try {
      body = JSON.parse(text) as HealthBody;
    } catch {
      body = undefined as unknown as HealthBody;
    }
    if (!body || typeof body !== 'object' || typeof body.status !== 'string') return failed('INVALID_BODY');
    out(renderReport(body));
    return exitCode(body.status);
  } catch (error) {
    const e = error as { name?: string; cause?: { code?: string } };
    out(
      `✗ ${target.host}: FAIL (${e.cause?.code ?? (e.name === 'TimeoutError' ? 'TIMEOUT' : 'UNREACHABLE')})\nOverall status: FAIL`,
    );
    return 2;
  }
}
