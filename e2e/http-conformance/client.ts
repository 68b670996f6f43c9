import { Agent, request } from 'node:http';
import type { MetricSeries, TestTelemetry } from '@slakit/core/testing';

/**
 * Sends `count` GET requests (`pathOf(i)`, headers `headersOf(i)`), `concurrency` at a time over keep-alive
 * connections (node's http client: about twice the throughput of fetch); returns the statuses.
 */
export async function load(
  url: string,
  count: number,
  pathOf: (i: number) => string,
  headersOf: (i: number) => Record<string, string> = () => ({}),
  concurrency = 32,
): Promise<number[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const one = (i: number) =>
    new Promise<number>((resolve, reject) => {
      const req = request(url + pathOf(i), { agent, headers: headersOf(i) }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end();
    });
  const statuses: number[] = new Array(count);
  let next = 0;
  try {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < count) {
          const i = next++;
          statuses[i] = await one(i);
        }
      }),
    );
  } finally {
    agent.destroy();
  }
  return statuses;
}

export async function get(url: string, init: RequestInit = {}): Promise<Response> {
  const res = await fetch(url, init);
  await res.arrayBuffer();
  return res;
}

export const durationSeries = async (kit: TestTelemetry): Promise<MetricSeries[]> =>
  (await kit.metrics.collect()).filter((s) => s.name === 'http_server_request_duration_seconds');

/** Request count per `http_route` (the histogram's count). */
export async function countsByRoute(kit: TestTelemetry): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const s of await durationSeries(kit)) {
    const route = s.labels.http_route as string;
    out[route] = (out[route] ?? 0) + (s.value as number);
  }
  return out;
}

/** Waits until `total` requests are recorded (their 'close' may come just after the client has its response). */
export async function recorded(kit: TestTelemetry, total: number): Promise<Record<string, number>> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const byRoute = await countsByRoute(kit);
    const sum = Object.values(byRoute).reduce((a, b) => a + b, 0);
    if (sum >= total || Date.now() > deadline) return byRoute;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A random W3C trace id / span id. */
export const hex = (bytes: number) =>
  Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join('');
