import { packageConfig } from '../../tsup.shared.js';

export default packageConfig({
  index: 'src/index.ts',
  testing: 'src/testing/index.ts',
  generators: 'src/generators/index.ts',
  cli: 'src/cli.ts',
});
