import { packageConfig } from '../../tsup.shared.js';

// One entry per framework adapter (`@slakit/http/fastify`, …); splitting keeps the recorder in one shared chunk, so
// every entry of one build records into the same state.
export default packageConfig(
  { index: 'src/index.ts', fastify: 'src/fastify.ts', koa: 'src/koa.ts', hono: 'src/hono.ts' },
  { splitting: true },
);
