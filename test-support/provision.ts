// vitest global setup: provisions the engines the integration and e2e tests run against, before any test starts.
// On a fresh machine it installs the missing Debian packages (as root, with apt-get) and prints one line per engine;
// when everything is present it only says so. When it cannot install, it fails at once with one line naming the
// packages to install — no test then waits for a binary that will never appear.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** An engine the tests spawn: the binaries they call and the Debian package that ships them. */
export interface Engine {
  name: string;
  debianPackage: string;
  binaries: string[];
}

/** Every engine the test suite needs (services such as Postgres and Redis are started by the tests themselves). */
export const ENGINES: readonly Engine[] = [
  { name: 'Prometheus', debianPackage: 'prometheus', binaries: ['prometheus', 'promtool'] },
  { name: 'Alertmanager', debianPackage: 'prometheus-alertmanager', binaries: ['prometheus-alertmanager', 'amtool'] },
  { name: 'Pushgateway', debianPackage: 'prometheus-pushgateway', binaries: ['prometheus-pushgateway'] },
];

const BIN_DIRS = ['/usr/bin', '/usr/local/bin', '/usr/sbin'];

/** Absolute path of `name` in the system binary folders, or undefined. */
export function findBinary(name: string): string | undefined {
  for (const dir of BIN_DIRS) if (existsSync(`${dir}/${name}`)) return `${dir}/${name}`;
  return undefined;
}

/** The engines of `engines` with at least one binary missing. */
export function missingEngines(engines: readonly Engine[] = ENGINES): Engine[] {
  return engines.filter((e) => e.binaries.some((b) => findBinary(b) === undefined));
}

/** The one line printed when the engines cannot be installed by the test command itself. */
export function installHint(missing: readonly Engine[]): string {
  const pkgs = missing.map((e) => e.debianPackage).join(' ');
  return `slakit tests need ${missing.map((e) => e.name).join(', ')}: run \`sudo apt-get update && sudo apt-get install -y --no-install-recommends ${pkgs}\` (or run the test command as root, which installs them)`;
}

function canInstall(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0 && findBinary('apt-get') !== undefined;
}

function apt(args: string[]): { ok: boolean; output: string } {
  const r = spawnSync('apt-get', args, {
    encoding: 'utf8',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    timeout: 15 * 60_000,
  });
  return { ok: r.status === 0, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

/** Installs what is missing (or throws one line saying what to run). Idempotent and instant when all is present. */
export function provision(
  engines: readonly Engine[] = ENGINES,
  log: (line: string) => void = console.log,
  installable: boolean = canInstall(),
): void {
  const missing = missingEngines(engines);
  if (missing.length === 0) {
    log(`engines: ${engines.map((e) => e.name).join(', ')} present (nothing to install)`);
    return;
  }
  if (!installable) throw new Error(installHint(missing));
  const pkgs = missing.map((e) => e.debianPackage);
  for (const e of missing) log(`engines: provisioning ${e.name} (apt-get install ${e.debianPackage})`);
  const started = Date.now();
  const update = apt(['update', '-qq']);
  if (!update.ok) throw new Error(`apt-get update failed; ${installHint(missing)}\n${update.output.slice(-2000)}`);
  const install = apt(['install', '-y', '-qq', '--no-install-recommends', ...pkgs]);
  const still = missingEngines(missing);
  if (!install.ok || still.length > 0) {
    throw new Error(`apt-get install failed; ${installHint(still.length ? still : missing)}\n${install.output.slice(-2000)}`);
  }
  for (const e of missing) log(`engines: ${e.name} installed (${e.binaries.map((b) => findBinary(b)).join(', ')})`);
  log(`engines: provisioned in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

export default function setup(): void {
  provision();
}
