// One benchmark server variant per process: node server.cjs <variant> <port>, for the framework named by
// $BENCH_FRAMEWORK (express — the default —, fastify, koa, hono or node; bench/http/<framework>.cjs).
const framework = process.env.BENCH_FRAMEWORK ?? 'express';
if (!['express', 'fastify', 'koa', 'hono', 'node'].includes(framework)) {
  process.stderr.write(`bench/http: unknown BENCH_FRAMEWORK ${framework} (express, fastify, koa, hono, node)\n`);
  process.exit(2);
}
require(`./${framework}.cjs`);
