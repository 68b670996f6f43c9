import { parsePrometheusText } from '@slakit/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoService, startDemo } from './app.js';

describe('demo service', () => {
  let demo: DemoService;
  beforeAll(async () => {
    demo = await startDemo({ port: 0, telemetry: { env: {}, providers: 'own', logger: { level: 'silent' } } });
  });
  afterAll(() => demo.close());

  it('serves its API and exposes the request in /metrics', async () => {
    for (let i = 0; i < 3; i++) expect((await fetch(`${demo.url}/orders/${i}`)).status).toBe(200);
    const families = parsePrometheusText(await (await fetch(`${demo.url}/metrics`)).text());
    const requests = families.find((f) => f.name === 'demo_orders_requests_total');
    expect(requests?.samples).toEqual([{ name: 'demo_orders_requests_total', labels: { route: '/orders/:id' }, value: 3 }]);
    const duration = families.find((f) => f.name === 'demo_orders_duration_seconds');
    expect(duration?.samples.some((s) => s.labels.le === '0.2')).toBe(true);
  });
});
