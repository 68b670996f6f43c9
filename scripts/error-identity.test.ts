// One SlakitError class serves every entry of the built packages (issue #18): an error thrown by a subpath entry of
// @slakit/core, or by @slakit/cli, is `instanceof` the class of `@slakit/core`'s root, in ESM and in CommonJS.
// Runs against dist/ (run `pnpm build` first), each format in its own child process.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;
const packages = join(root, 'packages');

function probe(
  mode: 'esm' | 'cjs',
): Record<string, { name?: string; code?: string; instanceOfRoot: boolean; sameClass: boolean }> {
  const out = execFileSync(process.execPath, [join(root, 'scripts', 'error-identity-probe.mjs'), mode, packages], {
    encoding: 'utf8',
  });
  return JSON.parse(out);
}

describe('SlakitError identity across built entries', () => {
  it.each(['esm', 'cjs'] as const)('%s: errors of @slakit/core/testing and @slakit/cli are instanceof the root class', (mode) => {
    const report = probe(mode);
    expect(Object.keys(report)).toEqual([
      '@slakit/core',
      '@slakit/core/testing',
      '@slakit/cli loadConfigFile',
      '@slakit/cli generateAlertmanagerConfig',
    ]);
    for (const [entry, r] of Object.entries(report)) {
      expect(r.name, entry).toBe('SlakitError');
      expect(r.code, entry).toMatch(/^ERR_SLAKIT_/);
      expect(r.instanceOfRoot, entry).toBe(true);
      expect(r.sameClass, entry).toBe(true);
    }
  });

  it.each(['.js', '.cjs'])('core defines SlakitError in exactly one built %s file (a shared chunk)', (ext) => {
    const dist = join(packages, 'core', 'dist');
    const defining = readdirSync(dist)
      .filter((f) => f.endsWith(ext))
      .filter((f) => /\bSlakitError = class\b|\bclass SlakitError\b/.test(readFileSync(join(dist, f), 'utf8')));
    expect(defining).toHaveLength(1);
  });
});
