// Loads the built packages (ESM or CJS, per argv[2]) and throws a SlakitError from each entry that is not
// `@slakit/core` itself; reports whether each is `instanceof` the SlakitError of `@slakit/core`'s root entry.
// Used by error-identity.test.ts (issue #18: one SlakitError class serves every entry).
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const mode = process.argv[2];
const packages = resolve(process.argv[3]);
const load = (pkg, specifier) => {
  const require = createRequire(join(packages, pkg, 'package.json'));
  return mode === 'cjs' ? require(specifier) : import(pathToFileURL(require.resolve(specifier).replace(/\.cjs$/, '.js')).href);
};

async function caught(fn) {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

const { SlakitError } = await load('core', '@slakit/core');
const testing = await load('core', '@slakit/core/testing');
const cli = await load('cli', '@slakit/cli');
// The @slakit/core the cli package resolves (its dependency), as a host that installed both would.
const cliCore = await load('cli', '@slakit/core');
const thrown = {
  '@slakit/core': await caught(() => cliCore.createTelemetry({ traces: { sampleRatio: 2 } })),
  '@slakit/core/testing': await caught(() => testing.createTestTelemetry({ traces: { sampleRatio: 2 } })),
  // constructed by the cli's own code (new SlakitError in config/load.ts), no file system access
  '@slakit/cli loadConfigFile': await caught(() => cli.loadConfigFile('slakit.config.toml')),
  // thrown by core's invalidOption() on behalf of the cli
  '@slakit/cli generateAlertmanagerConfig': await caught(() =>
    cli.generateAlertmanagerConfig({ service: 'shop' }, { secrets: 'nope' }),
  ),
};
const report = {};
for (const [entry, error] of Object.entries(thrown)) {
  report[entry] = {
    name: error?.name,
    code: error?.code,
    instanceOfRoot: error instanceof SlakitError,
    sameClass: error?.constructor === SlakitError,
  };
}
console.log(JSON.stringify(report));
