import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without types
import { checkNames, formatUse } from './check-names.mjs';
import { fixtureTree } from './lib/fixture.js';

const catalogue = {
  'packages/core/package.json': { name: '@slakit/core' },
  'packages/core/src/catalogue/index.ts': [
    "export const ALERT_CATALOGUE = { JobMissedRun: { name: 'JobMissedRun' } } as const;",
    'export const METRIC_CATALOGUE = {',
    "  jobRuns: { otel: 'job.runs', prometheus: 'job_runs_total', series: ['job_runs_total'] },",
    "  jobDuration: { otel: 'job.run.duration', prometheus: 'job_run_duration_seconds', series: ['job_run_duration_seconds_count'] },",
    '} as const;',
  ].join('\n'),
};

describe('check-names', () => {
  it('reports catalogued names written as literals outside the catalogue, with file and line', async () => {
    const root = fixtureTree({
      ...catalogue,
      'packages/jobs/package.json': { name: '@slakit/jobs' },
      'packages/jobs/src/a.ts': [
        "export const ALERT = 'JobMissedRun';",
        'meter.createCounter(`job.runs`);',
        'const q = `sum(rate(job_run_duration_seconds_count{job="${j}"}[5m]))`;',
        "const fine = ['job.runs.extra', 'my.job.runs', 'job_runs_total_x', 'JobMissedRunSoon'];",
      ].join('\n'),
      'packages/jobs/src/a.test.ts': "expect(alert).toBe('JobMissedRun');",
    });
    const { uses } = await checkNames(root);
    expect(uses.map(formatUse)).toEqual([
      'packages/jobs/src/a.ts:1 "JobMissedRun" (alert JobMissedRun)',
      'packages/jobs/src/a.ts:2 "job.runs" (metric jobRuns (OpenTelemetry name))',
      'packages/jobs/src/a.ts:3 "job_run_duration_seconds_count" in text (metric jobDuration (series))',
    ]);
  });

  it('passes when names come from the catalogue', async () => {
    const root = fixtureTree({
      ...catalogue,
      'packages/jobs/package.json': { name: '@slakit/jobs' },
      'packages/jobs/src/a.ts':
        "import { ALERT_CATALOGUE } from '@slakit/core';\nexport const A = ALERT_CATALOGUE.JobMissedRun.name;",
    });
    expect((await checkNames(root)).uses).toEqual([]);
  });
});
