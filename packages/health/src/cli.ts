import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { OutboundError, outboundRequest, splitUrlCredentials } from '@slakit/core';
import type { HealthBody } from './types.js';

const MARK = { pass: '✓', warn: '!', fail: '✗' } as const;
const USAGE = `usage: slakit-health <health url> [--token T] [--timeout ms] [--json]
       slakit-health --version | --help
exit codes: 0 pass, 1 warn, 2 fail (the service's, or unreachable), 64 usage error`;
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

/** Exit code of a command-line mistake (sysexits' EX_USAGE): never one of the health verdicts. */
export const EXIT_USAGE = 64;

/** Exit code of the report: 0 pass, 1 warn, 2 fail (usable as a Docker HEALTHCHECK). */
export function exitCode(status: HealthBody['status'] | undefined): number {
  return status === 'pass' ? 0 : status === 'warn' ? 1 : 2;
}

/** The parsed command line, or the usage error's text. */
function parseCommandLine(
  argv: string[],
): { url?: string; token?: string; timeout?: string; json: boolean; help: boolean; version: boolean } | string {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        token: { type: 'string' },
        timeout: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
    if (positionals.length > 1) return `one health url, got ${positionals.length} arguments`;
    return {
      ...values,
      url: positionals[0],
      json: values.json === true,
      help: values.help === true,
      version: values.version === true,
    };
  } catch (error) {
    return printable((error as Error).message);
  }
}

/** A line printer for the report, or the JSON document with `--json`. */
function reporter(out: (line: string) => void, json: boolean) {
  return {
    body(body: HealthBody): void {
      out(json ? JSON.stringify(body) : renderReport(body));
    },
    fail(host: string, code: string): number {
      out(json ? JSON.stringify({ status: 'fail', error: code, host }) : `✗ ${host}: FAIL (${code})\nOverall status: FAIL`);
      return 2;
    },
  };
}

/**
 * `slakit-health <url> [--token T] [--timeout ms] [--json]`: fetches `<url>?verbose`, prints the report (or with
 * `--json` the health body as one JSON line; on failure `{"status":"fail","error":CODE,"host":…}`), returns the exit
 * code: 0 pass, 1 warn, 2 fail, {@link EXIT_USAGE} (64) for a usage error (unknown flag, bad URL or timeout).
 * Redirects are not followed (a 3xx is `FAIL (HTTP_3xx)`: the token never goes to another host), the body is read up
 * to 1 MiB (`BODY_TOO_LARGE`), the whole exchange is bounded by `--timeout` (default 5000 ms). `user:password@` in
 * the URL is sent as basic auth and never printed.
 */
export async function main(argv: string[], out: (line: string) => void = console.log): Promise<number> {
  const args = parseCommandLine(argv);
  if (typeof args === 'string') {
    out(`slakit-health: ${args}\n${USAGE}`);
    return EXIT_USAGE;
  }
  if (args.help) {
    out(USAGE);
    return 0;
  }
  if (args.version) {
    out(String((createRequire(import.meta.url)('../package.json') as { version?: unknown }).version));
    return 0;
  }
  const { url, token, json } = args;
  const timeoutMs = args.timeout === undefined ? 5000 : Number(args.timeout);
  const parsed = url === undefined ? undefined : splitUrlCredentials(url);
  if (!parsed) {
    out(url === undefined ? USAGE : `slakit-health: the health url must be an http(s) URL\n${USAGE}`);
    return EXIT_USAGE;
  }
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
    out(`slakit-health: --timeout must be a number of ms > 0\n${USAGE}`);
    return EXIT_USAGE;
  }
  const target = new URL(url as string);
  if (!target.searchParams.has('verbose')) target.searchParams.set('verbose', '');
  const host = parsed.url.host;
  const report = reporter(out, json);
  let res: Awaited<ReturnType<typeof outboundRequest>>;
  try {
    res = await outboundRequest(target, {
      headers: { accept: 'application/health+json, application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      timeoutMs,
      maxBodyBytes: MAX_BODY_BYTES,
    });
  } catch (error) {
    return report.fail(host, error instanceof OutboundError ? error.code : 'UNREACHABLE');
  }
  let body: HealthBody | undefined;
  try {
    body = JSON.parse(res.body.toString('utf8')) as HealthBody;
  } catch {}
  if (res.status >= 300 && res.status < 400) return report.fail(host, `HTTP_${res.status}`);
  if (!body || typeof body !== 'object' || typeof body.status !== 'string') return report.fail(host, 'INVALID_BODY');
  try {
    report.body(body);
  } catch {
    return report.fail(host, 'INVALID_BODY');
  }
  return exitCode(body.status);
}
