import { createRequire } from 'node:module';

/** Config files looked up in the current directory when `--config` is not given (exactly one may exist). */
export const DEFAULT_CONFIG_FILES = [
  'slakit.config.ts',
  'slakit.config.mts',
  'slakit.config.js',
  'slakit.config.mjs',
  'slakit.config.cjs',
  'slakit.config.yaml',
  'slakit.config.yml',
  'slakit.config.json',
];

/** The commands of the `slakit` CLI. */
export const COMMANDS = ['validate', 'rules', 'alertmanager', 'dashboards', 'report'] as const;
export type Command = (typeof COMMANDS)[number];

/** Exit codes of the `slakit` CLI (docs/configuration.md, packages/cli/README.md). */
export const EXIT = { ok: 0, fail: 1, usage: 2, unreachable: 3 } as const;

const CONFIG_NOTE = `--config defaults to the one of ${DEFAULT_CONFIG_FILES.join(', ')} in the current directory
(two of them present is an error: pass --config).`;
const EXIT_NOTE = 'exit codes: 0 ok, 1 report FAIL or NO_DATA, 2 usage or config error, 3 Prometheus unreachable or query error';

/** One usage text per command (`slakit <command> --help`). */
export const COMMAND_USAGE: Record<Command, string> = {
  validate: `usage: slakit validate [--config <file>]

Checks the config and prints it with every default filled in (JSON); exit 2 naming the first invalid field.`,
  rules: `usage: slakit rules [--config <file>] [--out <dir>]

Writes the Prometheus rule file <service>.rules.yml (to stdout without --out): SLO burn-rate and budget rules,
job, queue and health alerts. Check it with \`promtool check rules\`.`,
  alertmanager: `usage: slakit alertmanager [--config <file>] [--out <dir>] [--secrets env|file] [--secrets-dir <dir>]

Writes alertmanager.yml: routes by severity to the config's receivers; secrets as \${ENV} placeholders (default) or
*_file paths under --secrets-dir.`,
  dashboards: `usage: slakit dashboards [--config <file>] [--out <dir>]

Writes the Grafana dashboards <service>-http.json, -jobs.json, -queues.json, -health.json.`,
  report: `usage: slakit report --prometheus <url> [--config <file>] [--window 30d] [--json] [--timeout <ms>]
                     [--allow-no-data] [--prometheus-auth <user:password | "Bearer <token>">]
                     [--max-response-bytes <n>]

SLA compliance report over the window; exit 1 when an objective FAILs or has no data (NO_DATA is not a pass unless
--allow-no-data). Credentials: --prometheus-auth, else $SLAKIT_PROMETHEUS_AUTH (same forms; preferred: not visible
in the process list), else user:password@ in the URL. Never printed. Redirects are not followed; answers over
--max-response-bytes (default 4194304) fail with BODY_TOO_LARGE.`,
};

/** The global usage text (`slakit --help`). */
export const USAGE = `usage: slakit <command> [--config <file>] [options]     (slakit <command> --help for its options)

commands:
  validate                         check the config; print it with defaults filled in (JSON)
  rules        [--out <dir>]       Prometheus rule file (<service>.rules.yml)
  alertmanager [--out <dir>] [--secrets env|file] [--secrets-dir <dir>]
                                   Alertmanager config (alertmanager.yml); secrets as \${ENV} or *_file
  dashboards   [--out <dir>]       Grafana dashboards (<service>-http.json, -jobs.json, -queues.json, -health.json)
  report --prometheus <url> [--window 30d] [--json] [--timeout <ms>] [--allow-no-data] [--prometheus-auth …]
                                   SLA compliance report; exit 1 when an objective FAILs or has no data
options: --version (-v), --help (-h)

${CONFIG_NOTE}
${EXIT_NOTE}`;

/** The version of @slakit/cli (its package.json, one directory above dist/ and src/). */
export function cliVersion(): string {
  const manifest = createRequire(import.meta.url)('../package.json') as { version?: unknown };
  return typeof manifest.version === 'string' ? manifest.version : 'unknown';
}

/** The text of a failure with its causes (`fetch failed: connect ECONNREFUSED 127.0.0.1:9090`), never a URL's secrets. */
export function describeFailure(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 4; depth++) {
    const e = current as { message?: unknown; code?: unknown; cause?: unknown };
    const text = typeof e.message === 'string' && e.message !== '' ? e.message : String(current);
    if (!parts.some((p) => p.includes(text))) parts.push(text);
    current = e.cause;
  }
  return parts.join(': ').replace(/\/\/[^/@\s]*@/g, '//');
}
