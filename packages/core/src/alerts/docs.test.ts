import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createTestTelemetry } from '../testing/test-telemetry.js';
import { createAlerter } from './alerter.js';
import * as alerts from './index.js';

const doc = readFileSync(new URL('../../../../docs/alerts.md', import.meta.url), 'utf8');

describe('docs/alerts.md', () => {
  it('documents every sink factory', () => {
    const factories = Object.keys(alerts).filter((k) => k.endsWith('Sink'));
    expect(factories.length).toBeGreaterThanOrEqual(7);
    expect(factories.filter((f) => !doc.includes(`### \`${f}(`))).toEqual([]);
  });

  it('documents every self-metric the alerter exports', async () => {
    const kit = createTestTelemetry();
    const alerter = createAlerter({
      telemetry: kit.telemetry,
      env: {},
      clock: kit.clock,
      sinks: [{ name: 'x', kind: 'chat', send: async () => {} }],
      remediations: { A: () => {} },
      remediation: { enabled: true },
    });
    alerter.fire({ labels: { alertname: 'A', severity: 'critical' } });
    alerter.fire({ labels: { alertname: 'A', severity: 'critical' } });
    await alerter.idle();
    const names = [...new Set((await kit.metrics.collect()).map((s) => s.name))];
    expect(names.sort()).toEqual([
      'alerts_active',
      'alerts_deduplicated_total',
      'alerts_notifications_total',
      'alerts_remediations_total',
    ]);
    expect(names.filter((n) => !doc.includes(`| \`${n}\``))).toEqual([]);
    await kit.close();
  });
});
