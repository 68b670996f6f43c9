/**
 * The hand-written validator behind {@link opt}: a port of the few zod 4 rules the option schemas use (custom
 * checks, optional, pipe, literal, union, array, strict/loose object, record), raising the same issues — path,
 * code, message, abort flag, union branch errors — so `optionProblems()` words them exactly as it worded zod's. No
 * schema library is loaded to validate a factory's options.
 */

/** One problem found by a schema (the subset of a zod issue that `optionProblems()` reads). */
export interface OptionIssue {
  readonly code: string;
  path: PropertyKey[];
  readonly message: string;
  readonly keys?: readonly string[];
  readonly errors?: readonly (readonly OptionIssue[])[];
  readonly params?: { readonly key?: boolean };
  /** zod's abort flag: an issue without `continue: true` stops the checks and pipes that follow. */
  readonly continue?: boolean;
}

/** The issues of one run; `aborted` is set by a pipe whose first stage failed. */
export interface Payload {
  issues: OptionIssue[];
  aborted?: boolean;
}

/** A validator node: `run` adds the issues of `value` to `issues` (zod's `_zod.run`). */
export interface Native {
  run(value: unknown, issues: OptionIssue[]): Payload;
  /** `optional` when the value may be absent (zod's `optin`/`optout`). */
  readonly optin?: 'optional';
  readonly optout?: 'optional';
}

/** True when an issue of `issues` from `start` on stops what follows (zod's `util.aborted`). */
export function aborted(payload: Payload, start = 0): boolean {
  if (payload.aborted === true) return true;
  for (let i = start; i < payload.issues.length; i++) if (payload.issues[i]?.continue !== true) return true;
  return false;
}

function prefixed(key: PropertyKey, issues: readonly OptionIssue[]): OptionIssue[] {
  for (const issue of issues) issue.path.unshift(key);
  return issues as OptionIssue[];
}

const isObject = (v: unknown): v is Record<PropertyKey, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A value passing `test`, else a `custom` issue worded `accepted` (zod's `z.custom(test, { error })`). */
export function custom(test: (v: unknown) => unknown, accepted: string): Native {
  return {
    run(value, issues) {
      const payload = { issues };
      if (aborted(payload)) return payload;
      const ok = test(value);
      // zod refuses a check that answers a Promise in a synchronous parse
      if (ok instanceof Promise) throw new TypeError('asynchronous option check');
      if (!ok) issues.push({ code: 'custom', path: [], message: accepted, continue: false });
      return payload;
    },
  };
}

/** Anything. */
export const unknown = (): Native => ({ run: (_, issues) => ({ issues }) });

/** `undefined`, or a value of `inner`. */
export function optional(inner: Native): Native {
  return {
    optin: 'optional',
    optout: 'optional',
    run: (value, issues) => (value === undefined ? { issues } : inner.run(value, issues)),
  };
}

/** `first`, then (when it raised nothing but unknown keys) `next` on the same value. */
export function pipe(first: Native, next: Native): Native {
  return {
    optin: first.optin,
    optout: next.optout,
    run(value, issues) {
      const left = first.run(value, issues);
      if (left.issues.some((issue) => issue.code !== 'unrecognized_keys')) {
        left.aborted = true;
        return left;
      }
      return next.run(value, left.issues);
    },
  };
}

/** Exactly `literal` (SameValueZero), else an `invalid_value` issue worded `accepted`. */
export function literal(value: unknown, accepted: string): Native {
  const values = new Set([value]);
  return {
    run(input, issues) {
      if (!values.has(input)) issues.push({ code: 'invalid_value', path: [], message: accepted });
      return { issues };
    },
  };
}

/** The first branch that accepts the value; else the one branch that did not abort, else an `invalid_union`. */
export function union(options: readonly Native[], accepted: string): Native {
  return {
    optin: options.some((o) => o.optin !== undefined) ? 'optional' : undefined,
    optout: options.some((o) => o.optout === 'optional') ? 'optional' : undefined,
    run(value, issues) {
      const results: Payload[] = [];
      for (const option of options) {
        const result = option.run(value, []);
        if (result.issues.length === 0) return result;
        results.push(result);
      }
      const live = results.filter((r) => !aborted(r));
      if (live.length === 1) return live[0] as Payload;
      issues.push({
        code: 'invalid_union',
        path: [],
        message: accepted,
        errors: results.map((r) => r.issues.map((issue) => ({ ...issue, path: issue.path }))),
      });
      return { issues };
    },
  };
}

/** An array whose items pass `item`, of `min`…`max` items (the length is checked once the items passed). */
export function array(item: Native, accepted: string, min: number, max: number): Native {
  return {
    run(input, issues) {
      const payload: Payload = { issues };
      if (!Array.isArray(input)) {
        issues.push({ code: 'invalid_type', path: [], message: accepted });
        return payload;
      }
      const length = input.length;
      for (let i = 0; i < input.length; i++) {
        const result = item.run(input[i], []);
        if (result.issues.length) issues.push(...prefixed(i, result.issues));
      }
      if (!aborted(payload) && (length < min || length > max)) issues.push({ code: 'custom', path: [], message: accepted });
      return payload;
    },
  };
}

/** zod's `handlePropertyResult`: an absent optional key is never a problem; an absent required one always is. */
function property(result: Payload, issues: OptionIssue[], key: string, input: object, el: Native): void {
  const present = key in input;
  if (!present && el.optout === 'optional' && el.optin === 'optional') return;
  if (result.issues.length) {
    if (el.optin !== undefined && el.optout === 'optional' && !present) return;
    issues.push(...prefixed(key, result.issues));
  }
  if (!present && el.optin === undefined && !result.issues.length)
    issues.push({ code: 'invalid_type', path: [key], message: 'Invalid input: expected nonoptional, received undefined' });
}

/**
 * An object with the keys of `shape`; other keys are reported as one `unrecognized_keys` issue worded
 * `unknownKeys` (`strict`) or accepted (`loose`).
 */
export function object(shape: Readonly<Record<string, Native>>, mode: 'strict' | 'loose', unknownKeys = ''): Native {
  const keys = Object.keys(shape);
  const known = new Set(keys);
  return {
    run(input, issues) {
      const payload: Payload = { issues };
      if (!isObject(input)) {
        issues.push({ code: 'invalid_type', path: [], message: 'Invalid input: expected object' });
        return payload;
      }
      for (const key of keys) {
        if (key === '__proto__') continue;
        const el = shape[key] as Native;
        property(el.run(input[key], []), issues, key, input, el);
      }
      const unrecognized: string[] = [];
      for (const key in input) {
        if (known.has(key)) continue;
        if (mode === 'strict') unrecognized.push(key);
        else if (key !== '__proto__') property(unknown().run(input[key], []), issues, key, input, {} as Native);
      }
      if (unrecognized.length)
        issues.push({ code: 'unrecognized_keys', path: [], keys: unrecognized, message: unknownKeys, continue: true });
      return payload;
    },
  };
}

/** zod's `util.isPlainObject`. */
function isPlainObject(o: unknown): boolean {
  if (!isObject(o)) return false;
  const ctor = o.constructor;
  if (ctor === undefined || typeof ctor !== 'function') return true;
  const prototype = ctor.prototype;
  return isObject(prototype) && Object.hasOwn(prototype, 'isPrototypeOf');
}

/** Issues of the keys of an object, raised after `guard` passed (zod's `superRefine`): they do not abort. */
export function keyCheck(guard: Native, problem: (key: string) => string | undefined): Native {
  return {
    run(input, issues) {
      const payload = guard.run(input, issues);
      if (aborted(payload)) return payload;
      for (const key of Object.keys(input as object)) {
        const message = problem(key);
        if (message !== undefined)
          payload.issues.push({ code: 'custom', path: [key], message, params: { key: true }, continue: true });
      }
      return payload;
    },
  };
}

/** A plain object of string keys whose values pass `value` (zod's `z.record(z.string(), value)`). */
export function record(value: Native): Native {
  return {
    run(input, issues) {
      const payload: Payload = { issues };
      if (!isPlainObject(input)) {
        issues.push({ code: 'invalid_type', path: [], message: 'Invalid input: expected record' });
        return payload;
      }
      const entries = input as Record<PropertyKey, unknown>;
      for (const key of Reflect.ownKeys(entries)) {
        if (key === '__proto__' || !Object.prototype.propertyIsEnumerable.call(entries, key)) continue;
        if (typeof key !== 'string') {
          issues.push({ code: 'invalid_key', path: [key], message: 'Invalid key in record' });
          continue;
        }
        const result = value.run(entries[key], []);
        if (result.issues.length) issues.push(...prefixed(key, result.issues));
      }
      return payload;
    },
  };
}
