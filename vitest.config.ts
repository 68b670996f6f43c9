import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the sources; scripts/packages.test.ts checks the built packages separately.
    alias: [
      { find: /^@slakit\/cli$/, replacement: src('./packages/cli/src/index.ts') },
      { find: /^@slakit\/ops$/, replacement: src('./packages/ops/src/index.ts') },
      { find: /^@slakit\/core\/testing$/, replacement: src('./packages/core/src/testing/index.ts') },
      { find: /^@slakit\/core$/, replacement: src('./packages/core/src/index.ts') },
    ],
  },
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'scripts/**/*.test.ts',
      'examples/*/src/**/*.test.ts',
      'e2e/**/*.test.ts',
      'test-support/**/*.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Installs the Prometheus/Alertmanager/Pushgateway binaries when missing (or fails at once saying what to run).
    globalSetup: ['./test-support/provision.ts'],
    pool: 'forks',
    // An unhandled rejection anywhere in a test process is an error that fails the run (issue #26).
    poolOptions: { forks: { execArgv: ['--unhandled-rejections=strict'] } },
    reporters: ['default'],
  },
});
