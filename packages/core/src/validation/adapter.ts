import { forwardTo } from './lazy.js';
import { type Native, optional as optionalOf, pipe as pipeOf } from './native.js';

/**
 * An option schema: slakit's own validator ({@link Native}) wearing the zod schema it stands for. `validateOptions`
 * runs the validator; anything else read from the schema (`safeParse`, `_zod` when the SLO/SLA config nests it in a
 * zod schema, `.default()`…) is forwarded to the zod schema, built — and zod loaded — on that first read only.
 * `.optional()` and `.pipe()` stay native. The built zod schema is the proxy's only state and never changes.
 */

/** Where an adapted schema keeps its validator. */
const NATIVE = Symbol('slakit.native');

/** The validator of `schema`, if slakit built it and every schema inside it (else zod validates it). */
export function nativeOf(schema: unknown): Native | undefined {
  if ((typeof schema !== 'object' && typeof schema !== 'function') || schema === null) return undefined;
  return (schema as { [NATIVE]?: () => Native | undefined })[NATIVE]?.();
}

/** The validators of `schemas`, or undefined when one of them is not slakit's. */
export function nativesOf(schemas: readonly unknown[]): Native[] | undefined {
  const out: Native[] = [];
  for (const schema of schemas) {
    const native = nativeOf(schema);
    if (!native) return undefined;
    out.push(native);
  }
  return out;
}

/**
 * A schema validated by `native()` (built on first use; undefined when a nested schema is a foreign zod schema) that
 * behaves as the zod schema `build()` returns for everything else.
 */
export function adapt<Z extends object>(native: () => Native | undefined, build: () => Z): Z {
  let built: Z | undefined;
  let validator: { native: Native | undefined } | undefined;
  const real = (): Z => {
    built ??= build();
    return built;
  };
  const own = (): Native | undefined => {
    validator ??= { native: native() };
    return validator.native;
  };
  const methods: Record<PropertyKey, unknown> = {
    [NATIVE]: own,
    optional: () => {
      const inner = own();
      return adapt(
        () => inner && optionalOf(inner),
        () => (real() as unknown as { optional(): object }).optional(),
      );
    },
    pipe: (next: unknown) =>
      adapt(
        () => {
          const a = own();
          const b = nativeOf(next);
          return a && b && pipeOf(a, b);
        },
        () => (real() as unknown as { pipe(next: unknown): object }).pipe(next),
      ),
  };
  return new Proxy({} as Z, forwardTo(real, methods));
}
