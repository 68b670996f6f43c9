import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without types
import { checkPackage } from './check-peer-deps.mjs';

function fakePackage(pkg: object, source: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'slakit-peer-'));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg));
  writeFileSync(join(dir, 'src', 'index.ts'), source);
  return dir;
}

describe('check-peer-deps', () => {
  it('flags a client library listed as a plain dependency', () => {
    const dir = fakePackage({ name: 'x', dependencies: { pg: '^8' }, peerDependencies: { pg: '^8' } }, '');
    expect(checkPackage(dir)).toEqual(['x: "pg" is a dependency; it must be a peerDependency']);
  });
  it('flags an imported client library that is not a peer', () => {
    const dir = fakePackage({ name: 'y' }, "import { trace } from '@opentelemetry/api';\nconst r = require('ioredis');");
    expect(checkPackage(dir)).toHaveLength(2);
  });
  it('accepts peers', () => {
    const dir = fakePackage(
      { name: 'z', peerDependencies: { '@opentelemetry/api': '^1.9.0' } },
      "import { trace } from '@opentelemetry/api';",
    );
    expect(checkPackage(dir)).toEqual([]);
  });
});
