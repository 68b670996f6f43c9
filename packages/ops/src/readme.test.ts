// The quick start at the top of packages/ops/README.md runs as written against the built package (`pnpm build`
// first) and exits by itself: the first ```js block, executed by Node from the package directory.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const dir = fileURLToPath(new URL('..', import.meta.url));

describe('packages/ops/README.md', () => {
  it('starts with a quick start of at most 10 lines that runs and exits cleanly', async () => {
    const readme = readFileSync(`${dir}README.md`, 'utf8');
    const block = /^# @slakit\/ops\n\n```js\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block, 'the README opens with a ```js block').toBeDefined();
    const code = block as string;
    expect(code.trimEnd().split('\n').length).toBeLessThanOrEqual(10);
    expect(existsSync(`${dir}dist/index.js`), 'packages/ops is built (run `pnpm build` first)').toBe(true);
    // Run from the package directory: `@slakit/ops` resolves to this package (self-reference through its exports).
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', code], {
      cwd: dir,
      timeout: 20_000,
    });
    expect(stdout).toContain("status: 'PASS'");
    expect(stdout).toContain('pass: true');
  });
});
