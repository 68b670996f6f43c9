import type { z } from 'zod';
import type { SlakitErrorCode } from '../errors.js';
import { lazySchema, zod } from './lazy.js';
import { knownKeysError } from './names.js';

/** A schema of an option (any zod schema). */
type OptionSchema = z.ZodType;

/** Object keys that would change an object's prototype or shadow its methods: never accepted as names. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Marker carried by a custom issue with its own error code: `<marker><code>\u0000<accepted>`. */
export const CODED = '\u0000slakit-code:';

/** An accepted description that carries its own error code (e.g. `ERR_SLAKIT_THRESHOLD_ORDER`). */
export function coded(code: SlakitErrorCode, accepted: string): string {
  return `${CODED}${code}\u0000${accepted}`;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * The zod schemas {@link opt} stands for, with the same arguments: the adapter of each `opt` schema builds its zod
 * schema with these when something other than `validateOptions` reads it (the SLO/SLA config nests them in zod
 * schemas), and the differential test checks `opt`'s validator against them. Each returns a {@link lazySchema}.
 */
export const zodOpt = {
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
  /** An object with these keys (each required unless `.optional()`), other keys allowed. */
  looseObject: (shape: Record<string, OptionSchema>) => lazySchema(() => zod().looseObject(shape)),
};
