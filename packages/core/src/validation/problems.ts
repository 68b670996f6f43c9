import type { SlakitErrorCode } from '../errors.js';
import { formatField, KNOWN, unknownKeyText } from './names.js';
import type { OptionIssue } from './native.js';
import { describeValue } from './redact.js';
import { CODED } from './zod-opt.js';

/** How the issues of a schema (slakit's validator's or zod's) read as slakit problems. */

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let cur = input;
  for (const key of path) {
    if (cur === null || (typeof cur !== 'object' && typeof cur !== 'function')) return undefined;
    try {
      if (!Object.hasOwn(cur, key)) return undefined;
      cur = (cur as Record<PropertyKey, unknown>)[key];
    } catch {
      return undefined;
    }
  }
  return cur;
}

/** One problem found by a schema, in slakit's words. */
export interface OptionProblem {
  code: SlakitErrorCode;
  field: string;
  value: unknown;
  accepted: string;
  /** `<field> must be <accepted>, got <value>` (or `<field> is not a known option …`). */
  text: string;
}

/** Replaces a union's issue by the issues of its most specific branch when one reached inside the value. */
function flattenUnions(issues: readonly OptionIssue[]): OptionIssue[] {
  const out: OptionIssue[] = [];
  for (const issue of issues) {
    if (issue.code === 'invalid_union' && Array.isArray(issue.errors)) {
      let best: readonly OptionIssue[] | undefined;
      let depth = 0;
      for (const branch of issue.errors as readonly (readonly OptionIssue[])[]) {
        const d = Math.max(0, ...branch.map((b) => b.path.length + (b.code === 'unrecognized_keys' ? 1 : 0)));
        if (d > depth) {
          depth = d;
          best = branch;
        }
      }
      if (best) {
        out.push(...flattenUnions(best.map((b) => ({ ...b, path: [...issue.path, ...b.path] }))));
        continue;
      }
    }
    out.push(issue);
  }
  return out;
}

/** Turns issues (slakit's or zod's) into slakit problems (unknown keys first: a misspelt option explains a missing one). */
export function optionProblems(issues: readonly OptionIssue[], input: unknown, prefix = '', root = 'options'): OptionProblem[] {
  const sorted = flattenUnions(issues).sort(
    (a, b) => Number(b.code === 'unrecognized_keys') - Number(a.code === 'unrecognized_keys'),
  );
  return sorted.map((issue) => {
    const at = (path: readonly PropertyKey[]) => formatField(path, prefix) || root;
    if (issue.code === 'unrecognized_keys') {
      const key = String(issue.keys?.[0]);
      const known = issue.message.startsWith(KNOWN) ? issue.message.slice(KNOWN.length).split(',').filter(Boolean) : [];
      const field = at([...issue.path, key]);
      return {
        code: 'ERR_SLAKIT_UNKNOWN_OPTION',
        field,
        value: valueAt(input, [...issue.path, key]),
        accepted: known.length ? `one of ${known.join(', ')}` : 'no options',
        text: `${field} ${unknownKeyText(key, issue.message, issue.path.length ? at(issue.path) : undefined)}`,
      };
    }
    const path = issue.path;
    const field = at(path);
    const isKey = (issue as { params?: { key?: boolean } }).params?.key === true;
    const value = isKey ? path[path.length - 1] : valueAt(input, path);
    let code: SlakitErrorCode = 'ERR_SLAKIT_INVALID_OPTION';
    let accepted = issue.message;
    if (accepted.startsWith(CODED)) {
      const rest = accepted.slice(CODED.length);
      const cut = rest.indexOf('\u0000');
      code = rest.slice(0, cut) as SlakitErrorCode;
      accepted = rest.slice(cut + 1);
    }
    if (accepted.startsWith('Invalid input') || accepted.startsWith('Too ')) accepted = 'a valid value';
    const shown = describeValue(value, isKey ? undefined : field);
    return {
      code,
      field,
      value,
      accepted,
      text: isKey
        ? `${field} is not an accepted name: must be ${accepted}, got key ${shown}`
        : `${field} must be ${accepted}, got ${shown}`,
    };
  });
}
