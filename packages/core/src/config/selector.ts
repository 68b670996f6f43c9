// Label matchers a user writes (`prometheus.selector`) parsed the way PromQL reads them, and label names a user
// gives checked against the labels Prometheus and slakit set themselves.
import { LABEL_CATALOGUE } from '../catalogue/labels.js';

/** A PromQL match operator. */
export type MatchOp = '=' | '!=' | '=~' | '!~';

/** One label matcher of a selector: `name op "value"`, the value with its escapes decoded. */
export interface LabelMatcher {
  readonly name: string;
  readonly op: MatchOp;
  readonly value: string;
}

/** Longest `prometheus.selector` accepted: it is repeated in every generated expression. */
export const MAX_SELECTOR_LENGTH = 4096;

/**
 * Prometheus' target labels: set on every scraped series from the scrape config (`job` = the scrape job's name,
 * `instance` = the target's address, i.e. one replica).
 */
export const RESERVED_TARGET_LABELS: readonly string[] = ['job', 'instance'];

/** Prometheus labels on slakit's series that are not slakit's keys: `le`, the bucket bound of a histogram. */
const EXPOSITION_LABELS: readonly string[] = ['le'];

/** The Prometheus label names slakit puts on its series or its recording rules (`LABEL_CATALOGUE`, `on` ≠ alert). */
export function slakitSeriesLabels(): string[] {
  return Object.values(LABEL_CATALOGUE)
    .filter((l) => l.on !== 'alert')
    .map((l) => l.prometheus);
}

/**
 * Why a label name a user gives clashes with a label Prometheus or slakit sets (a sentence starting "it is" or
 * "labels …"), or undefined when it does not: Prometheus' target labels `job` and `instance` (unless
 * `allowTargetLabels`, e.g. for a Pushgateway grouping key), names starting with `__`, the histogram label `le`, and
 * slakit's own label keys ({@link slakitSeriesLabels}).
 */
export function labelNameClash(name: string, options: { allowTargetLabels?: boolean } = {}): string | undefined {
  if (!options.allowTargetLabels && RESERVED_TARGET_LABELS.includes(name)) {
    return (
      `it is a target label Prometheus sets from the scrape config (job: the scrape job's name, instance: one ` +
      `replica's address), not a label of slakit's series, which keep their own labels under the default ` +
      `honor_labels: false; select your service by a label your targets carry, e.g. namespace="shop"`
    );
  }
  if (name.startsWith('__'))
    return `labels starting with __ are reserved for Prometheus' internal use (__name__ is the metric name the rules pick)`;
  if (EXPOSITION_LABELS.includes(name)) return `it is the bucket bound of slakit's histograms, which the generated rules pick`;
  const own = Object.values(LABEL_CATALOGUE).find((l) => l.on !== 'alert' && l.prometheus === name);
  if (own) {
    return (
      `it is one of slakit's own labels (${own.description}), which the generated rules select themselves; a target ` +
      `label ${name} would also rename slakit's to exported_${name}`
    );
  }
  return undefined;
}

const NAME = /[a-zA-Z_][a-zA-Z0-9_]*/y;
const SPACE = /[ \t\r\n]*/y;
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  '"': '"',
};
const HEX_ESCAPES: Readonly<Record<string, RegExp>> = { x: /^[0-9a-fA-F]{2}$/, u: /^[0-9a-fA-F]{4}$/, U: /^[0-9a-fA-F]{8}$/ };

/** A syntax error at a character (1-based, as an editor counts). */
class SelectorSyntax extends Error {}
function fail(at: number, what: string): never {
  throw new SelectorSyntax(`${what} at character ${at + 1}`);
}

/** One escape after `\` at `i`: the decoded text and the index after it (PromQL's, i.e. Go's, escapes). */
function readEscape(text: string, i: number): [string, number] {
  const c = text[i];
  if (c === undefined) return fail(i, 'unterminated string');
  if (Object.hasOwn(SIMPLE_ESCAPES, c)) return [SIMPLE_ESCAPES[c] as string, i + 1];
  if (c >= '0' && c <= '7') {
    const digits = text.slice(i, i + 3);
    if (!/^[0-7]{3}$/.test(digits)) return fail(i - 1, 'an octal escape needs three digits');
    const code = Number.parseInt(digits, 8);
    if (code > 255) return fail(i - 1, 'an octal escape is at most \\377');
    return [String.fromCharCode(code), i + 3];
  }
  const hex = Object.hasOwn(HEX_ESCAPES, c) ? (HEX_ESCAPES[c] as RegExp) : undefined;
  if (!hex) return fail(i - 1, `unknown escape sequence \\${c} (write \\\\ for a backslash)`);
  const width = c === 'x' ? 2 : c === 'u' ? 4 : 8;
  const digits = text.slice(i + 1, i + 1 + width);
  if (!hex.test(digits)) return fail(i - 1, `\\${c} needs ${width} hex digits`);
  const code = Number.parseInt(digits, 16);
  if (c !== 'x' && (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)))
    return fail(i - 1, `\\${c}${digits} is not a Unicode code point`);
  return [c === 'x' ? String.fromCharCode(code) : String.fromCodePoint(code), i + 1 + width];
}

/** The double-quoted string starting at `i`: its decoded value and the index after the closing quote. */
function quoted(text: string, start: number): [string, number] {
  if (text[start] !== '"') fail(start, 'expected a double-quoted value');
  let value = '';
  let i = start + 1;
  for (;;) {
    const c = text[i];
    if (c === undefined) return fail(start, 'unterminated string');
    if (c === '"') return [value, i + 1];
    if (c === '\\') {
      const [decoded, next] = readEscape(text, i + 1);
      value += decoded;
      i = next;
      continue;
    }
    if (c < ' ' || c === '\x7f') fail(i, 'a control character in a value (write it as an escape such as \\n)');
    value += c;
    i++;
  }
}

function skipSpace(text: string, i: number): number {
  SPACE.lastIndex = i;
  SPACE.test(text);
  return SPACE.lastIndex;
}

/**
 * Parses label matchers as written inside `{…}` of a PromQL selector (`namespace="shop",team=~"a|b"`): label names
 * `[a-zA-Z_][a-zA-Z0-9_]*`, operators `=`, `!=`, `=~`, `!~`, double-quoted values with PromQL's escapes, spaces
 * between tokens and an optional trailing comma. Linear in the length of the text.
 * @returns the matchers, or the syntax error and where it is
 */
export function parseMatchers(text: string): { matchers: LabelMatcher[] } | { error: string } {
  if (/\p{Cs}/u.test(text)) return { error: 'a lone UTF-16 surrogate (not valid UTF-8)' };
  const matchers: LabelMatcher[] = [];
  try {
    let i = skipSpace(text, 0);
    if (text[i] === '{') fail(i, 'write the matchers without the braces');
    while (i < text.length) {
      NAME.lastIndex = i;
      if (!NAME.test(text)) fail(i, 'expected a label name');
      const name = text.slice(i, NAME.lastIndex);
      i = skipSpace(text, NAME.lastIndex);
      const two = text.slice(i, i + 2);
      const op: MatchOp | undefined = two === '=~' || two === '!=' || two === '!~' ? two : text[i] === '=' ? '=' : undefined;
      if (op === undefined) fail(i, `expected a match operator (=, !=, =~, !~) after ${name}`);
      const [value, next] = quoted(text, skipSpace(text, i + (op as MatchOp).length));
      matchers.push({ name, op: op as MatchOp, value });
      i = skipSpace(text, next);
      if (i >= text.length) break;
      if (text[i] !== ',') fail(i, `expected "," or the end after ${name}${op}"…"`);
      i = skipSpace(text, i + 1);
    }
  } catch (error) {
    if (error instanceof SelectorSyntax) return { error: error.message };
    throw error;
  }
  return { matchers };
}

/**
 * What is wrong with a `prometheus.selector`, as the rest of a config message (`must …`), or undefined when it is
 * fine: too long, not PromQL label matchers, or a matcher on a label Prometheus or slakit sets (`job`, `instance`,
 * `__…`, `le`, slakit's own label keys).
 */
export function selectorProblem(text: string): string | undefined {
  if (text.length > MAX_SELECTOR_LENGTH)
    return `must be at most ${MAX_SELECTOR_LENGTH} characters (it is repeated in every generated expression), has ${text.length}`;
  const parsed = parseMatchers(text);
  if ('error' in parsed) return `must be PromQL label matchers such as namespace="shop",team=~"a|b" (${parsed.error})`;
  for (const m of parsed.matchers) {
    const clash = labelNameClash(m.name);
    if (clash) return `must not match on label ${JSON.stringify(m.name)}: ${clash}`;
    const regex = m.op === '=~' || m.op === '!~' ? regexProblem(m.value) : undefined;
    if (regex) return `must not hold an invalid regular expression for ${m.name} (${regex}); Prometheus would refuse every rule`;
  }
  return undefined;
}

/**
 * Why a matcher's regular expression would not load in Prometheus (RE2 syntax), or undefined. RE2's inline flags
 * (`(?i)`) and `(?P<name>…)` groups are accepted; lookaround and backreferences (JavaScript only) are not; the rest is
 * compiled as a JavaScript pattern, which catches unbalanced groups, bad ranges and dangling quantifiers.
 */
export function regexProblem(value: string): string | undefined {
  if (/\(\?<?[=!]/.test(value)) return 'lookaround is not RE2 syntax';
  if (/\\[1-9]|\\k</.test(value)) return 'backreferences are not RE2 syntax';
  for (const m of value.matchAll(/\{(\d+)(?:,(\d*))?\}/g))
    if (Number(m[1]) > 1000 || Number(m[2] || 0) > 1000) return 'a repeat count above 1000 (RE2 refuses it)';
  const js = value
    .replace(/\(\?[imsU]+(-[imsU]+)?\)/g, '')
    .replace(/\(\?[imsU]+(-[imsU]+)?:/g, '(?:')
    .replace(/\(\?P</g, '(?<');
  try {
    new RegExp(js);
    return undefined;
  } catch (error) {
    return `not a valid regular expression: ${(error as Error).message.replace(/^Invalid regular expression: /, '')}`;
  }
}
