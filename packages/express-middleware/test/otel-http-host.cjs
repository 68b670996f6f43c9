// A host that runs OpenTelemetry's http instrumentation (registered before http/express load), with slakit's
// middleware on top. Prints the server spans it recorded. Used by otel-host.integration.test.ts.
const { InMemorySpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node');
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
provider.register();
registerInstrumentations({ instrumentations: [new HttpInstrumentation()] });

const express = require(process.env.EXPRESS_MODULE || 'express5');
const { createTelemetry } = require('@slakit/core');
const { instrument } = require('@slakit/express-middleware');

const telemetry = createTelemetry({ serviceName: 'host', env: {}, logger: { level: 'silent' } });
const app = express();
app.use(instrument({ telemetry }));
const users = express.Router();
users.get('/:id', (req, res) => res.json({ id: req.params.id }));
app.use('/users', users);
const server = app.listen(0, '127.0.0.1', async () => {
  const url = `http://127.0.0.1:${server.address().port}`;
  for (let i = 0; i < 5; i++) await (await fetch(`${url}/users/${i}`)).text();
  await new Promise((r) => setTimeout(r, 100));
  const spans = exporter.getFinishedSpans().map((s) => ({ name: s.name, kind: s.kind, route: s.attributes['http.route'] }));
  process.stdout.write(`${JSON.stringify({ usingHost: telemetry.usingHost, spans })}\n`);
  server.close();
  await telemetry.shutdown();
  await provider.shutdown();
});
