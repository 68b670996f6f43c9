// The quick start at the top of packages/cli/README.md runs as written against the built packages and exits cleanly
// (run `pnpm build` first), in a child process, like a newcomer pasting it into a file.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const cli = new URL('../packages/cli/', import.meta.url).pathname;

describe('packages/cli/README.md', () => {
  it('opens with a quick start (at most 12 lines) that runs and exits 0', () => {
    const readme = readFileSync(join(cli, 'README.md'), 'utf8');
    const block = /^# @slakit\/cli\n\n```ts\n([\s\S]*?)\n```\n/.exec(readme)?.[1];
    expect(block, 'the README starts with a ```ts block').toBeDefined();
    expect((block as string).split('\n').length).toBeLessThanOrEqual(12);
    // Inside the package, so `@slakit/cli` (self-reference) and `@slakit/core` (its dependency) resolve to dist/.
    const dir = mkdtempSync(join(cli, '.readme-'));
    try {
      const file = join(dir, 'quick-start.mjs'); // the snippet is plain JavaScript
      writeFileSync(file, block as string);
      const out = execFileSync(process.execPath, [file], { encoding: 'utf8', timeout: 20_000 });
      expect(out).toContain('alert: SloErrorBudgetBurnCritical');
      expect(out).toContain("'orders-http.json'");
      expect(out.trimEnd().endsWith('true')).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
