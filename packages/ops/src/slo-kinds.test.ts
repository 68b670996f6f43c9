// The in-process SLO view and the SLO kinds of issue #22: it evaluates what a process sees (availability with its
// error classes, latency, route/method filters) and says which SLOs it cannot (ratio/raw PromQL of their own).
import { systemClock } from '@slakit/core';
import { describe, expect, it } from 'vitest';
import { createSloTracker } from './slo-tracker.js';

describe('createSloTracker and the SLO kinds', () => {
  it('counts only its routes and methods, with its error classes; ratio/raw are UNSUPPORTED with the reason', () => {
    let now = Date.parse('2026-12-06T10:00:00Z');
    const tracker = createSloTracker(
      {
        service: 's',
        slos: [
          {
            name: 'api',
            kind: 'availability',
            objective: 90,
            routes: ['/api/orders/:id'],
            methods: ['GET'],
            errorStatus: ['5xx', '429'],
          },
          { name: 'fast', kind: 'latency', objective: 50, thresholdSeconds: 0.1, excludeRoutes: ['/export'] },
          { name: 'orders', kind: 'ratio', objective: 99, bad: 'sum(rate(b[$window]))', total: 'sum(rate(t[$window]))' },
          { name: 'pay', kind: 'raw', objective: 99, errorRatio: 'avg_over_time(e[$window])' },
        ],
      },
      { clock: { ...systemClock, now: () => now } },
    );
    tracker.record(200, 0.05, false, '/api/orders/:id', 'GET');
    tracker.record(429, 0.05, false, '/api/orders/:id', 'GET'); // an error of `api`
    tracker.record(500, 0.05, false, '/api/orders/:id', 'POST'); // not `api`'s method
    tracker.record(500, 0.05, false, '/health', 'GET'); // not `api`'s route
    tracker.record(200, 9, false, '/export', 'GET'); // excluded from `fast`
    tracker.record(200, 0.5, false, '/other', 'GET'); // slow for `fast`
    tracker.record(200, 0.01, false, undefined, undefined); // a caller without route/method: only unfiltered SLOs
    now += 60_000;
    const rows = Object.fromEntries(tracker.compliance(new Date(now - 120_000), new Date(now)).map((r) => [r.name, r]));
    expect(rows.api).toMatchObject({ total: 2, good: 1, status: 'FAIL' });
    expect(rows.fast).toMatchObject({ total: 6, good: 5, status: 'PASS' });
    expect(rows.orders).toMatchObject({ status: 'UNSUPPORTED', value: undefined, reason: expect.stringContaining('Prometheus') });
    expect(rows.pay).toMatchObject({ status: 'UNSUPPORTED', reason: expect.stringContaining('raw') });
  });
});
