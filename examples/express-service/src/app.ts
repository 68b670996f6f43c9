import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTelemetry, httpDurationBuckets, type Telemetry, type TelemetryOptions } from '@slakit/core';
import express from 'express';

/** A running demo service. */
export interface DemoService {
  url: string;
  telemetry: Telemetry;
  close(): Promise<void>;
}

/**
 * Starts the demo service: a small API and `/metrics` served from `@slakit/core`. The request metrics and health
 * endpoints of the other packages join here as their packages land.
 */
export async function startDemo(
  options: { port?: number; host?: string; telemetry?: TelemetryOptions } = {},
): Promise<DemoService> {
  const telemetry = createTelemetry({ serviceName: 'slakit-demo', serviceVersion: '0.1.0', ...options.telemetry });
  const requests = telemetry.meter.createCounter('demo.orders.requests', { description: 'Orders API requests served.' });
  const latency = telemetry.meter.createHistogram('demo.orders.duration', {
    unit: 's',
    description: 'Orders API handler duration.',
    advice: { explicitBucketBoundaries: httpDurationBuckets([0.2]) },
  });

  const app = express();
  app.get('/metrics', telemetry.metricsHandler);
  app.get('/orders/:id', (req, res) => {
    const started = performance.now();
    res.json({ id: req.params.id, status: 'shipped' });
    requests.add(1, { route: '/orders/:id' });
    latency.record((performance.now() - started) / 1000, { route: '/orders/:id' });
  });

  const server: Server = await new Promise((resolve) => {
    const s = app.listen(options.port ?? 3000, options.host ?? '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${options.host ?? '127.0.0.1'}:${port}`;
  return {
    url,
    telemetry,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await telemetry.shutdown();
    },
  };
}
