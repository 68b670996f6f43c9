// The retry and start-lateness panels of the jobs dashboard (issue #23): retry rate, attempts by outcome, retries
// exhausted, start delay by priority and the on-time ratio per priority — each alert and metric of
// catalogue/alerts-jobs-attempts.ts and metrics-job-attempts.ts has a panel. Gauges of "the last run" are read from
// the replica that ran last (`latestBy()`), like the rules.
import { JOB_PRIORITIES, JOB_START_DELAY_THRESHOLDS, type SlakitConfig } from '@slakit/core';
import type { Layout } from './dashboard-layout.js';
import { EXECUTED_OUTCOMES, latestBy, leMatcher, METRICS, quote, selector } from './promql.js';

/** Adds the "Odd runs" row: progress of running runs, interval between runs, last duration, streaks. */
function oddRunPanels(config: SlakitConfig, l: Layout): void {
  const all = selector(config);
  const last = (metric: string) => `max by (job_name) ${latestBy(metric, METRICS.jobLastRun, all)}`;
  l.row('Odd runs');
  l.add({
    title: 'Seconds since the last progress of the running run (0 = none running)',
    unit: 's',
    queries: [
      [
        `(time() - max by (job_name) (${METRICS.jobLastProgress}${all} > 0)) or max by (job_name) (${METRICS.jobLastProgress}${all}) * 0`,
        '{{job_name}}',
      ],
    ],
  });
  l.add({
    title: 'Interval between the last two runs',
    unit: 's',
    queries: [[last(METRICS.jobLastRunInterval), '{{job_name}}']],
  });
  l.add({
    title: 'Duration of the last successful run',
    unit: 's',
    queries: [[`max by (job_name) ${latestBy(METRICS.jobLastRunDuration, METRICS.jobLastSuccess, all)}`, '{{job_name}}']],
  });
  l.add({
    title: 'Runs in a row at ≥ 80 % of the budget (escalate at 3)',
    thresholds: [
      { color: 'green', value: null },
      { color: 'red', value: 3 },
    ],
    queries: [[last(METRICS.jobHighUtilizationStreak), '{{job_name}}']],
  });
  l.add({ title: 'Successes in a row', queries: [[last(METRICS.jobConsecutiveSuccesses), '{{job_name}}']] });
}

/** Adds the "Retries and start lateness" and "Odd runs" rows to the jobs dashboard. */
export function attemptPanels(config: SlakitConfig, l: Layout): void {
  oddRunPanels(config, l);
  const all = selector(config);
  l.row('Retries and start lateness');
  l.add({
    title: 'Retry rate (retries per executed run, 24 h; alert above 0.2)',
    unit: 'percentunit',
    thresholds: [
      { color: 'green', value: null },
      { color: 'orange', value: 0.2 },
    ],
    queries: [
      [
        `sum by (job_name) (increase(${METRICS.jobRetries}${all}[24h])) / sum by (job_name) (increase(${METRICS.jobRuns}${selector(config, `outcome=~"${EXECUTED_OUTCOMES}"`)}[24h]))`,
        '{{job_name}}',
      ],
    ],
  });
  l.add({
    title: 'Attempts by outcome',
    queries: [
      [`sum by (job_name, outcome) (increase(${METRICS.jobAttempts}${all}[$__rate_interval]))`, '{{job_name}} {{outcome}}'],
    ],
  });
  l.add({
    title: 'Last run exhausted its retries (1 = yes)',
    queries: [[`max by (job_name) ${latestBy(METRICS.jobLastRunRetriesExhausted, METRICS.jobLastRun, all)}`, '{{job_name}}']],
  });
  l.add({
    title: 'Start delay p95 by priority (slot → start)',
    unit: 's',
    queries: [
      [
        `histogram_quantile(0.95, sum by (le, job_name, priority) (rate(${METRICS.jobStartDelay}_bucket${all}[$__rate_interval])))`,
        '{{job_name}} ({{priority}})',
      ],
    ],
  });
  l.add({
    title: 'Start delay of the last scheduled run',
    unit: 's',
    queries: [[`max by (job_name) ${latestBy(METRICS.jobLastStartDelay, METRICS.jobLastRun, all)}`, '{{job_name}}']],
  });
  l.add({
    title: 'On-time starts (1 h, within the priority threshold 5 / 30 / 60 / 300 s)',
    unit: 'percentunit',
    min: 0,
    max: 1,
    // One query: each priority's ratio against its own threshold, joined with `or` (a job has one priority).
    queries: [
      [
        JOB_PRIORITIES.map((p) => {
          const of = selector(config, `priority=${quote(p)}`);
          const onTime = selector(config, `priority=${quote(p)}`, leMatcher(JOB_START_DELAY_THRESHOLDS[p]));
          return `sum by (job_name, priority) (rate(${METRICS.jobStartDelay}_bucket${onTime}[1h])) / sum by (job_name, priority) (rate(${METRICS.jobStartDelay}_count${of}[1h]))`;
        }).join(' or '),
        '{{job_name}} ({{priority}})',
      ],
    ],
  });
}
