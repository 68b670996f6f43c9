import type { z } from 'zod';
import { SlakitError, type SlakitErrorCode } from '../errors.js';
import { lazySchema, zod } from './lazy.js';
import { formatField, KNOWN, knownKeysError, unknownKeyText } from './names.js';
import { describeValue } from './redact.js';

export { didYouMean, editDistance, formatField, knownKeysError, unknownKeyText } from './names.js';

/**
 * The one validation path of slakit: every factory's options and the SLO/SLA config are zod schemas built from
 * these helpers, so they reject the same values with the same words. A leaf's zod message is the description of
 * what it accepts (`a number of seconds > 0`); {@link validateOptions} turns the first issue into a `SlakitError`
 * `<field> must be <accepted>, got <value>` (value redacted, `NaN`/`Infinity` by name), and unknown keys into
 * `ERR_SLAKIT_UNKNOWN_OPTION` with a did-you-mean.
 */

/** A schema of an option (any zod schema; build them with {@link opt}). */
export type OptionSchema = z.ZodType;

/** Marker carried by a custom issue with its own error code: `<marker><code>\u0000<accepted>`. */
const CODED = '\u0000slakit-code:';

/** Object keys that would change an object's prototype or shadow its methods: never accepted as names. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** An accepted description that carries its own error code (e.g. `ERR_SLAKIT_THRESHOLD_ORDER`). */
export function coded(code: SlakitErrorCode, accepted: string): string {
  return `${CODED}${code}\u0000${accepted}`;
}

/**
 * Builders of option schemas; every leaf takes the text of what it accepts. Each returns a {@link lazySchema}: the
 * zod schema is built (and zod loaded) the first time it is used, never at import.
 */
export const opt = {
  /** A finite number (never NaN or ±Infinity) passing `test`. */
  number: (accepted: string, test: (v: number) => boolean = () => true) =>
    lazySchema(() => zod().custom<number>((v) => finite(v) && test(v), { error: accepted })),
  /** A safe integer passing `test`. */
  integer: (accepted: string, test: (v: number) => boolean = () => true) =>
    lazySchema(() => zod().custom<number>((v) => Number.isSafeInteger(v) && test(v as number), { error: accepted })),
  /** A string passing `test`. */
  string: (accepted = 'a string', test: (v: string) => boolean = () => true) =>
    lazySchema(() => zod().custom<string>((v) => typeof v === 'string' && test(v), { error: accepted })),
  /** A non-empty string. */
  text: (accepted = 'a non-empty string') =>
    lazySchema(() => zod().custom<string>((v) => typeof v === 'string' && v.trim() !== '', { error: accepted })),
  boolean: (accepted = 'true or false') =>
    lazySchema(() => zod().custom<boolean>((v) => typeof v === 'boolean', { error: accepted })),
  /** A function. */
  function: (accepted = 'a function') =>
    lazySchema(() => zod().custom<(...args: never[]) => unknown>((v) => typeof v === 'function', { error: accepted })),
  /** One of `values`. */
  oneOf: <T extends string | number | boolean>(values: readonly T[], accepted = `one of ${values.join(', ')}`) =>
    lazySchema(() => zod().custom<T>((v) => (values as readonly unknown[]).includes(v), { error: accepted })),
  /** An object (any non-null object, or a function) with these methods: a duck-typed client. */
  client: (methods: readonly string[], accepted: string) =>
    lazySchema(() =>
      zod().custom<object>(
        (v) =>
          (typeof v === 'object' || typeof v === 'function') &&
          v !== null &&
          methods.every((m) => typeof (v as Record<string, unknown>)[m] === 'function'),
        { error: accepted },
      ),
    ),
  /** Anything passing `test` (for values such as a Date or a RegExp). */
  custom: <T = unknown>(accepted: string, test: (v: unknown) => boolean) =>
    lazySchema(() => zod().custom<T>(test, { error: accepted })),
  /** Any value (documented but not checked here; the factory checks it). */
  any: () => lazySchema(() => zod().unknown()),
  /**
   * A value that matches one of the schemas. When a branch got inside an object (`rules: { minRuns: 0 }`), that
   * branch's problem is reported (`rules.minRuns`); otherwise `accepted`.
   */
  union: (schemas: readonly [OptionSchema, OptionSchema, ...OptionSchema[]], accepted: string) =>
    lazySchema(() => zod().union(schemas as unknown as [z.ZodType, z.ZodType, ...z.ZodType[]], { error: accepted })),
  /** `false`, or a value of `schema` (e.g. `rules: false | { … }`). */
  falseOr: (schema: OptionSchema, accepted: string) =>
    lazySchema(() => zod().union([zod().literal(false, { error: accepted }), schema], { error: accepted })),
  /** An array of items (each validated with its index in the path). */
  array: (item: OptionSchema, accepted: string, { min = 0, max = Number.POSITIVE_INFINITY } = {}) =>
    lazySchema(() =>
      zod()
        .array(item, { error: accepted })
        .check((ctx) => {
          if (ctx.value.length < min || ctx.value.length > max)
            ctx.issues.push({ code: 'custom', message: accepted, input: ctx.value });
        }),
    ),
  /**
   * A plain options object with exactly these keys (every key optional unless listed in `required`); other keys are
   * reported as unknown options with a did-you-mean. `accepted` describes the object itself.
   */
  object: (shape: Record<string, OptionSchema>, accepted = 'an options object', { required = [] as readonly string[] } = {}) =>
    lazySchema(() => {
      const keys = Object.keys(shape);
      const full: Record<string, OptionSchema> = {};
      for (const key of keys)
        full[key] = required.includes(key) ? (shape[key] as OptionSchema) : (shape[key] as OptionSchema).optional();
      return zod()
        .custom<Record<string, unknown>>(isObject, { error: accepted })
        .pipe(zod().strictObject(full, { error: knownKeysError(keys) }));
    }),
  /**
   * An object of named entries (`jobs`, `remediations`): keys must match `key` (when given) and may never be
   * `__proto__`, `constructor` or `prototype` (which JavaScript objects would drop or resolve to a method).
   */
  record: (value: OptionSchema, accepted: string, key?: { pattern: RegExp; accepted: string; code?: SlakitErrorCode }) =>
    lazySchema(() =>
      zod()
        .custom<Record<string, unknown>>(isObject, { error: accepted })
        .superRefine((input, ctx) => {
          for (const k of Object.keys(input)) {
            if (FORBIDDEN_KEYS.has(k) || (key && !key.pattern.test(k))) {
              ctx.addIssue({
                code: 'custom',
                path: [k],
                message: key
                  ? coded(key.code ?? 'ERR_SLAKIT_INVALID_OPTION', key.accepted)
                  : 'a name other than __proto__, constructor, prototype',
                input: k,
                params: { key: true },
              });
            }
          }
        })
        .pipe(zod().record(zod().string(), value)),
    ),
};

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
function flattenUnions(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  const out: z.core.$ZodIssue[] = [];
  for (const issue of issues) {
    if (issue.code === 'invalid_union' && Array.isArray(issue.errors)) {
      let best: z.core.$ZodIssue[] | undefined;
      let depth = 0;
      for (const branch of issue.errors) {
        const d = Math.max(0, ...branch.map((b) => b.path.length + (b.code === 'unrecognized_keys' ? 1 : 0)));
        if (d > depth) {
          depth = d;
          best = branch;
        }
      }
      if (best) {
        out.push(...flattenUnions(best.map((b) => ({ ...b, path: [...issue.path, ...b.path] }) as z.core.$ZodIssue)));
        continue;
      }
    }
    out.push(issue);
  }
  return out;
}

/** Turns zod issues into slakit problems (unknown keys first: a misspelt option explains a missing one). */
export function optionProblems(
  issues: readonly z.core.$ZodIssue[],
  input: unknown,
  prefix = '',
  root = 'options',
): OptionProblem[] {
  const sorted = flattenUnions(issues).sort(
    (a, b) => Number(b.code === 'unrecognized_keys') - Number(a.code === 'unrecognized_keys'),
  );
  return sorted.map((issue) => {
    const at = (path: readonly PropertyKey[]) => formatField(path, prefix) || root;
    if (issue.code === 'unrecognized_keys') {
      const key = String(issue.keys[0]);
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

/** Options of {@link validateOptions}. */
export interface ValidateOptions {
  /** Path prefix of every field, e.g. `sinks[1].delivery`; default none. */
  prefix?: string;
  /** Field named when the options value itself is wrong; default the prefix, else `options`. */
  root?: string;
}

/**
 * Validates a factory's options against its schema and returns them unchanged (defaults are the factory's job).
 * `undefined` is accepted when the schema accepts it (pass `opt.object(...).optional()`).
 * @throws SlakitError `ERR_SLAKIT_UNKNOWN_OPTION` for a key the schema does not know (with a did-you-mean),
 *   else `ERR_SLAKIT_INVALID_OPTION` (or the code the schema names) naming the first invalid field
 */
export function validateOptions<T>(schema: OptionSchema, options: T, settings: ValidateOptions = {}): T {
  let result: ReturnType<OptionSchema['safeParse']>;
  try {
    result = schema.safeParse(options);
  } catch {
    // A hostile getter or proxy: report the options as a whole.
    throw new SlakitError(
      'ERR_SLAKIT_INVALID_OPTION',
      `${settings.root ?? (settings.prefix || 'options')} must be a plain options object`,
      {
        field: settings.root ?? (settings.prefix || 'options'),
        accepted: 'a plain options object',
      },
    );
  }
  if (result.success) return options;
  const problems = optionProblems(
    result.error.issues,
    options,
    settings.prefix ?? '',
    settings.root ?? (settings.prefix || 'options'),
  );
  const first = problems[0] as OptionProblem;
  throw new SlakitError(first.code, first.text, { field: first.field, value: first.value, accepted: first.accepted });
}
