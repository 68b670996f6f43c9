// prometheus.selector through the generators and `slakit validate`: refused when it clashes, present in every
// series selector when it does not.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { METRIC_CATALOGUE, type SlakitConfigInput } from '@slakit/core';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../cli.js';
import { dashboardQueries, generateDashboards } from './dashboards.js';
import { type AlertingRule, generateRules } from './rules.js';

const input = (selector: string): SlakitConfigInput => ({
  service: 'shop',
  prometheus: { selector },
  slos: [{ name: 'availability', kind: 'availability', objective: 99.9 }],
  jobs: { cleanup_pdfs: { budgetSeconds: 600, schedule: '0 3 * * *' } },
  queues: { manual_resolution: {} },
});

const SERIES = new RegExp(
  `\\b(${Object.values(METRIC_CATALOGUE)
    .flatMap((m) => m.series)
    .join('|')})\\{([^}]*)\\}`,
  'g',
);

describe('prometheus.selector in the generators', () => {
  it('namespace="shop" is in every series selector of the rules and dashboards, exactly once', () => {
    const rules = generateRules(input('namespace="shop",'));
    const exprs = [
      ...rules.groups.flatMap((g) => g.rules.map((r) => r.expr)),
      ...dashboardQueries(generateDashboards(input('namespace="shop"'))).map((q) => q.expr),
    ];
    let selectors = 0;
    for (const expr of exprs) {
      for (const [, , inside] of expr.matchAll(SERIES)) {
        selectors++;
        expect(
          inside?.split(',').filter((m) => m === 'namespace="shop"'),
          expr,
        ).toHaveLength(1);
        expect(inside, expr).not.toMatch(/,,|,$|^,/);
      }
    }
    expect(selectors).toBeGreaterThan(20);
    const alerts = rules.groups.flatMap((g) => g.rules).filter((r): r is AlertingRule => 'alert' in r);
    expect(alerts.length).toBeGreaterThan(5);
  });

  it.each(['job="myservice"', 'instance=~".+"', 'queue="x"', 'outcome!="failed"'])(
    'generateRules(%j) refuses the config: SlakitError naming prometheus.selector',
    (selector) => {
      expect(() => generateRules(input(selector))).toThrowError(
        expect.objectContaining({
          code: 'ERR_SLAKIT_INVALID_CONFIG',
          field: 'prometheus.selector',
          message: expect.stringMatching(/prometheus\.selector must not match on label "[a-z_]+": it is /),
        }),
      );
    },
  );
});

describe('slakit validate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'slakit-selector-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = async (argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t), cwd: dir });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('reports a selector on job (exit 2, the file, the field, the label and the way out)', async () => {
    writeFileSync(join(dir, 'job.yaml'), `service: shop\nprometheus: { selector: 'job="myservice"' }\n`);
    const r = await run(['validate', '--config', 'job.yaml']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('job.yaml');
    expect(r.err).toContain('prometheus.selector must not match on label "job"');
    expect(r.err).toContain('namespace="shop"');
    expect(r.out).toBe('');
  });

  it('accepts a selector on a label the targets carry and prints it back', async () => {
    writeFileSync(join(dir, 'ok.yaml'), `service: shop\nprometheus: { selector: 'namespace="shop"' }\n`);
    const r = await run(['validate', '--config', 'ok.yaml']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).prometheus.selector).toBe('namespace="shop"');
  });
});
