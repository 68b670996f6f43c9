// The `slakit` CLI's rough edges of issue #25 (item 7), each a case that failed before: --version, per-command help,
// an unreachable Prometheus named with its cause, two config files, exit codes.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from './cli.js';
import { COMMANDS, EXIT } from './usage.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'slakit-cli-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

async function run(argv: string[], cwd = project({})) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t), cwd, env: {} });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const CONFIG = JSON.stringify({ service: 'shop', slos: [{ name: 'a', kind: 'availability', objective: 99 }] });

describe('slakit CLI', () => {
  it('--version and -v print the package version', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    for (const flag of ['--version', '-v']) expect(await run([flag])).toEqual({ code: EXIT.ok, out: version, err: '' });
  });

  it('<command> --help and help <command> print that command’s usage, not the global one', async () => {
    for (const command of COMMANDS) {
      const viaFlag = await run([command, '--help']);
      expect(viaFlag.code).toBe(EXIT.ok);
      expect(viaFlag.out).toMatch(new RegExp(`^usage: slakit ${command}\\b`));
      expect((await run(['help', command])).out).toBe(viaFlag.out);
    }
    expect((await run(['--help'])).out).toMatch(/^usage: slakit <command>/);
  });

  it('an unknown option shows the usage of its command and exits 2', async () => {
    const r = await run(['rules', '--nope']);
    expect(r.code).toBe(EXIT.usage);
    expect(r.err).toContain("Unknown option '--nope'");
    expect(r.err).toContain('usage: slakit rules');
  });

  it('an unreachable Prometheus is named with its cause and a hint — never its credentials; exit 3', async () => {
    const cwd = project({ 'slakit.config.json': CONFIG });
    const r = await run(['report', '--prometheus', 'http://scraper:s3cret@127.0.0.1:1/prom'], cwd);
    expect(r.code).toBe(EXIT.unreachable);
    expect(r.err).toContain('Prometheus at http://127.0.0.1:1 cannot be reached: ECONNREFUSED');
    expect(r.err).toContain('is Prometheus running');
    expect(r.err).not.toContain('s3cret');
    expect(r.err).not.toContain('scraper');
  });

  it('two config files are an error naming both (not one picked silently); --config picks', async () => {
    const cwd = project({ 'slakit.config.json': CONFIG, 'slakit.config.yaml': 'service: other\n' });
    const r = await run(['validate'], cwd);
    expect(r.code).toBe(EXIT.usage);
    expect(r.err).toContain('slakit.config.yaml, slakit.config.json');
    expect(r.err).toContain('--config');
    const picked = await run(['validate', '--config', 'slakit.config.yaml'], cwd);
    expect(picked.code).toBe(EXIT.ok);
    expect(JSON.parse(picked.out).service).toBe('other');
  });

  it('a bad job name is reported on `jobs`, a bad time zone on `.timezone`; exit 2', async () => {
    const bad = project({ 'slakit.config.json': JSON.stringify({ service: 's', jobs: { 'Bad Name': { budgetSeconds: 1 } } }) });
    const r = await run(['validate'], bad);
    expect(r.code).toBe(EXIT.usage);
    expect(r.err).toContain('jobs keys must each be a job name');
    expect(r.err).toContain('got key "Bad Name"');
    const tz = project({
      'slakit.config.json': JSON.stringify({
        service: 's',
        jobs: { j: { budgetSeconds: 1, schedule: '0 * * * *', timezone: 'Mars/Olympus' } },
      }),
    });
    expect((await run(['validate'], tz)).err).toContain('jobs.j.timezone must be an IANA time zone');
  });
});
