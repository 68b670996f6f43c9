import { existsSync } from 'node:fs';
import { METRIC_HTTP_SERVER_REQUEST_DURATION } from '@opentelemetry/semantic-conventions';
import { describe, expect, it } from 'vitest';
import { defineConfig } from '../config/schema.js';
import { prometheusLabelName, prometheusName } from '../prometheus.js';
import { QUEUE_FIELDS } from '../validation/fields.js';
import { ALERT_CATALOGUE, LABEL_CATALOGUE, METRIC_CATALOGUE } from './index.js';

const metrics = Object.values(METRIC_CATALOGUE);
const alerts = Object.values(ALERT_CATALOGUE);
const labels = Object.values(LABEL_CATALOGUE);

describe('the catalogue', () => {
  it('gives every metric the Prometheus name prometheusName() exposes, and the series of its type', () => {
    for (const m of metrics) {
      expect(prometheusName(m.otel, m.unit, m.type), m.otel).toBe(m.prometheus);
      const series = m.type === 'histogram' ? ['_bucket', '_sum', '_count'].map((s) => m.prometheus + s) : [m.prometheus];
      expect(m.series, m.otel).toEqual(series);
      const counter = m.instrument === 'counter' || m.instrument === 'observableCounter';
      const type = m.instrument === 'histogram' ? 'histogram' : counter ? 'counter' : 'gauge';
      expect(m.type, m.otel).toBe(type);
    }
  });

  it('names the HTTP duration instrument as semconv does (express-middleware creates it from the catalogue)', () => {
    expect(METRIC_CATALOGUE.httpDuration.otel).toBe(METRIC_HTTP_SERVER_REQUEST_DURATION);
  });

  it('has unique metric, alert and label names', () => {
    const unique = (values: string[]) => expect(new Set(values).size).toBe(values.length);
    unique(metrics.map((m) => m.otel));
    unique(metrics.map((m) => m.prometheus));
    unique(labels.map((l) => l.key));
    for (const [key, alert] of Object.entries(ALERT_CATALOGUE)) expect(alert.name).toBe(key);
  });

  it('names every label a metric or an alert carries, with its Prometheus label name', () => {
    const keys = new Set<string>(labels.map((l) => l.key));
    for (const l of labels) expect(prometheusLabelName(l.key)).toBe(l.prometheus);
    for (const m of metrics) for (const l of m.labels) expect(keys.has(l), `${m.otel}: ${l}`).toBe(true);
    for (const a of alerts) {
      for (const l of a.labels) expect(keys.has(l), `${a.name}: ${l}`).toBe(true);
      expect(a.labels).toContain(a.subject);
    }
  });

  it("names each queue alert's params like the config field they default (queues.<name>), and the config uses them", () => {
    const defaults = defineConfig({ service: 's', queues: { q: {} } }).queues.q as Record<string, unknown>;
    const queueAlerts = alerts.filter((a) => a.subject === 'queue');
    expect(queueAlerts.length).toBe(5);
    for (const a of queueAlerts) {
      const params = Object.entries((a as { params?: Record<string, number> }).params ?? {});
      expect(params.length, a.name).toBeGreaterThan(0);
      for (const [key, value] of params) {
        expect(Object.keys(QUEUE_FIELDS), `${a.name}.params.${key}`).toContain(key);
        expect(defaults[key], `${a.name}.params.${key}`).toBe(value);
      }
    }
    expect(defineConfig({ service: 's' }).health.failingFor).toBe(ALERT_CATALOGUE.HealthCheckFailing.rule.for);
  });

  it('points every alert at an existing runbook page', () => {
    for (const a of alerts) {
      expect(a.runbook).toBe(`docs/runbooks/${a.name}.md`);
      expect(existsSync(new URL(`../../../../${a.runbook}`, import.meta.url)), a.runbook).toBe(true);
    }
  });
});
