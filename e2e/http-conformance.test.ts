// The shared HTTP conformance suite (issue #20 acceptance 1), run against every request adapter: node:http, Express 4
// and 5, Fastify, Koa, Hono (on its node bindings and on the fetch API). The suite: http-conformance/suite.ts.

import { fastifyHarness, koaHarness } from './http-conformance/apps-fastify-koa.js';
import { honoFetchHarness, honoNodeHarness } from './http-conformance/apps-hono.js';
import { express4Harness, express5Harness, nodeHarness } from './http-conformance/apps-node-express.js';
import { conformanceSuite } from './http-conformance/suite.js';

for (const harness of [
  nodeHarness,
  express4Harness,
  express5Harness,
  fastifyHarness,
  koaHarness,
  honoNodeHarness,
  honoFetchHarness,
]) {
  conformanceSuite(harness);
}
