import type { z } from 'zod';
import { SlakitError, type SlakitErrorCode } from '../errors.js';
import { adapt, nativeOf, nativesOf } from './adapter.js';
import { knownKeysError } from './names.js';
import type { Native, OptionIssue } from './native.js';
import * as native from './native.js';
import { type OptionProblem, optionProblems } from './problems.js';
import { coded, FORBIDDEN_KEYS, finite, isObject, zodOpt } from './zod-opt.js';

export { didYouMean, editDistance, formatField, knownKeysError, unknownKeyText } from './names.js';
export type { OptionIssue } from './native.js';
export { type OptionProblem, optionProblems } from './problems.js';
export { coded, FORBIDDEN_KEYS };

/**
 * The one validation path of slakit: every factory's options are schemas built from these helpers, so they reject
 * the same values with the same words. A leaf's message is the description of what it accepts (`a number of
 * seconds > 0`); {@link validateOptions} turns the first issue into a `SlakitError` `<field> must be <accepted>, got
 * <value>` (value redacted, `NaN`/`Infinity` by name), and unknown keys into `ERR_SLAKIT_UNKNOWN_OPTION` with a
 * did-you-mean. The schemas are validated by slakit's own validator (`native.ts`, no schema library loaded); each
 * is also the zod schema it stands for (`zod-opt.ts`, built on first use), so the SLO/SLA config nests them in zod.
 */

/** A schema of an option (build them with {@link opt}; typed as the zod schema each stands for). */
export type OptionSchema = z.ZodType;

/** A leaf: `test` passing, else a `custom` issue worded `accepted`. */
const leaf = <Z extends object>(test: (v: unknown) => unknown, accepted: string, build: () => Z): Z =>
  adapt(() => native.custom(test, accepted), build);

/**
 * Builders of option schemas; every leaf takes the text of what it accepts. Building one loads nothing; zod is loaded
 * only if a schema is read as a zod schema (see `adapter.ts`).
 */
export const opt = {
  /** A finite number (never NaN or ±Infinity) passing `test`. */
  number: (accepted: string, test: (v: number) => boolean = () => true) =>
    leaf(
      (v) => finite(v) && test(v),
      accepted,
      () => zodOpt.number(accepted, test),
    ),
  /** A safe integer passing `test`. */
  integer: (accepted: string, test: (v: number) => boolean = () => true) =>
    leaf(
      (v) => Number.isSafeInteger(v) && test(v as number),
      accepted,
      () => zodOpt.integer(accepted, test),
    ),
  /** A string passing `test`. */
  string: (accepted = 'a string', test: (v: string) => boolean = () => true) =>
    leaf(
      (v) => typeof v === 'string' && test(v),
      accepted,
      () => zodOpt.string(accepted, test),
    ),
  /** A non-empty string. */
  text: (accepted = 'a non-empty string') =>
    leaf(
      (v) => typeof v === 'string' && v.trim() !== '',
      accepted,
      () => zodOpt.text(accepted),
    ),
  boolean: (accepted = 'true or false') =>
    leaf(
      (v) => typeof v === 'boolean',
      accepted,
      () => zodOpt.boolean(accepted),
    ),
  /** A function. */
  function: (accepted = 'a function') =>
    leaf(
      (v) => typeof v === 'function',
      accepted,
      () => zodOpt.function(accepted),
    ),
  /** One of `values`. */
  oneOf: <T extends string | number | boolean>(values: readonly T[], accepted = `one of ${values.join(', ')}`) =>
    leaf(
      (v) => (values as readonly unknown[]).includes(v),
      accepted,
      () => zodOpt.oneOf(values, accepted),
    ),
  /** An object (any non-null object, or a function) with these methods: a duck-typed client. */
  client: (methods: readonly string[], accepted: string) =>
    leaf(
      (v) =>
        (typeof v === 'object' || typeof v === 'function') &&
        v !== null &&
        methods.every((m) => typeof (v as Record<string, unknown>)[m] === 'function'),
      accepted,
      () => zodOpt.client(methods, accepted),
    ),
  /** Anything passing `test` (for values such as a Date or a RegExp). */
  custom: <T = unknown>(accepted: string, test: (v: unknown) => boolean) =>
    leaf(test, accepted, () => zodOpt.custom<T>(accepted, test)),
  /** Any value (documented but not checked here; the factory checks it). */
  any: () => adapt(native.unknown, () => zodOpt.any()),
  /**
   * A value that matches one of the schemas. When a branch got inside an object (`rules: { minRuns: 0 }`), that
   * branch's problem is reported (`rules.minRuns`); otherwise `accepted`.
   */
  union: (schemas: readonly [OptionSchema, OptionSchema, ...OptionSchema[]], accepted: string) =>
    adapt(
      () => {
        const options = nativesOf(schemas);
        return options && native.union(options, accepted);
      },
      () => zodOpt.union(schemas, accepted),
    ),
  /** `false`, or a value of `schema` (e.g. `rules: false | { … }`). */
  falseOr: (schema: OptionSchema, accepted: string) =>
    adapt(
      () => {
        const inner = nativeOf(schema);
        return inner && native.union([native.literal(false, accepted), inner], accepted);
      },
      () => zodOpt.falseOr(schema, accepted),
    ),
  /** An array of items (each validated with its index in the path). */
  array: (item: OptionSchema, accepted: string, { min = 0, max = Number.POSITIVE_INFINITY } = {}) =>
    adapt(
      () => {
        const inner = nativeOf(item);
        return inner && native.array(inner, accepted, min, max);
      },
      () => zodOpt.array(item, accepted, { min, max }),
    ),
  /**
   * A plain options object with exactly these keys (every key optional unless listed in `required`); other keys are
   * reported as unknown options with a did-you-mean. `accepted` describes the object itself.
   */
  object: (shape: Record<string, OptionSchema>, accepted = 'an options object', { required = [] as readonly string[] } = {}) =>
    adapt(
      () => {
        const keys = Object.keys(shape);
        const fields = nativeShape(shape);
        if (!fields) return undefined;
        for (const key of keys) if (!required.includes(key)) fields[key] = native.optional(fields[key] as Native);
        const unknownKeys = knownKeysError(keys)({ code: 'unrecognized_keys' }) as string;
        return native.pipe(native.custom(isObject, accepted), native.object(fields, 'strict', unknownKeys));
      },
      () => zodOpt.object(shape, accepted, { required }),
    ),
  /** An object with these keys (each required unless `.optional()`); other keys are accepted and not checked. */
  looseObject: (shape: Record<string, OptionSchema>) =>
    adapt(
      () => {
        const fields = nativeShape(shape);
        return fields && native.object(fields, 'loose');
      },
      () => zodOpt.looseObject(shape),
    ),
  /**
   * An object of named entries (`jobs`, `remediations`): keys must match `key` (when given) and may never be
   * `__proto__`, `constructor` or `prototype` (which JavaScript objects would drop or resolve to a method).
   */
  record: (value: OptionSchema, accepted: string, key?: { pattern: RegExp; accepted: string; code?: SlakitErrorCode }) =>
    adapt(
      () => {
        const inner = nativeOf(value);
        if (!inner) return undefined;
        const problem = (k: string) =>
          FORBIDDEN_KEYS.has(k) || (key && !key.pattern.test(k))
            ? key
              ? coded(key.code ?? 'ERR_SLAKIT_INVALID_OPTION', key.accepted)
              : 'a name other than __proto__, constructor, prototype'
            : undefined;
        return native.pipe(native.keyCheck(native.custom(isObject, accepted), problem), native.record(inner));
      },
      () => zodOpt.record(value, accepted, key),
    ),
};

/** The validators of a shape's schemas, or undefined when one of them is not slakit's. */
function nativeShape(shape: Record<string, OptionSchema>): Record<string, Native> | undefined {
  const keys = Object.keys(shape);
  const natives = nativesOf(keys.map((k) => shape[k]));
  if (!natives) return undefined;
  const out: Record<string, Native> = {};
  keys.forEach((k, i) => {
    out[k] = natives[i] as Native;
  });
  return out;
}

/** Options of {@link validateOptions}. */
export interface ValidateOptions {
  /** Path prefix of every field, e.g. `sinks[1].delivery`; default none. */
  prefix?: string;
  /** Field named when the options value itself is wrong; default the prefix, else `options`. */
  root?: string;
}

/** The issues of `value`: slakit's validator for an `opt` schema, zod for any other zod schema. */
function issuesOf(schema: OptionSchema, value: unknown): readonly OptionIssue[] {
  const own = nativeOf(schema);
  if (own) return own.run(value, []).issues;
  const result = schema.safeParse(value);
  return result.success ? [] : (result.error.issues as unknown as OptionIssue[]);
}

/**
 * Validates a factory's options against its schema and returns them unchanged (defaults are the factory's job).
 * `undefined` is accepted when the schema accepts it (pass `opt.object(...).optional()`).
 * @throws SlakitError `ERR_SLAKIT_UNKNOWN_OPTION` for a key the schema does not know (with a did-you-mean),
 *   else `ERR_SLAKIT_INVALID_OPTION` (or the code the schema names) naming the first invalid field
 */
export function validateOptions<T>(schema: OptionSchema, options: T, settings: ValidateOptions = {}): T {
  let issues: readonly OptionIssue[];
  try {
    issues = issuesOf(schema, options);
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
  if (issues.length === 0) return options;
  const problems = optionProblems(issues, options, settings.prefix ?? '', settings.root ?? (settings.prefix || 'options'));
  const first = problems[0] as OptionProblem;
  throw new SlakitError(first.code, first.text, { field: first.field, value: first.value, accepted: first.accepted });
}
