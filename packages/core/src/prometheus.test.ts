import { describe, expect, it } from 'vitest';
import { prometheusLabelName, prometheusName } from './prometheus.js';

describe('prometheusName', () => {
  it.each([
    ['http.server.request.duration', 's', 'histogram', 'http_server_request_duration_seconds'],
    ['job.runs', '', 'counter', 'job_runs_total'],
    ['job.sla.utilization', '1', 'gauge', 'job_sla_utilization_ratio'],
    ['job.last_success.timestamp', 's', 'gauge', 'job_last_success_timestamp_seconds'],
    ['job.consecutive_failures', '', 'gauge', 'job_consecutive_failures'],
    ['queue.oldest_item.age', 's', 'gauge', 'queue_oldest_item_age_seconds'],
    ['alerts.notifications', '{notification}', 'counter', 'alerts_notifications_total'],
    ['process.memory', 'By', 'gauge', 'process_memory_bytes'],
    ['already_seconds', 's', 'histogram', 'already_seconds'],
    ['requests_total', '1', 'counter', 'requests_total'],
  ] as const)('%s (%s, %s) → %s', (name, unit, kind, expected) => {
    expect(prometheusName(name, unit, kind)).toBe(expected);
  });

  it('sanitises label names', () => {
    expect(prometheusLabelName('http.request.method')).toBe('http_request_method');
    expect(prometheusLabelName('1abc')).toBe('_1abc');
  });
});
