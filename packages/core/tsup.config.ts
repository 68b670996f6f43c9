import { packageConfig } from '../../tsup.shared.js';

// Shared chunks (ESM and CJS): every entry imports the one module of errors.ts, so one SlakitError class serves
// `@slakit/core` and `@slakit/core/testing` (instanceof holds across entries).
export default packageConfig({ index: 'src/index.ts', testing: 'src/testing/index.ts' }, { splitting: true });
