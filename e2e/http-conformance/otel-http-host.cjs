// A host running OpenTelemetry's http instrumentation (registered before http and the framework load), with slakit's
// adapter for FRAMEWORK on top (node, express4, express5, fastify, koa, hono, hono-fetch). Serves GET /users/:id,
// sends it 5 requests and prints the server spans recorded. Used by the conformance suite (suite-host.ts).
const { InMemorySpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node');
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
provider.register();
registerInstrumentations({ instrumentations: [new HttpInstrumentation()] });

const http = require('node:http');
const { createTelemetry } = require('@slakit/core');

const telemetry = createTelemetry({ serviceName: 'host', env: {}, logger: { level: 'silent' } });
const framework = process.env.FRAMEWORK;

/** A listening node server for the framework, serving /users/:id. */
async function serve() {
  if (framework === 'node') {
    const { instrumented } = require('@slakit/http');
    return http.createServer(instrumented((_req, res) => res.end('ok'), { telemetry, routes: ['/users/:id'] }));
  }
  if (framework === 'express4' || framework === 'express5') {
    const express = require(framework === 'express4' ? 'express4' : 'express');
    const { instrument } = require('@slakit/express-middleware');
    const app = express();
    app.use(instrument({ telemetry }));
    const users = express.Router(); // a mounted router: the template is rebuilt from the mount path
    users.get('/:id', (_req, res) => res.send('ok'));
    app.use('/users', users);
    return http.createServer(app);
  }
  if (framework === 'fastify') {
    const { fastifyInstrument } = require('@slakit/http/fastify');
    const app = require('fastify')();
    await app.register(fastifyInstrument({ telemetry }));
    app.get('/users/:id', async () => 'ok');
    await app.ready();
    return app.server;
  }
  if (framework === 'koa') {
    const { koaInstrument } = require('@slakit/http/koa');
    const Koa = require('koa');
    const Router = require('@koa/router');
    const app = new Koa();
    const router = new Router();
    router.get('/users/:id', (ctx) => {
      ctx.body = 'ok';
    });
    app.use(koaInstrument({ telemetry })).use(router.routes());
    return http.createServer(app.callback());
  }
  const { honoInstrument } = require('@slakit/http/hono');
  const { Hono } = require('hono');
  const { createAdaptorServer } = require('@hono/node-server');
  const app = new Hono();
  app.use(honoInstrument({ telemetry }));
  app.get('/users/:id', (c) => c.text('ok'));
  return createAdaptorServer({ fetch: framework === 'hono-fetch' ? (request) => app.fetch(request) : app.fetch });
}

serve().then((server) => {
  server.listen(0, '127.0.0.1', async () => {
    const url = `http://127.0.0.1:${server.address().port}`;
    for (let i = 0; i < 5; i++) await (await fetch(`${url}/users/${i}`)).text();
    await new Promise((r) => setTimeout(r, 100));
    const spans = exporter.getFinishedSpans().map((s) => ({ name: s.name, kind: s.kind, route: s.attributes['http.route'] }));
    process.stdout.write(`${JSON.stringify({ usingHost: telemetry.usingHost, spans })}\n`);
    server.closeAllConnections();
    server.close();
    await telemetry.shutdown();
    await provider.shutdown();
  });
});
