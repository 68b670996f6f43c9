import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without types
import { generateDocs, replaceRegion, table } from './gen-docs.mjs';

const root = new URL('..', import.meta.url).pathname;

describe('gen-docs', () => {
  it('the committed docs/metrics.md, docs/alerts.md and docs/runbooks/README.md tables are what the catalogue generates (run pnpm docs:gen)', async () => {
    const docs = await generateDocs(root);
    expect(docs.map((d: { path: string }) => d.path)).toEqual(['docs/metrics.md', 'docs/alerts.md', 'docs/runbooks/README.md']);
    for (const d of docs) expect(d.current, `${d.path} drifted from the catalogue: run pnpm docs:gen`).toBe(d.expected);
  });

  it('replaces only the region between the markers, keeping the prose', () => {
    const text = 'intro\n<!-- catalogue:x:start -->\nold\n<!-- catalogue:x:end -->\noutro\n';
    expect(replaceRegion(text, 'x', 'new')).toBe('intro\n<!-- catalogue:x:start -->\nnew\n<!-- catalogue:x:end -->\noutro\n');
    expect(() => replaceRegion(text, 'y', 'new')).toThrow('missing <!-- catalogue:y:start -->');
  });

  it('detects a hand edit of a generated table and restores it', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'slakit-docs-'));
    cpSync(join(root, 'packages/core/src/catalogue'), join(copy, 'packages/core/src/catalogue'), { recursive: true });
    cpSync(join(root, 'docs'), join(copy, 'docs'), { recursive: true });
    const original = readFileSync(join(copy, 'docs/metrics.md'), 'utf8');
    writeFileSync(join(copy, 'docs/metrics.md'), original.replace('| `job_runs_total` |', '| `job_runs` |'));
    const [metrics, alerts] = await generateDocs(copy);
    expect(metrics.current).not.toBe(metrics.expected);
    expect(metrics.expected).toBe(original);
    expect(alerts.current).toBe(alerts.expected);
  });

  it('renders Markdown tables with escaped pipes', () => {
    expect(table(['a', 'b'], [['x|y', 'z']])).toBe('| a | b |\n|---|---|\n| x\\|y | z |');
  });
});
