import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist') return [];
    return statSync(path).isDirectory() ? sourceFiles(path) : [relative(root, path)];
  });
}

// docs/architecture.md names the files of each data path; a rename that forgets the doc fails here.
describe('docs/architecture.md', () => {
  const doc = readFileSync(join(root, 'docs/architecture.md'), 'utf8');
  const files = ['packages', 'scripts', 'e2e'].flatMap((dir) => sourceFiles(join(root, dir)));
  const named = [...doc.matchAll(/`([\w./{},*-]+\.(?:ts|mjs))`/g)].map((m) => m[1] as string);

  it('names files (the check reads something)', () => {
    expect(named.length).toBeGreaterThan(40);
  });

  it('names only files that exist', () => {
    const expand = (name: string): string[] => {
      const braces = /\{([^}]+)\}/.exec(name);
      if (!braces) return [name];
      return (braces[1] as string).split(',').flatMap((part) => expand(name.replace(braces[0], part)));
    };
    const missing = named
      .flatMap(expand)
      .filter((name) => !name.includes('*'))
      .filter((name) => !files.some((file) => file === name || file.endsWith(`/${name}`)));
    expect(missing).toEqual([]);
  });

  it('lists every package of packages/', () => {
    for (const pkg of readdirSync(join(root, 'packages'))) {
      const { name } = JSON.parse(readFileSync(join(root, 'packages', pkg, 'package.json'), 'utf8')) as { name: string };
      expect(doc, name).toContain(`\`${name}\``);
    }
  });
});
