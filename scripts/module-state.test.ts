import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * No module-level state: importing any entry of any published package (its BUILT files, ESM and CJS) adds, removes
 * or replaces no own property or symbol of `globalThis`. Each entry loads alone in a fresh child process. Packages
 * and entries are discovered from packages/<name>/package.json `exports`, so new packages are covered by default.
 */

const root = new URL('..', import.meta.url).pathname;

interface Entry {
  pkg: string;
  subpath: string;
  format: 'esm' | 'cjs';
  file: string;
}

/** Every `default` target under an `import` / `require` condition (or a bare string target) of `exports`. */
function targets(value: unknown, conditions: string[], out: Array<{ conditions: string[]; file: string }>): void {
  if (typeof value === 'string') out.push({ conditions, file: value });
  else if (value && typeof value === 'object') {
    for (const [key, next] of Object.entries(value)) if (key !== 'types') targets(next, [...conditions, key], out);
  }
}

function entries(): Entry[] {
  const out: Entry[] = [];
  for (const name of readdirSync(join(root, 'packages')).sort()) {
    const manifest = join(root, 'packages', name, 'package.json');
    if (!existsSync(manifest)) continue;
    const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { name: string; type?: string; exports?: unknown };
    const exportsField = pkg.exports ?? { '.': './dist/index.js' };
    const bySubpath =
      typeof exportsField === 'object' && exportsField !== null && Object.keys(exportsField).every((k) => k.startsWith('.'))
        ? (exportsField as Record<string, unknown>)
        : { '.': exportsField };
    for (const [subpath, target] of Object.entries(bySubpath)) {
      if (subpath === './package.json' || subpath.includes('*')) continue;
      const found: Array<{ conditions: string[]; file: string }> = [];
      targets(target, [], found);
      const seen = new Set<string>();
      for (const { conditions, file } of found) {
        if (!/\.(c|m)?js$/.test(file) || seen.has(file)) continue;
        seen.add(file);
        const format: Entry['format'] = conditions.includes('require')
          ? 'cjs'
          : conditions.includes('import')
            ? 'esm'
            : file.endsWith('.cjs') || (!file.endsWith('.mjs') && pkg.type !== 'module')
              ? 'cjs'
              : 'esm';
        out.push({ pkg: pkg.name, subpath, format, file: join(root, 'packages', name, file) });
      }
    }
  }
  return out;
}

/**
 * Runs in the child: snapshots globalThis's own names and symbols around one import. A value counts as replaced when
 * a data property holds another value after the import (Node's lazy globals such as \`TextEncoder\` turn from an
 * accessor into a data property on first read: that is Node's doing, not a module's state).
 */
const CHILD = `
const snapshot = () => {
  const out = new Map();
  for (const key of [...Object.getOwnPropertyNames(globalThis), ...Object.getOwnPropertySymbols(globalThis)]) {
    const d = Object.getOwnPropertyDescriptor(globalThis, key);
    out.set(key, d && 'value' in d ? { value: d.value } : { accessor: true });
  }
  return out;
};
const [format, target] = process.argv.slice(-2);
// A first, discarded snapshot: on Node 24 reading globalThis's descriptors once makes Node itself install its
// undici dispatcher symbols; the probe must not count its own effect as the import's.
snapshot();
const before = snapshot();
const load = format === 'cjs' ? async () => require(target) : () => import(target);
load().then(() => {
  const after = snapshot();
  const name = (k) => (typeof k === 'symbol' ? k.toString() : k);
  const added = [...after.keys()].filter((k) => !before.has(k)).map(name);
  const removed = [...before.keys()].filter((k) => !after.has(k)).map(name);
  const replaced = [...after.keys()]
    .filter((k) => before.has(k) && !before.get(k).accessor && !after.get(k).accessor && !Object.is(before.get(k).value, after.get(k).value))
    .map(name);
  process.stdout.write(JSON.stringify({ added, removed, replaced }));
});`;

// A script file, not \`node -e\`: the eval mode sets its own \`module\` global asynchronously.
const probe = join(mkdtempSync(join(tmpdir(), 'slakit-module-state-')), 'probe.cjs');
writeFileSync(probe, CHILD);

function globalsChangedBy(entry: Entry): { added: string[]; removed: string[]; replaced: string[] } {
  const target = entry.format === 'esm' ? pathToFileURL(entry.file).href : entry.file;
  const out = execFileSync(process.execPath, [probe, entry.format, target], { cwd: root, encoding: 'utf8' });
  return JSON.parse(out);
}

const all = entries();

describe('no module-level state', () => {
  afterAll(() => rmSync(dirname(probe), { recursive: true, force: true }));

  it('finds the built entries of every package (run `pnpm build` first)', () => {
    expect(all.length).toBeGreaterThan(0);
    expect(new Set(all.map((e) => e.pkg))).toContain('@slakit/core');
    for (const entry of all) expect(existsSync(entry.file), `${entry.pkg} ${entry.subpath}: ${entry.file}`).toBe(true);
  });

  it.each(all.map((e) => [`${e.pkg}${e.subpath.slice(1)} (${e.format})`, e] as const))(
    'importing %s leaves globalThis unchanged',
    (_label, entry) => {
      expect(globalsChangedBy(entry)).toEqual({ added: [], removed: [], replaced: [] });
    },
  );
});
