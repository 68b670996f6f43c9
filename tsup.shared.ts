import { defineConfig, type Options } from 'tsup';

/** The build every published package uses: dual ESM/CJS with .d.ts/.d.cts for Node ≥ 20. */
export function packageConfig(entry: Record<string, string> = { index: 'src/index.ts' }) {
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
  };
  return defineConfig(options);
}
