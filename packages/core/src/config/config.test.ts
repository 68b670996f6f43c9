import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { httpDurationBuckets } from '../buckets.js';
import { SlakitError } from '../errors.js';
import { cronPeriodSeconds, durationSeconds, formatDuration } from './period.js';
import { jobSchedule, jobSla, queueThresholds, runbookUrl, sloLatencyThresholds } from './runtime.js';
import { defineConfig, type SlakitConfigInput, validateConfig } from './schema.js';

const base: SlakitConfigInput = {
  service: 'shop',
  slos: [
    { name: 'availability', kind: 'availability', objective: 99.9 },
    { name: 'latency', kind: 'latency', objective: 95, thresholdSeconds: 0.2 },
  ],
  jobs: { cleanup_pdfs: { budgetSeconds: 600, schedule: '0 3 * * *' }, cleanup_links: { budgetSeconds: 60 } },
  queues: { manual_resolution: { depthWarning: 50, depthCritical: 200 } },
};

function configError(input: unknown): SlakitError {
  try {
    validateConfig(input);
  } catch (error) {
    expect(error).toBeInstanceOf(SlakitError);
    return error as SlakitError;
  }
  throw new Error('expected validateConfig to throw');
}

describe('defineConfig / validateConfig', () => {
  it('fills in the documented defaults', () => {
    const c = defineConfig(base);
    expect(c.slos[0]?.window).toBe('30d');
    expect(c.jobs.cleanup_pdfs).toMatchObject({
      warningPercent: 80,
      criticalPercent: 100,
      successRateThreshold: 0.95,
      throughputRatio: 0.5,
      consecutiveFailures: 3,
    });
    expect(c.queues.manual_resolution).toEqual({
      depthWarning: 50,
      depthCritical: 200,
      ageWarningHours: 48,
      ageEscalationHours: 168,
      resolutionRateRatio: 0.5,
      resolutionBaselineHours: 168,
      resolutionMinHistoryHours: 24,
    });
    expect(c.health).toEqual({ failingFor: '5m' });
    expect(c.prometheus).toEqual({ selector: '', groupBy: [], evaluationInterval: '30s' });
    expect(c.alerting).toMatchObject({
      pager: { type: 'pagerduty', routingKeyEnv: 'PAGERDUTY_ROUTING_KEY' },
      chat: { type: 'slack', webhookUrlEnv: 'SLACK_WEBHOOK_URL' },
      groupWait: '30s',
      criticalRepeatInterval: '1h',
      errorRepeatInterval: '2h',
      warningRepeatInterval: '4h',
    });
    // Validating an already validated config is a no-op (the runtime helpers accept either).
    expect(validateConfig(c)).toBe(c);
  });

  it('names the path, the value and the rule of every invalid entry', () => {
    const e = configError({
      ...base,
      slos: [base.slos?.[0], { name: 'latency', kind: 'latency', objective: 100, thresholdSeconds: 0.2 }],
    });
    expect(e.code).toBe('ERR_SLAKIT_INVALID_CONFIG');
    expect(e.field).toBe('slos[1].objective');
    expect(e.message).toContain('slos[1].objective must be < 100, got 100');
    expect(e.value).toBe(100);
  });

  it.each([
    [{ ...base, service: 'Shop!' }, 'service', 'must be a service name'],
    [
      { ...base, slos: [{ name: 'x', kind: 'throughput', objective: 99 }] },
      'slos[0].kind',
      'must have kind "availability", "latency", "ratio" or "raw"',
    ],
    [{ ...base, slos: [{ name: 'x', kind: 'latency', objective: 99 }] }, 'slos[0].thresholdSeconds', 'is required'],
    [
      { ...base, slos: [{ name: 'x', kind: 'availability', objective: 99, window: '30 days' }] },
      'slos[0].window',
      'Prometheus duration',
    ],
    [
      { ...base, jobs: { cleanup_pdfs: { budgetSeconds: 0 } } },
      'jobs.cleanup_pdfs.budgetSeconds',
      'must be a number of seconds > 0, got 0',
    ],
    [
      { ...base, jobs: { cleanup_pdfs: { budgetSeconds: 10, warningPercent: 100 } } },
      'jobs.cleanup_pdfs.warningPercent',
      'must be < criticalPercent',
    ],
    [
      { ...base, jobs: { cleanup_pdfs: { budgetSeconds: 10, schedule: 'every day' } } },
      'jobs.cleanup_pdfs.schedule',
      'cron expression',
    ],
    // a bad name is reported on its record, not as a field named by the bad value (issue #25 item 7)
    [{ ...base, jobs: { 'Cleanup-PDFs': { budgetSeconds: 10 } } }, 'jobs', 'keys must each be a job name'],
    // a bad time zone is reported on `timezone`, not on the schedule it would have broken (issue #25 item 7)
    [
      { ...base, jobs: { cleanup_pdfs: { budgetSeconds: 10, schedule: '0 * * * *', timezone: 'Mars/Olympus' } } },
      'jobs.cleanup_pdfs.timezone',
      'IANA time zone',
    ],
    [{ ...base, jobs: { cleanup_pdfs: { budgetSecond: 10 } } }, 'jobs.cleanup_pdfs.budgetSecond', 'is not a known option'],
    [{ ...base, queues: { q: { depthWarning: 600 } } }, 'queues.q.depthWarning', 'must be < depthCritical'],
    [
      { ...base, queues: { q: { resolutionMinHistoryHours: 200 } } },
      'queues.q.resolutionMinHistoryHours',
      'must be < resolutionBaselineHours',
    ],
    [{ ...base, queues: { q: { resolutionRateRatio: 1.5 } } }, 'queues.q.resolutionRateRatio', 'ratio'],
    [{ ...base, alerting: { chat: { type: 'email' } } }, 'alerting.chat.type', 'must have type'],
    [{ ...base, alerting: { chat: { type: 'webhook' } } }, 'alerting.chat', 'exactly one of url'],
    [
      { ...base, alerting: { pager: { type: 'pagerduty', routingKeyEnv: 'my key' } } },
      'alerting.pager.routingKeyEnv',
      'environment variable name',
    ],
    [{ ...base, prometheus: { selector: 'service=shop' } }, 'prometheus.selector', 'label matchers'],
    [{ ...base, slos: [base.slos?.[0], base.slos?.[0]] }, 'slos[1].name', 'must be unique'],
    [{ slos: [] }, 'service', 'is required'],
  ])('rejects %#: %s', (input, field, text) => {
    const e = configError(input);
    expect(e.field).toBe(field);
    expect(e.message).toContain(`${field} `);
    expect(e.message).toContain(text);
  });

  it('reports every invalid path at once', () => {
    const e = configError({
      service: 'shop',
      slos: [{ name: 'a', kind: 'availability', objective: 0 }],
      jobs: { j: { budgetSeconds: -1 } },
    });
    expect(e.message).toContain('slos[0].objective must be > 0, got 0');
    expect(e.message).toContain('jobs.j.budgetSeconds must be a number of seconds > 0, got -1');
  });
});

describe('runtime helpers: the same config feeds withSla, schedule, watchQueue and instrument', () => {
  const config = defineConfig({ ...base, alerting: { runbookBaseUrl: 'https://runbooks.example.com/slakit/' } });

  it('jobSla gives withSla options', () => {
    const o = jobSla(config, 'cleanup_pdfs');
    expect(o).toMatchObject({
      budgetSeconds: 600,
      warningPercent: 80,
      criticalPercent: 100,
      rules: { successRateThreshold: 0.95, throughputRatio: 0.5, consecutiveFailures: 3 },
    });
    expect(o.runbookUrl('JobSlaBreachCritical')).toBe('https://runbooks.example.com/slakit/JobSlaBreachCritical.md');
    expect(runbookUrl(config, 'QueueDepthWarning')).toBe('https://runbooks.example.com/slakit/QueueDepthWarning.md');
  });

  it('jobSchedule gives the cron, period and grace the missed-run rule uses', () => {
    expect(jobSchedule(config, 'cleanup_pdfs')).toMatchObject({ cron: '0 3 * * *', periodSeconds: 86400, graceSeconds: 8640 });
    expect(jobSchedule(config, 'cleanup_links')).toBeUndefined();
  });

  it('queueThresholds and sloLatencyThresholds', () => {
    expect(queueThresholds(config, 'manual_resolution')).toEqual({
      depthWarning: 50,
      depthCritical: 200,
      ageWarningHours: 48,
      ageEscalationHours: 168,
      resolutionRateRatio: 0.5,
      resolutionBaselineHours: 168,
      resolutionMinHistoryHours: 24,
    });
    expect(sloLatencyThresholds(config)).toEqual([0.2]);
    expect(httpDurationBuckets(sloLatencyThresholds(config))).toContain(0.2);
  });

  it('unknown names are configuration errors', () => {
    expect(() => jobSla(config, 'nope')).toThrow(
      /job "nope" is not in the config of service shop \(jobs: cleanup_pdfs, cleanup_links\)/,
    );
    try {
      queueThresholds(config, 'nope');
    } catch (e) {
      expect((e as SlakitError).code).toBe('ERR_SLAKIT_UNKNOWN_REFERENCE');
    }
    expect(() => queueThresholds(config, 'nope')).toThrow(SlakitError);
  });
});

describe('durations and periods', () => {
  it('parses and formats Prometheus durations', () => {
    expect(durationSeconds('1h30m')).toBe(5400);
    expect(durationSeconds('30d')).toBe(2_592_000);
    expect(formatDuration(5400)).toBe('1h30m');
    expect(formatDuration(86400 * 2)).toBe('2d');
  });
  it('takes the longest gap of an irregular cron', () => {
    expect(cronPeriodSeconds('*/15 * * * *')).toBe(900);
    // Weekdays at 09:00: the longest gap is Friday → Monday.
    expect(cronPeriodSeconds('0 9 * * 1-5', 'UTC')).toBe(3 * 86400);
  });
});

describe('docs/configuration.md', () => {
  it('documents every option of the config schema', () => {
    const doc = readFileSync(new URL('../../../../docs/configuration.md', import.meta.url), 'utf8');
    const documented = new Set([...doc.matchAll(/^\| `([a-z][A-Za-z.<>[\]]+)` \|/gm)].map((m) => m[1]));
    const c = defineConfig({
      ...base,
      jobs: { j: { budgetSeconds: 1, schedule: '* * * * *', timezone: 'UTC', graceSeconds: 1, description: 'd' } },
      queues: { q: { description: 'd' } },
      slos: [{ name: 'l', kind: 'latency', objective: 90, thresholdSeconds: 1, description: 'd' }],
      health: { criticalChecks: ['db'] },
    });
    const paths: string[] = [];
    const walk = (value: unknown, path: string) => {
      const leaf = path === 'health.criticalChecks' || path === 'alerting.pager' || path === 'alerting.chat';
      if (Array.isArray(value) && !leaf) {
        for (const v of value) walk(v, `${path}[]`);
      } else if (value && typeof value === 'object' && !leaf)
        for (const [k, v] of Object.entries(value)) {
          const key = path === 'jobs' ? '<name>' : path === 'queues' ? '<name>' : k;
          walk(v, path ? `${path}.${key}` : key);
        }
      else paths.push(path);
    };
    walk(c, '');
    expect(paths.length).toBeGreaterThan(30);
    expect([...new Set(paths)].filter((p) => !documented.has(p))).toEqual([]);
  });
});
