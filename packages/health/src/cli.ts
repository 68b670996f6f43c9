import { timeoutSignal } from '@slakit/core';
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

/** `slakit-health <url> [--token T] [--timeout ms]`: fetches `<url>?verbose`, prints the report, returns the exit code. */
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
      out('usage: slakit-health <health url> [--token T] [--timeout ms]\nexit code: 0 pass, 1 warn, 2 fail');
      return 0;
    } else url = a;
  }
  if (!url) {
    out('usage: slakit-health <health url> [--token T] [--timeout ms]');
    return 2;
  }
  const target = new URL(url);
  if (!target.searchParams.has('verbose')) target.searchParams.set('verbose', '');
  try {
    const res = await fetch(target, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: timeoutSignal(timeoutMs),
    });
    const body = (await res.json()) as HealthBody;
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
