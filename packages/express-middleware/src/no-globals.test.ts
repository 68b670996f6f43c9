import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const cwd = new URL('..', import.meta.url).pathname;

// Imports @slakit/core first (what it does at import is core's to check), snapshots globalThis's own keys and
// symbols, imports the built entry of this package and prints what it added.
const probe = (load: string) => `
const keys = () => [...Object.getOwnPropertyNames(globalThis), ...Object.getOwnPropertySymbols(globalThis).map(String)];
(async () => {
  ${load.replace('ENTRY', "'@slakit/core'")};
  const before = keys();
  const mw = ${load.replace('ENTRY', "'./dist/index.JS'")};
  if (typeof mw.instrument !== 'function') throw new Error('entry not loaded');
  process.stdout.write(JSON.stringify(keys().filter((k) => !before.includes(k))));
})();
`;

describe('importing @slakit/express-middleware', () => {
  it.each([
    ['ESM', 'await import(ENTRY)', 'js'],
    ['CommonJS', 'require(ENTRY)', 'cjs'],
  ])('(%s) leaves globalThis own keys and symbols unchanged', (_name, load, ext) => {
    expect(existsSync(new URL(`../dist/index.${ext}`, import.meta.url)), 'run pnpm build first').toBe(true);
    const source = probe(load).replace('index.JS', `index.${ext}`);
    const out = execFileSync(process.execPath, [ext === 'js' ? '--input-type=module' : '--input-type=commonjs', '-e', source], {
      cwd,
      encoding: 'utf8',
    });
    expect(JSON.parse(out)).toEqual([]);
  });
});
