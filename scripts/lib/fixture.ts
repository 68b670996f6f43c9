import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Writes a temporary tree (`{ 'packages/core/src/index.ts': '…' }`, objects written as JSON) and returns its root. */
export function fixtureTree(files: Record<string, string | object>): string {
  const root = mkdtempSync(join(tmpdir(), 'slakit-check-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return root;
}
