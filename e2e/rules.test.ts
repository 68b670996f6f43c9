// The generated files pass the real promtool/amtool checks, and promtool unit tests with synthetic series show every
// alert family firing where it should and staying silent where it should not.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AlertingRule, generateAlertmanagerConfig, generateRules, type PrometheusRuleFile, toYaml } from '@slakit/cli';
import { defineConfig } from '@slakit/core';
import { afterAll, describe, expect, it } from 'vitest';
import { binary } from '../test-support/services.js';

const promtool = binary('promtool', 'prometheus');
const amtool = binary('amtool', 'prometheus-alertmanager');
const dir = mkdtempSync(join(tmpdir(), 'slakit-rules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = defineConfig({
  service: 't',
  prometheus: { evaluationInterval: '1m' },
  slos: [
    { name: 'availability', kind: 'availability', objective: 99.9 },
    { name: 'latency', kind: 'latency', objective: 95, thresholdSeconds: 0.2 },
    { name: 'latency_1s', kind: 'latency', objective: 99, thresholdSeconds: 1 },
  ],
  jobs: { hourly: { budgetSeconds: 100, schedule: '0 * * * *' }, plain: { budgetSeconds: 100 } },
  queues: { q: {} },
  health: { failingFor: '5m' },
});

function run(bin: string, args: string[]): { code: number; out: string } {
  const r = spawnSync(bin, args, { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('promtool and amtool accept every generated file', () => {
  it('promtool check rules', () => {
    const file = write('rules.yml', toYaml(generateRules(config)));
    const r = run(promtool, ['check', 'rules', file]);
    expect(r.out).toMatch(/SUCCESS: \d+ rules found/);
    expect(r.code).toBe(0);
  });

  it('promtool check config (a Prometheus config loading the rules)', () => {
    write('rules.yml', toYaml(generateRules(config)));
    const file = write(
      'prometheus.yml',
      toYaml({
        global: { evaluation_interval: '30s' },
        rule_files: ['rules.yml'],
        scrape_configs: [{ job_name: 'x', honor_labels: true, static_configs: [{ targets: ['127.0.0.1:9464'] }] }],
      }),
    );
    const r = run(promtool, ['check', 'config', file]);
    expect(r.out).toContain('SUCCESS');
    expect(r.code).toBe(0);
  });

  it('amtool check-config: file secrets as generated, env placeholders once filled, plain webhooks', () => {
    const files = write('am-files.yml', toYaml(generateAlertmanagerConfig(config, { secrets: 'file' })));
    expect(run(amtool, ['check-config', files])).toMatchObject({ code: 0, out: expect.stringContaining('SUCCESS') });
    // env mode: the placeholders are the only thing missing — filled here the way envsubst would at deploy time.
    const env = toYaml(generateAlertmanagerConfig(config));
    expect(env).toContain('${SLACK_WEBHOOK_URL}');
    const filled = env.replace(/\$\{([A-Z_][A-Z0-9_]*)\}/g, (_m, name: string) =>
      name === 'SLACK_WEBHOOK_URL' ? 'https://hooks.slack.com/services/T/B/x' : 'routing-key',
    );
    expect(run(amtool, ['check-config', write('am-env.yml', filled)])).toMatchObject({ code: 0 });
    // And the unfilled placeholder is rejected, so the check above is meaningful.
    expect(run(amtool, ['check-config', write('am-raw.yml', env)]).code).not.toBe(0);
    const hooks = defineConfig({
      ...config,
      alerting: {
        ...config.alerting,
        pager: { type: 'webhook', url: 'http://127.0.0.1:9/pager' },
        chat: { type: 'webhook', url: 'http://127.0.0.1:9/chat' },
      },
    });
    expect(run(amtool, ['check-config', write('am-hooks.yml', toYaml(generateAlertmanagerConfig(hooks)))])).toMatchObject({
      code: 0,
    });
  });
});

// ---- promtool test rules -----------------------------------------------------------------------------------

type Labels = Record<string, string>;
interface Case {
  name: string;
  series: [string, string][];
  checks: { at: string; alert: string; expect: Labels[] }[];
}

const H = 'http_server_request_duration_seconds';
const crit = (extra: Labels = {}) => ({ severity: 'critical', service: 't', ...extra });
const warn = (extra: Labels = {}) => ({ severity: 'warning', service: 't', ...extra });

const cases: Case[] = [
  {
    name: 'availability: 5 % errors burn the budget fast (critical and warning)',
    series: [
      [`${H}_count{http_response_status_code="200"}`, '0+950x120'],
      [`${H}_count{http_response_status_code="500"}`, '0+50x120'],
    ],
    checks: [
      { at: '70m', alert: 'SloErrorBudgetBurnCritical', expect: [crit({ slo: 'availability' })] },
      { at: '70m', alert: 'SloErrorBudgetBurnWarning', expect: [warn({ slo: 'availability' })] },
    ],
  },
  {
    name: 'availability: 0.05 % errors stay inside the budget (silent)',
    series: [
      [`${H}_count{http_response_status_code="200"}`, '0+9995x120'],
      [`${H}_count{http_response_status_code="500"}`, '0+5x120'],
    ],
    checks: [
      { at: '70m', alert: 'SloErrorBudgetBurnCritical', expect: [] },
      { at: '70m', alert: 'SloErrorBudgetBurnWarning', expect: [] },
    ],
  },
  {
    name: 'latency: le="0.2" (Prometheus 2 form) and le="1.0" (Prometheus 3 form) buckets',
    series: [
      [`${H}_count{http_response_status_code="200"}`, '0+100x120'],
      [`${H}_bucket{http_response_status_code="200",le="0.2"}`, '0+50x120'],
      [`${H}_bucket{http_response_status_code="200",le="1.0"}`, '0+90x120'],
      [`${H}_bucket{http_response_status_code="200",le="+Inf"}`, '0+100x120'],
    ],
    checks: [
      // 50 % slower than 200 ms against a 5 % budget: 10× → the 6h/30m pair (6×) fires, the 1h/5m pair (14.4×) not.
      // 10 % slower than 1 s against a 1 % budget: 10× → the same. Availability has no 5xx: silent.
      {
        at: '40m',
        alert: 'SloErrorBudgetBurnCritical',
        expect: [crit({ slo: 'latency' }), crit({ slo: 'latency_1s' })],
      },
      { at: '40m', alert: 'SloErrorBudgetBurnWarning', expect: [warn({ slo: 'latency' }), warn({ slo: 'latency_1s' })] },
    ],
  },
  {
    // Replica a ran last until 10m (120 % of the budget); then replica b runs at 30 %: a's stale gauge never pages.
    name: 'jobs: SLA utilisation of the replica that ran last, and a run still running',
    series: [
      ['job_sla_utilization_ratio{job_name="plain",instance="a"}', '1.2x30'],
      ['job_last_run_timestamp_seconds{job_name="plain",instance="a"}', '100x30'],
      ['job_sla_utilization_ratio{job_name="plain",instance="b"}', '0.85x9 0.3x20'],
      ['job_last_run_timestamp_seconds{job_name="plain",instance="b"}', '50x9 700x20'],
      // hourly (budget 100 s) starts a run at 5m that is still running.
      ['job_current_run_start_timestamp_seconds{job_name="hourly",instance="a"}', '0x4 300x25'],
    ],
    checks: [
      { at: '5m', alert: 'JobSlaBreachWarning', expect: [warn({ job_name: 'plain' })] },
      { at: '5m', alert: 'JobSlaBreachCritical', expect: [crit({ job_name: 'plain' })] },
      { at: '6m', alert: 'JobSlaBreachCritical', expect: [crit({ job_name: 'plain' })] },
      { at: '7m', alert: 'JobSlaBreachWarning', expect: [warn({ job_name: 'hourly' }), warn({ job_name: 'plain' })] },
      { at: '7m', alert: 'JobSlaBreachCritical', expect: [crit({ job_name: 'hourly' }), crit({ job_name: 'plain' })] },
      { at: '15m', alert: 'JobSlaBreachWarning', expect: [warn({ job_name: 'hourly' })] },
      { at: '15m', alert: 'JobSlaBreachCritical', expect: [crit({ job_name: 'hourly' })] },
    ],
  },
  {
    name: 'jobs: success rate with a minimum of runs; consecutive failures of the replica that ran last',
    series: [
      ['job_runs_total{job_name="plain",outcome="succeeded"}', '0+1x30'],
      ['job_runs_total{job_name="plain",outcome="failed"}', '0+1x30'],
      // hourly: 4 failed runs, no success — below minRuns (5): silent.
      ['job_runs_total{job_name="hourly",outcome="succeeded"}', '0x30'],
      ['job_runs_total{job_name="hourly",outcome="failed"}', '0+1x4 4x25'],
      ['job_runs_total{job_name="hourly",outcome="skipped_locked"}', '0+5x30'],
      ['job_consecutive_failures{job_name="plain",instance="a"}', '3x30'],
      ['job_last_run_timestamp_seconds{job_name="plain",instance="a"}', '100x30'],
      ['job_consecutive_failures{job_name="plain",instance="b"}', '0x30'],
      ['job_last_run_timestamp_seconds{job_name="plain",instance="b"}', '50x9 700x20'],
      ['job_consecutive_failures{job_name="hourly",instance="a"}', '2x30'],
      ['job_last_run_timestamp_seconds{job_name="hourly",instance="a"}', '100x30'],
    ],
    checks: [
      { at: '5m', alert: 'JobConsecutiveFailures', expect: [crit({ job_name: 'plain' })] },
      { at: '15m', alert: 'JobConsecutiveFailures', expect: [] }, // b succeeded after a's failures
      { at: '20m', alert: 'JobSuccessRateLow', expect: [crit({ job_name: 'plain' })] },
      // hourly skips many runs on the lease but it executed runs: no contention alert.
      { at: '20m', alert: 'JobLeaseContention', expect: [] },
    ],
  },
  {
    name: 'jobs: missed run after the last success (hourly: period 3600 s + grace 360 s)',
    series: [
      ['job_last_success_timestamp_seconds{job_name="hourly",instance="a"}', '0x80'],
      ['job_schedule_start_timestamp_seconds{job_name="hourly",instance="b"}', '3000x80'],
    ],
    checks: [
      { at: '60m', alert: 'JobMissedRun', expect: [] },
      { at: '70m', alert: 'JobMissedRun', expect: [crit({ job_name: 'hourly' })] },
    ],
  },
  {
    name: 'jobs: missed run before the first success counts from the earliest schedule start',
    series: [
      ['job_schedule_start_timestamp_seconds{job_name="hourly",instance="a"}', '0x80'],
      ['job_schedule_start_timestamp_seconds{job_name="hourly",instance="b"}', '1800x80'],
    ],
    checks: [
      { at: '60m', alert: 'JobMissedRun', expect: [] },
      { at: '70m', alert: 'JobMissedRun', expect: [crit({ job_name: 'hourly' })] },
    ],
  },
  {
    name: 'jobs: throughput and zero records against the exported baseline, from the replica that succeeded last',
    series: [
      ['job_last_run_records_per_second{job_name="plain",instance="a"}', '10x10 2x20'],
      ['job_baseline_records_per_second{job_name="plain",instance="a"}', '8x30'],
      ['job_last_success_timestamp_seconds{job_name="plain",instance="a"}', '100x10 200x20'],
      // a stale replica with a slow old run: never read.
      ['job_last_run_records_per_second{job_name="plain",instance="b"}', '1x30'],
      ['job_baseline_records_per_second{job_name="plain",instance="b"}', '8x30'],
      ['job_last_success_timestamp_seconds{job_name="plain",instance="b"}', '50x30'],
      ['job_last_run_records_per_second{job_name="hourly",instance="a"}', '0x30'],
      ['job_baseline_records_per_second{job_name="hourly",instance="a"}', '0x10 5x20'],
      ['job_last_success_timestamp_seconds{job_name="hourly",instance="a"}', '100x30'],
    ],
    checks: [
      { at: '5m', alert: 'JobThroughputLow', expect: [] },
      { at: '5m', alert: 'JobNoRecordsProcessed', expect: [] },
      { at: '15m', alert: 'JobThroughputLow', expect: [warn({ job_name: 'plain' })] },
      { at: '15m', alert: 'JobNoRecordsProcessed', expect: [warn({ job_name: 'hourly' })] },
    ],
  },
  {
    name: 'jobs: zombie lease (every run skipped, nobody runs it)',
    series: [
      ['job_runs_total{job_name="plain",outcome="skipped_locked"}', '0+1x60'],
      ['job_active{job_name="plain"}', '0x60'],
    ],
    checks: [
      { at: '10m', alert: 'JobLeaseContention', expect: [] }, // pending: for 15m
      { at: '30m', alert: 'JobLeaseContention', expect: [warn({ job_name: 'plain' })] },
    ],
  },
  {
    name: 'queues: depth and age',
    series: [
      ['queue_depth{queue="q"}', '150x5 600x10'],
      ['queue_average_item_age_seconds{queue="q"}', '100000x5 200000x10'],
      ['queue_oldest_item_age_seconds{queue="q"}', '500000x5 700000x10'],
    ],
    checks: [
      { at: '3m', alert: 'QueueDepthWarning', expect: [warn({ queue: 'q' })] },
      { at: '3m', alert: 'QueueDepthCritical', expect: [] },
      { at: '3m', alert: 'QueueAgeWarning', expect: [] },
      { at: '3m', alert: 'QueueEscalationRequired', expect: [] },
      { at: '10m', alert: 'QueueDepthCritical', expect: [crit({ queue: 'q' })] },
      { at: '10m', alert: 'QueueAgeWarning', expect: [warn({ queue: 'q' })] },
      { at: '10m', alert: 'QueueEscalationRequired', expect: [crit({ queue: 'q' })] },
    ],
  },
  {
    name: 'queues: the warning depth fires only up to the critical depth; the age alerts need waiting items',
    series: [
      ['queue_depth{queue="q",instance="a"}', '300x5 600x5 0x5'],
      ['queue_average_item_age_seconds{queue="q",instance="a"}', '200000x15'],
      ['queue_oldest_item_age_seconds{queue="q",instance="a"}', '700000x15'],
    ],
    checks: [
      { at: '3m', alert: 'QueueDepthWarning', expect: [warn({ queue: 'q' })] },
      { at: '8m', alert: 'QueueDepthWarning', expect: [] },
      { at: '8m', alert: 'QueueDepthCritical', expect: [crit({ queue: 'q' })] },
      { at: '13m', alert: 'QueueAgeWarning', expect: [] },
      { at: '13m', alert: 'QueueEscalationRequired', expect: [] },
    ],
  },
  {
    name: 'queues: resolutions drop below half their 7-day average (once 24 h of history exist)',
    series: [
      ['queue_resolved_per_day{queue="q",instance="a"}', '100x1500 20x30'],
      ['queue_resolved_per_day{queue="q",instance="b"}', '100x5 20x10'],
    ],
    checks: [
      { at: '12m', alert: 'QueueResolutionRateLow', expect: [] }, // b dropped, but its history is younger than 24 h
      { at: '1400m', alert: 'QueueResolutionRateLow', expect: [] },
      { at: '1510m', alert: 'QueueResolutionRateLow', expect: [warn({ queue: 'q' })] },
    ],
  },
  {
    name: 'health: a critical check failing for 5 minutes',
    series: [
      ['health_check_status{check="db",instance="a"}', '0x10'],
      ['health_check_status{check="cache",instance="a"}', '1x10'],
      ['health_check_status{check="search",instance="a"}', '0.5x10'],
    ],
    checks: [
      { at: '4m', alert: 'HealthCheckFailing', expect: [] },
      { at: '6m', alert: 'HealthCheckFailing', expect: [crit({ check: 'db', instance: 'a' })] },
    ],
  },
  {
    name: 'retries: plain retries 1 of 2 runs (rate 0.5 > 0.2), exhausted on a until b runs; hourly 1 retry in 6 runs (silent)',
    series: [
      ['job_runs_total{job_name="plain",outcome="succeeded"}', '0+1x30'],
      ['job_runs_total{job_name="plain",outcome="failed"}', '0+1x30'],
      ['job_retries_total{job_name="plain"}', '0+1x30'],
      ['job_runs_total{job_name="hourly",outcome="succeeded"}', '0+1x30'],
      ['job_retries_total{job_name="hourly"}', '0x10 1x20'],
      ['job_last_run_retries_exhausted{job_name="plain",instance="a"}', '1x30'],
      ['job_last_run_timestamp_seconds{job_name="plain",instance="a"}', '100x30'],
      ['job_last_run_retries_exhausted{job_name="plain",instance="b"}', '0x30'],
      ['job_last_run_timestamp_seconds{job_name="plain",instance="b"}', '50x9 700x20'],
    ],
    checks: [
      { at: '20m', alert: 'JobRetryRateHigh', expect: [warn({ job_name: 'plain' })] },
      { at: '5m', alert: 'JobRetriesExhausted', expect: [crit({ job_name: 'plain' })] },
      { at: '15m', alert: 'JobRetriesExhausted', expect: [] }, // b ran last, without exhausting its retries
    ],
  },
  {
    name: 'late start: plain (normal, 60 s) started 75 s late, hourly 45 s late (silent); a newer on-time run on b resolves',
    series: [
      ['job_last_run_start_delay_seconds{job_name="plain",instance="a"}', '75x30'],
      ['job_last_run_timestamp_seconds{job_name="plain",instance="a"}', '100x30'],
      ['job_last_run_start_delay_seconds{job_name="plain",instance="b"}', '0.5x30'],
      ['job_last_run_timestamp_seconds{job_name="plain",instance="b"}', '50x9 700x20'],
      ['job_last_run_start_delay_seconds{job_name="hourly",instance="a"}', '45x30'],
      ['job_last_run_timestamp_seconds{job_name="hourly",instance="a"}', '100x30'],
    ],
    checks: [
      { at: '5m', alert: 'JobStartLate', expect: [warn({ job_name: 'plain' })] },
      { at: '15m', alert: 'JobStartLate', expect: [] },
    ],
  },
  {
    name: 'utilisation streak: plain 3 runs in a row at ≥ 80 % on a, until b runs below; hourly 2 (silent)',
    series: [
      ['job_high_utilization_streak{job_name="plain",instance="a"}', '3x30'],
      ['job_last_run_timestamp_seconds{job_name="plain",instance="a"}', '100x30'],
      ['job_high_utilization_streak{job_name="plain",instance="b"}', '0x30'],
      ['job_last_run_timestamp_seconds{job_name="plain",instance="b"}', '50x9 700x20'],
      ['job_high_utilization_streak{job_name="hourly",instance="a"}', '2x30'],
      ['job_last_run_timestamp_seconds{job_name="hourly",instance="a"}', '100x30'],
    ],
    checks: [
      { at: '5m', alert: 'JobUtilizationStreak', expect: [crit({ job_name: 'plain' })] },
      { at: '15m', alert: 'JobUtilizationStreak', expect: [] },
    ],
  },
  {
    name: 'runtime: an event loop blocked for 5 minutes on one instance',
    series: [
      ['nodejs_eventloop_delay_p99_seconds{instance="a"}', '0.8x10'],
      ['nodejs_eventloop_delay_p99_seconds{instance="b"}', '0.012x10'],
    ],
    checks: [
      { at: '4m', alert: 'EventLoopDelayHigh', expect: [] },
      { at: '6m', alert: 'EventLoopDelayHigh', expect: [warn({ instance: 'a' })] },
    ],
  },
  {
    name: 'runtime: the heap of one instance over 90 % of its limit (all spaces summed) for 10 minutes',
    series: [
      ['v8js_memory_heap_used_bytes{instance="a",v8js_heap_space_name="old_space"}', '880x15'],
      ['v8js_memory_heap_used_bytes{instance="a",v8js_heap_space_name="new_space"}', '40x15'],
      ['v8js_memory_heap_size_limit_bytes{instance="a"}', '1000x15'],
      ['v8js_memory_heap_used_bytes{instance="b",v8js_heap_space_name="old_space"}', '880x15'],
      ['v8js_memory_heap_size_limit_bytes{instance="b"}', '1000x15'],
    ],
    checks: [
      { at: '9m', alert: 'HeapUsageHigh', expect: [] },
      { at: '11m', alert: 'HeapUsageHigh', expect: [warn({ instance: 'a' })] },
    ],
  },
];

function withoutAnnotations(file: PrometheusRuleFile): PrometheusRuleFile {
  return {
    groups: file.groups.map((g) => ({
      ...g,
      rules: g.rules.map((r) => {
        if (!('alert' in r)) return r;
        const { annotations: _annotations, ...rest } = r;
        return rest as AlertingRule;
      }),
    })),
  };
}

describe('promtool test rules', () => {
  it('every alert family fires and stays silent where it should (synthetic series)', () => {
    // Annotations are checked separately below; here the expectations are about labels and timing.
    write('logic.rules.yml', toYaml(withoutAnnotations(generateRules(config))));
    const tests = {
      rule_files: ['logic.rules.yml'],
      evaluation_interval: '1m',
      tests: cases.map((c) => ({
        name: c.name,
        interval: '1m',
        input_series: c.series.map(([series, values]) => ({ series, values })),
        alert_rule_test: c.checks.map((k) => ({
          eval_time: k.at,
          alertname: k.alert,
          exp_alerts: k.expect.map((labels) => ({ exp_labels: labels })),
        })),
      })),
    };
    const r = run(promtool, ['test', 'rules', write('logic.test.yml', toYaml(tests))]);
    expect(r.out).toContain('SUCCESS');
    expect(r.code).toBe(0);
    // Every generated alert is covered by at least one firing expectation.
    const fired = new Set(cases.flatMap((c) => c.checks.filter((k) => k.expect.length > 0).map((k) => k.alert)));
    const generated = new Set(
      generateRules(config)
        .groups.flatMap((g) => g.rules)
        .flatMap((r) => ('alert' in r ? [r.alert] : [])),
    );
    expect([...generated].filter((a) => !fired.has(a))).toEqual([]);
  }, 120_000); // promtool evaluates ~2 days of rules: tens of seconds on a loaded 2-core machine

  it('a wrong expectation fails (the harness can fail)', () => {
    write('logic.rules.yml', toYaml(withoutAnnotations(generateRules(config))));
    const tests = {
      rule_files: ['logic.rules.yml'],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: [
            { series: 'job_consecutive_failures{job_name="hourly"}', values: '2x10' },
            { series: 'job_last_run_timestamp_seconds{job_name="hourly"}', values: '100x10' },
          ],
          alert_rule_test: [
            { eval_time: '5m', alertname: 'JobConsecutiveFailures', exp_alerts: [{ exp_labels: crit({ job_name: 'hourly' }) }] },
          ],
        },
      ],
    };
    const r = run(promtool, ['test', 'rules', write('wrong.test.yml', toYaml(tests))]);
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('FAILED');
  });

  it("prometheus.groupBy keeps deployments apart: staging's newer run never hides prod's failures", () => {
    const spanning = defineConfig({
      ...config,
      prometheus: { evaluationInterval: '1m', selector: 'namespace=~"shop|shop-staging"', groupBy: ['namespace'] },
    });
    write('spanning.rules.yml', toYaml(withoutAnnotations(generateRules(spanning))));
    const series = (ns: string, failures: number, lastRun: number) => [
      { series: `job_consecutive_failures{namespace="${ns}",job_name="plain",instance="${ns}-a"}`, values: `${failures}x10` },
      {
        series: `job_last_run_timestamp_seconds{namespace="${ns}",job_name="plain",instance="${ns}-a"}`,
        values: `${lastRun}x10`,
      },
    ];
    const tests = {
      rule_files: ['spanning.rules.yml'],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: [...series('shop', 3, 100), ...series('shop-staging', 0, 200)],
          alert_rule_test: [
            {
              eval_time: '5m',
              alertname: 'JobConsecutiveFailures',
              exp_alerts: [{ exp_labels: crit({ job_name: 'plain', namespace: 'shop' }) }],
            },
          ],
        },
      ],
    };
    const r = run(promtool, ['test', 'rules', write('spanning.test.yml', toYaml(tests))]);
    expect(r.out).toContain('SUCCESS');
    expect(r.code).toBe(0);
  });

  it('annotations expand with the alert value (full generated rules)', () => {
    const rules = generateRules(config);
    write('full.rules.yml', toYaml(rules));
    const rule = rules.groups
      .flatMap((g) => g.rules)
      .find((r): r is AlertingRule => 'alert' in r && r.alert === 'JobConsecutiveFailures' && r.labels.job_name === 'plain');
    const expanded = Object.fromEntries(
      Object.entries(rule?.annotations ?? {}).map(([k, v]) => [k, v.replaceAll('{{ $value }}', '5')]),
    );
    expect(expanded.summary).toBe('Job plain failed 5 times in a row');
    const tests = {
      rule_files: ['full.rules.yml'],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: [
            { series: 'job_consecutive_failures{job_name="plain"}', values: '5x10' },
            { series: 'job_last_run_timestamp_seconds{job_name="plain"}', values: '100x10' },
          ],
          alert_rule_test: [
            {
              eval_time: '5m',
              alertname: 'JobConsecutiveFailures',
              exp_alerts: [{ exp_labels: crit({ job_name: 'plain' }), exp_annotations: expanded }],
            },
          ],
        },
      ],
    };
    const r = run(promtool, ['test', 'rules', write('full.test.yml', toYaml(tests))]);
    expect(r.out).toContain('SUCCESS');
    expect(r.code).toBe(0);
  });
});
