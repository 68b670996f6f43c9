import { defineConfig, type Options } from 'tsup';

/**
 * The build every published package uses: dual ESM/CJS with .d.ts/.d.cts for Node ≥ 20. `overrides` replace single
 * options (e.g. `{ splitting: true }` for a package whose entries must share modules).
 */
export function packageConfig(entry: Record<string, string> = { index: 'src/index.ts' }, overrides: Options = {}) {
  const options: Options = {
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'node20',
    platform: 'node',
    // `import.meta.url` in the CJS build too (core's lazy dependency loader: packages/core/src/deps.ts).
    shims: true,
    splitting: false,
    ...overrides,
  };
  return defineConfig(options);
}
