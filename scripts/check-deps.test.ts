import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without types
import { checkDeps } from './check-deps.mjs';
import { fixtureTree } from './lib/fixture.js';

const core = {
  'packages/core/package.json': { name: '@slakit/core' },
  'packages/core/src/index.ts': "export * from './a.js';\nexport type { B } from './b.js';\n",
  'packages/core/src/a.ts': "import type { B } from './b.js';\nexport const a = (b: B) => b;\n",
  'packages/core/src/b.ts': 'export type B = number;\n',
  'packages/core/src/a.test.ts': "import { health } from '@slakit/health';\nimport { a } from './index.js';\n",
};
const health = {
  'packages/health/package.json': { name: '@slakit/health', dependencies: { '@slakit/core': 'workspace:^' } },
  'packages/health/src/index.ts':
    "import { a } from '@slakit/core';\nimport type { T } from '@slakit/core/testing';\nexport const h = a;\n",
};
const jobs = {
  'packages/job-wrapper/package.json': { name: '@slakit/job-wrapper', peerDependencies: { '@slakit/core': '*' } },
  'packages/job-wrapper/src/index.ts': "export const j = () => import('@slakit/core');\n",
};

describe('check-deps', () => {
  it('passes a clean tree: core ← the others, no cycles (tests may import anything)', () => {
    const { problems, results } = checkDeps(fixtureTree({ ...core, ...health, ...jobs }));
    expect(problems).toEqual([]);
    expect(results.map((r: { name: string; dependsOn: string[] }) => [r.name, r.dependsOn])).toEqual([
      ['@slakit/core', []],
      ['@slakit/health', ['@slakit/core']],
      ['@slakit/job-wrapper', ['@slakit/core']],
    ]);
  });

  it('fails on an import between two non-core packages, naming the file, the line and the import', () => {
    const root = fixtureTree({
      ...core,
      ...health,
      ...jobs,
      'packages/health/src/jobs.ts': "import { a } from '@slakit/core';\nimport type { Job } from '@slakit/job-wrapper';\n",
    });
    expect(checkDeps(root).problems).toEqual([
      'packages/health/src/jobs.ts:2: type import "@slakit/job-wrapper" in @slakit/health (only @slakit/core and @slakit/http are allowed)',
    ]);
  });

  it('fails on require(), import() and re-exports of a sibling, and on a manifest listing one', () => {
    const root = fixtureTree({
      ...core,
      ...jobs,
      'packages/health/package.json': { name: '@slakit/health', optionalDependencies: { '@slakit/job-wrapper': '*' } },
      'packages/health/src/index.ts':
        "const x = require('@slakit/job-wrapper');\nexport const y = import('@slakit/ops');\nexport { z } from '@slakit/cli/sub';\n",
    });
    expect(checkDeps(root).problems).toEqual([
      'packages/health/package.json: optionalDependencies lists "@slakit/job-wrapper" (only @slakit/core and @slakit/http are allowed)',
      'packages/health/src/index.ts:1: import "@slakit/job-wrapper" in @slakit/health (only @slakit/core and @slakit/http are allowed)',
      'packages/health/src/index.ts:2: import "@slakit/ops" in @slakit/health (only @slakit/core and @slakit/http are allowed)',
      'packages/health/src/index.ts:3: import "@slakit/cli/sub" in @slakit/health (only @slakit/core and @slakit/http are allowed)',
    ]);
  });

  it('fails when core imports any @slakit package or a relative path leaves the package', () => {
    const root = fixtureTree({
      ...core,
      ...health,
      'packages/core/package.json': { name: '@slakit/core', peerDependencies: { '@slakit/health': '*' } },
      'packages/core/src/b.ts': "import type { H } from '@slakit/health';\nexport type B = H;\n",
      'packages/health/src/index.ts': "import { a } from '../../core/src/a.js';\n",
    });
    expect(checkDeps(root).problems).toEqual([
      'packages/core/package.json: peerDependencies lists "@slakit/health" (@slakit/core must not depend on any @slakit/* package)',
      'packages/core/src/b.ts:1: type import "@slakit/health" in @slakit/core (@slakit/core must not depend on any @slakit/* package)',
      'packages/health/src/index.ts:1: import "../../core/src/a.js" reaches outside @slakit/health (import the package by name)',
    ]);
  });

  it('fails on an import cycle between files of a package (type-only imports count), naming the files', () => {
    const root = fixtureTree({
      ...core,
      'packages/core/src/b.ts': "import type { Thing } from './c/index.js';\nexport type B = Thing;\n",
      'packages/core/src/c/index.ts': "export type { Thing } from './thing.js';\n",
      'packages/core/src/c/thing.ts': "import { a } from '../a.js';\nexport type Thing = typeof a;\n",
    });
    expect(checkDeps(root).problems).toEqual([
      'import cycle in @slakit/core: packages/core/src/a.ts → packages/core/src/b.ts → packages/core/src/c/index.ts → packages/core/src/c/thing.ts → packages/core/src/a.ts',
    ]);
  });
});
