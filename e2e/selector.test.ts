// prometheus.selector against the real PromQL parser (promtool): every selector slakit accepts — escapes, unicode,
// spaces, a trailing comma, random ones — gives rules promtool accepts; the syntax slakit refuses, promtool refuses too.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateRules, toYaml } from '@slakit/cli';
import { defineConfig, labelNameClash, parseMatchers, selectorProblem } from '@slakit/core';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { binary } from '../test-support/services.js';

const promtool = binary('promtool', 'prometheus');
const dir = mkdtempSync(join(tmpdir(), 'slakit-selector-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function checkRules(name: string, file: unknown): { code: number; out: string } {
  const path = join(dir, name);
  writeFileSync(path, toYaml(file));
  const r = spawnSync(promtool, ['check', 'rules', path], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

const rawRules = (selectors: string[]) => ({
  groups: [{ name: 'raw', rules: selectors.map((s, i) => ({ record: `raw:selector_${i}`, expr: `up{${s}}` })) }],
});

const ACCEPTED = [
  'namespace="shop"',
  'namespace="shop",',
  ' namespace = "shop" ,\n\tteam =~ "a|b" , ',
  'namespace!~"dev-.*",cluster!="x"',
  'namespace="x\\"y\\\\z"',
  'namespace="\\n\\t\\x41\\101\\u00e9\\U0001F600"',
  'namespace="магазин 🛒 店"',
  'namespace=""',
  'path=~"/api/\\\\d+"',
];

// Refused by slakit for a reason PromQL shares (PromQL also takes single-quoted and backtick strings, braces and
// UTF-8 label names in Prometheus 3, and raw tabs in values: slakit is stricter there, on purpose).
const REFUSED = [
  'service=shop',
  'namespace=="shop"',
  'namespace="shop',
  'namespace="a\\d"',
  'namespace="a\\\'"',
  'namespace="\\x4"',
  'namespace="\\u12"',
  'namespace="\\ud800"',
  'namespace="\\U00110000"',
  'namespace="\\400"',
  'namespace="\\12"',
  'namespace="a\nb"',
  'namespace="a" team="b"',
  ',namespace="a"',
  'namespace="a",,',
  '1abc="x"',
  'naméspace="x"',
];

describe('prometheus.selector × promtool', () => {
  it('every accepted selector yields rules promtool accepts, the selector in them', () => {
    for (const selector of ACCEPTED) {
      expect(selectorProblem(selector), selector).toBeUndefined();
      const rules = generateRules(
        defineConfig({
          service: 'shop',
          prometheus: { selector },
          slos: [{ name: 'availability', kind: 'availability', objective: 99.9 }],
          jobs: { nightly: { budgetSeconds: 60, schedule: '0 3 * * *' } },
          queues: { q: {} },
        }),
      );
      const r = checkRules('accepted.yml', rules);
      expect(r.out, selector).toMatch(/SUCCESS: \d+ rules found/);
      expect(r.code, selector).toBe(0);
    }
  });

  it.each(REFUSED)('slakit and promtool both refuse %j', (selector) => {
    expect(selectorProblem(selector)).toMatch(/^must be PromQL label matchers/);
    expect(checkRules('refused.yml', rawRules([selector])).code).not.toBe(0);
  });

  it('random selectors slakit accepts all pass promtool (one file of 300)', () => {
    const name = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,10}$/).filter((n) => labelNameClash(n) === undefined);
    const matcher = fc
      .record({
        name,
        op: fc.constantFrom('=', '!='),
        value: fc.string({ unit: 'grapheme', maxLength: 12 }),
        space: fc.constantFrom('', ' ', '\n'),
      })
      .map((m) => `${m.space}${m.name}${m.space}${m.op}${m.space}${JSON.stringify(m.value)}`);
    const selectors = fc.sample(
      fc.tuple(fc.array(matcher, { minLength: 1, maxLength: 4 }), fc.boolean()).map(([ms, t]) => ms.join(',') + (t ? ',' : '')),
      { numRuns: 300, seed: 19 },
    );
    for (const s of selectors) expect('matchers' in parseMatchers(s), s).toBe(true);
    const r = checkRules('random.yml', rawRules(selectors));
    expect(r.out).toContain('SUCCESS: 300 rules found');
    expect(r.code).toBe(0);
  });
});
