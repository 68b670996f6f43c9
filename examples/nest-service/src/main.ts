// Runs the Nest service on the platform named by NEST_PLATFORM (express, the default, or fastify) and serves the
// Prometheus scrape on /metrics of the same port (`metricsEndpoint`): `pnpm --filter @slakit/example-nest-service start`.
import { createTelemetry } from '@slakit/core';
import { createApp, type Platform } from './app.js';

const platform = (process.env.NEST_PLATFORM ?? 'express') as Platform;
const telemetry = createTelemetry({ serviceName: 'nest-service' });
const app = await createApp(platform, telemetry);
await app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1');
console.log(`nest-service on ${platform}: ${await app.getUrl()} (try /users/42, /metrics)`);
