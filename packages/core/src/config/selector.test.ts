import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LABEL_CATALOGUE } from '../catalogue/labels.js';
import { SlakitError } from '../errors.js';
import { validateConfig } from './schema.js';
import {
  type LabelMatcher,
  labelNameClash,
  MAX_SELECTOR_LENGTH,
  parseMatchers,
  RESERVED_TARGET_LABELS,
  regexProblem,
  selectorProblem,
  slakitSeriesLabels,
} from './selector.js';

const withSelector = (selector: unknown) => ({ service: 'shop', prometheus: { selector } });

function configError(selector: unknown): SlakitError {
  try {
    validateConfig(withSelector(selector));
  } catch (error) {
    expect(error).toBeInstanceOf(SlakitError);
    return error as SlakitError;
  }
  throw new Error(`expected selector ${JSON.stringify(selector)} to be refused`);
}

const matchers = (text: string): LabelMatcher[] => {
  const parsed = parseMatchers(text);
  if ('error' in parsed) throw new Error(parsed.error);
  return parsed.matchers;
};

// The regular expression the schema used before the parser: every selector the parser accepts, it accepted too.
const OLD_MATCHERS =
  /^\s*([a-zA-Z_][a-zA-Z0-9_]*\s*(=|!=|=~|!~)\s*"([^"\\]|\\.)*"\s*)(,\s*[a-zA-Z_][a-zA-Z0-9_]*\s*(=|!=|=~|!~)\s*"([^"\\]|\\.)*"\s*)*,?\s*$/s;

describe('prometheus.selector: refused labels', () => {
  it('job="x" → ERR_SLAKIT_INVALID_CONFIG naming the field, the label and why, at validation', () => {
    const e = configError('job="myservice"');
    expect(e.code).toBe('ERR_SLAKIT_INVALID_CONFIG');
    expect(e.field).toBe('prometheus.selector');
    expect(e.value).toBe('job="myservice"');
    expect(e.message).toContain('prometheus.selector must not match on label "job": it is a target label Prometheus sets');
    expect(e.message).toContain('honor_labels: false');
    expect(e.message).toContain('e.g. namespace="shop"');
    expect(e.message).toContain('got "job=\\"myservice\\""');
  });

  it.each(['instance=~".+"', 'instance="10.0.0.1:9464"', 'namespace="shop",job!="other"', ' job = "x" , '])(
    'refuses a target label in %j, whatever the operator',
    (selector) => {
      const e = configError(selector);
      expect(e.field).toBe('prometheus.selector');
      expect(e.message).toMatch(/must not match on label "(job|instance)": it is a target label/);
    },
  );

  it('refuses __ labels and the histogram bucket label le', () => {
    expect(configError('__name__=~"http_.*"').message).toContain(
      'must not match on label "__name__": labels starting with __ are reserved',
    );
    expect(configError('__meta_kubernetes_namespace="shop"').message).toContain('"__meta_kubernetes_namespace"');
    expect(configError('le="0.5"').message).toContain('must not match on label "le": it is the bucket bound');
  });

  it("refuses every one of slakit's own series labels, derived from LABEL_CATALOGUE", () => {
    const own = slakitSeriesLabels();
    expect(own).toEqual(expect.arrayContaining([LABEL_CATALOGUE.job.prometheus, 'queue', 'check', 'outcome', 'http_route']));
    expect(own).toContain('job_name'); // the job label after the rename; `job` is Prometheus' own
    expect(own).not.toContain('job');
    expect(own).toEqual(expect.arrayContaining(['severity', 'window', 'sink', 'result', 'error_type']));
    // Alert-only labels are not on series: selecting on them is the user's business.
    for (const l of ['service', 'slo', 'alertname']) expect(own).not.toContain(l);
    for (const name of own) {
      const e = configError(`namespace="shop", ${name}="x"`);
      expect(e.field, name).toBe('prometheus.selector');
      if (RESERVED_TARGET_LABELS.includes(name)) continue;
      expect(e.message, name).toContain(`must not match on label "${name}": it is one of slakit's own labels`);
      expect(e.message, name).toContain(`exported_${name}`);
    }
    expect(configError('outcome="failed"').message).toContain('(outcome of a job run)');
  });

  it('accepts labels targets carry, alone or together, with an optional trailing comma', () => {
    for (const ok of [
      '',
      '   ',
      'namespace="shop"',
      'namespace="shop",service="orders"',
      'namespace="shop", team=~"a|b",',
      'cluster!~"dev-.*"',
      'exported_job="x"',
      'jobs="x"',
      'instance_group="a"',
      '_private="x"',
    ]) {
      expect(validateConfig(withSelector(ok)).prometheus.selector, ok).toBe(ok);
    }
  });

  it('labelNameClash: a Pushgateway grouping key may be job or instance, never a slakit label', () => {
    expect(labelNameClash('instance', { allowTargetLabels: true })).toBeUndefined();
    expect(labelNameClash('instance')).toMatch(/^it is a target label/);
    expect(labelNameClash('queue', { allowTargetLabels: true })).toMatch(/^it is one of slakit's own labels/);
    expect(labelNameClash('namespace')).toBeUndefined();
  });
});

describe('prometheus.selector: syntax', () => {
  it.each([
    ['service=shop', 'expected a double-quoted value at character 9'],
    ['{namespace="shop"}', 'write the matchers without the braces at character 1'],
    ['up{namespace="shop"}', 'expected a match operator (=, !=, =~, !~) after up at character 3'],
    ["namespace='shop'", 'expected a double-quoted value'],
    ['namespace=="shop"', 'expected a double-quoted value at character 11'],
    ['namespace~="shop"', 'expected a match operator'],
    ['namespace="shop', 'unterminated string at character 11'],
    ['namespace="shop\\', 'unterminated string'],
    ['namespace="a\\d"', 'unknown escape sequence \\d'],
    ['namespace="a\\\'"', "unknown escape sequence \\'"],
    ['namespace="\\x4"', '\\x needs 2 hex digits'],
    ['namespace="\\u12"', '\\u needs 4 hex digits'],
    ['namespace="\\ud800"', 'is not a Unicode code point'],
    ['namespace="\\U00110000"', 'is not a Unicode code point'],
    ['namespace="\\400"', 'an octal escape is at most \\377'],
    ['namespace="\\12"', 'an octal escape needs three digits'],
    ['namespace="a\nb"', 'a control character in a value'],
    ['namespace="a" team="b"', 'expected "," or the end'],
    [',namespace="a"', 'expected a label name at character 1'],
    ['namespace="a",,', 'expected a label name'],
    ['1abc="x"', 'expected a label name at character 1'],
    ['naméspace="x"', 'expected a match operator'],
    ['"namespace"="x"', 'expected a label name'],
    ['namespace="a\ud800"', 'lone UTF-16 surrogate'],
  ])('refuses %j: %s', (selector, detail) => {
    const e = configError(selector);
    expect(e.code).toBe('ERR_SLAKIT_INVALID_CONFIG');
    expect(e.field).toBe('prometheus.selector');
    expect(e.message).toContain('prometheus.selector must be PromQL label matchers such as namespace="shop"');
    expect(e.message).toContain(detail);
  });

  it('refuses a selector that is not a string', () => {
    expect(configError(42).field).toBe('prometheus.selector');
    expect(configError(['namespace="shop"']).field).toBe('prometheus.selector');
  });

  it("decodes PromQL's escapes and keeps unicode values", () => {
    expect(matchers('a="x\\"y", b=~"\\\\d+\\\\.\\\\d", c!="\\n\\t\\x41\\101\\u00e9\\U0001F600", d!~"магазин 🛒"')).toEqual([
      { name: 'a', op: '=', value: 'x"y' },
      { name: 'b', op: '=~', value: '\\d+\\.\\d' },
      { name: 'c', op: '!=', value: '\n\tAAé😀' },
      { name: 'd', op: '!~', value: 'магазин 🛒' },
    ]);
    expect(matchers('\n  a="1",\n\tb="2",\n')).toEqual([
      { name: 'a', op: '=', value: '1' },
      { name: 'b', op: '=', value: '2' },
    ]);
    expect(matchers('a=""')).toEqual([{ name: 'a', op: '=', value: '' }]);
  });

  it('refuses a huge selector by its length, and parses a long valid one in linear time', () => {
    const huge = `namespace="${'a'.repeat(1_000_000)}"`;
    expect(selectorProblem(huge)).toBe(
      `must be at most ${MAX_SELECTOR_LENGTH} characters (it is repeated in every generated expression), has ${huge.length}`,
    );
    const e = configError(huge);
    expect(e.field).toBe('prometheus.selector');
    expect(e.message.length).toBeLessThan(1000); // the value is cut in the message
    // The parser itself on 200k matchers and 1M-character pathological strings (linear: no backtracking; unit tests
    // never assert wall-clock times).
    const many = Array.from({ length: 200_000 }, (_, i) => `l${i}="v"`).join(',');
    expect(matchers(many)).toHaveLength(200_000);
    expect('error' in parseMatchers(`a="${'\\\\'.repeat(500_000)}`)).toBe(true);
    expect('error' in parseMatchers(`${'a="b",'.repeat(100_000)} a`)).toBe(true);
  });
});

describe('prometheus.selector: properties', () => {
  const name = fc.stringMatching(/^[a-z][a-z0-9_]{0,12}$/).filter((n) => labelNameClash(n) === undefined);
  const op = fc.constantFrom('=', '!=', '=~', '!~');
  const value = fc.string({ unit: 'grapheme', maxLength: 20 });
  const space = fc.constantFrom('', ' ', '\t', '\n ', '  ');
  const selector = fc.record({
    list: fc.array(fc.record({ name, op, value }), { minLength: 1, maxLength: 6 }),
    gaps: fc.array(space, { minLength: 30, maxLength: 30 }),
    trailing: fc.boolean(),
  });
  const render = (s: { list: LabelMatcher[]; gaps: string[]; trailing: boolean }) =>
    s.list.map((m, i) => `${s.gaps[i]}${m.name}${s.gaps[i + 6]}${m.op}${s.gaps[i + 12]}${JSON.stringify(m.value)}`).join(',') +
    (s.trailing ? `,${s.gaps[29]}` : s.gaps[29]);

  it('parses back what it renders (JSON escapes are PromQL escapes), spaces and trailing comma aside', () => {
    fc.assert(
      fc.property(selector, (s) => {
        const text = render(s);
        expect(matchers(text)).toEqual(s.list);
        const regexOk = s.list.every((m) => (m.op !== '=~' && m.op !== '!~') || regexProblem(m.value) === undefined);
        if (text.length <= MAX_SELECTOR_LENGTH) expect(selectorProblem(text) === undefined).toBe(regexOk);
      }),
    );
  });

  it('never throws on any input, and accepts nothing the old schema regex refused', () => {
    const noisy = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 60 }),
      fc.string({ unit: fc.constantFrom('a', '=', '!', '~', '"', '\\', ',', ' ', 'x', 'u', '0', '\n'), maxLength: 40 }),
      selector.map(render).chain((t) => fc.nat(t.length).map((cut) => t.slice(0, cut))),
    );
    fc.assert(
      fc.property(noisy, (text) => {
        const parsed = parseMatchers(text);
        const problem = selectorProblem(text);
        if ('error' in parsed) {
          expect(problem).toMatch(/^must be PromQL label matchers/);
        } else {
          if (text.trim() !== '') expect(OLD_MATCHERS.test(text), text).toBe(true);
          for (const m of parsed.matchers) expect(m.name).toMatch(/^[a-zA-Z_][a-zA-Z0-9_]*$/);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('prometheus.selector: regular expressions Prometheus (RE2) would refuse', () => {
  it.each([
    ['team=~"a("', /invalid regular expression for team/],
    ['team!~"[z-a]"', /invalid regular expression for team/],
    ['team=~"(?=x)"', /lookaround is not RE2/],
    ['team=~"(a)\\\\1"', /backreferences are not RE2/],
    ['team=~"a{1001}"', /repeat count above 1000/],
  ])('%s is refused at validation', (selector, message) => {
    expect(selectorProblem(selector)).toMatch(message);
  });

  it.each(['team=~"a|b"', 'team=~"(?i)shop"', 'team=~"(?P<n>x)y"', 'team!~"staging-.*"'])('%s is accepted', (selector) => {
    expect(selectorProblem(selector)).toBeUndefined();
  });
});

describe('prometheus.groupBy', () => {
  const groupBy = (names: unknown) => ({ service: 'shop', prometheus: { groupBy: names } });
  it.each([['instance'], ['job_name'], ['__name__'], ['not a label']])('%s is refused, naming the field', (name) => {
    let error: unknown;
    try {
      validateConfig(groupBy([name]));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SlakitError);
    expect((error as SlakitError).field).toBe('prometheus.groupBy[0]');
  });
  it('a deployment label is accepted and defaults to none', () => {
    expect(validateConfig(groupBy(['namespace'])).prometheus.groupBy).toEqual(['namespace']);
    expect(validateConfig({ service: 'shop' }).prometheus.groupBy).toEqual([]);
  });
});
