import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from './load.js';

describe('loadConfigFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'slakit-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('reads YAML, JSON, ESM and TypeScript modules to the same config', async () => {
    const yaml = file(
      'a.yaml',
      'service: shop\nslos:\n  - name: availability\n    kind: availability\n    objective: 99.9\njobs:\n  cleanup_pdfs:\n    budgetSeconds: 600\n',
    );
    const json = file(
      'a.json',
      JSON.stringify({
        service: 'shop',
        slos: [{ name: 'availability', kind: 'availability', objective: 99.9 }],
        jobs: { cleanup_pdfs: { budgetSeconds: 600 } },
      }),
    );
    const mjs = file(
      'a.mjs',
      "export default { service: 'shop', slos: [{ name: 'availability', kind: 'availability', objective: 99.9 }], jobs: { cleanup_pdfs: { budgetSeconds: 600 } } };",
    );
    const ts = file(
      'a.ts',
      "interface C { service: string }\nconst budget: number = 600;\nexport default { service: 'shop' as C['service'], slos: [{ name: 'availability', kind: 'availability' as const, objective: 99.9 }], jobs: { cleanup_pdfs: { budgetSeconds: budget } } };",
    );
    const configs = await Promise.all([yaml, json, mjs, ts].map((f) => loadConfigFile(f)));
    for (const c of configs) expect(c).toEqual(configs[0]);
    expect(configs[0]?.jobs.cleanup_pdfs?.budgetSeconds).toBe(600);
  });

  it('names the file in every error', async () => {
    await expect(loadConfigFile(join(dir, 'missing.yaml'))).rejects.toMatchObject({
      code: 'ERR_SLAKIT_CONFIG_FILE',
      message: expect.stringContaining('missing.yaml: cannot be read (ENOENT)'),
    });
    await expect(loadConfigFile(file('bad.yaml', 'service: [shop\n'))).rejects.toMatchObject({
      code: 'ERR_SLAKIT_CONFIG_FILE',
      message: expect.stringContaining('is not valid YAML'),
    });
    await expect(loadConfigFile(file('c.toml', 'service = "shop"'))).rejects.toMatchObject({ code: 'ERR_SLAKIT_CONFIG_FILE' });
    await expect(loadConfigFile(file('none.mjs', 'export const x = 1;'))).rejects.toMatchObject({
      message: expect.stringContaining('has no default export'),
    });
    await expect(
      loadConfigFile(file('invalid.json', '{"service":"shop","jobs":{"j":{"budgetSeconds":"10"}}}')),
    ).rejects.toMatchObject({
      code: 'ERR_SLAKIT_INVALID_CONFIG',
      field: 'jobs.j.budgetSeconds',
      message: expect.stringMatching(
        /invalid\.json: invalid slakit config: jobs\.j\.budgetSeconds must be a number of seconds > 0, got "10"/,
      ),
    });
  });
});
