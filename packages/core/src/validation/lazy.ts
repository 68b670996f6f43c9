import type { z } from 'zod';
import { loadZod } from '../deps.js';

/** zod, loaded on first use (importing slakit loads no schema library; see `deps.ts`). */
export const zod = (): typeof z => loadZod().z;

/**
 * A schema built on first use: a proxy that builds the zod schema the first time anything reads it (a parse, a
 * method such as `.optional()`, or zod itself reading `_zod` when the schema is nested in another) and forwards to
 * it from then on. Every `opt` builder and every schema constant of slakit is one, so no schema exists — and zod is
 * not loaded — until a factory validates its options. The built schema is the proxy's only state and never changes.
 */
export function lazySchema<T extends object>(build: () => T): T {
  let built: T | undefined;
  const real = (): T => {
    built ??= build();
    return built;
  };
  return new Proxy({} as T, forwardTo(real));
}

/**
 * The proxy handler that forwards every operation to `real()` (built on first use); `methods` answer their keys
 * first. Shared by {@link lazySchema} and the native-validator adapter (`adapter.ts`).
 */
export function forwardTo<T extends object>(real: () => T, methods: Record<PropertyKey, unknown> = {}): ProxyHandler<T> {
  return {
    get: (_, key) => (Object.hasOwn(methods, key) ? methods[key] : Reflect.get(real(), key)),
    has: (_, key) => Reflect.has(real(), key),
    ownKeys: () => Reflect.ownKeys(real()),
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(real(), key);
      // The (empty, extensible) proxy target may report any property, but only as configurable.
      if (descriptor) descriptor.configurable = true;
      return descriptor;
    },
    getPrototypeOf: () => Reflect.getPrototypeOf(real()),
    set: (_, key, value) => Reflect.set(real(), key, value),
    defineProperty: (_, key, descriptor) => Reflect.defineProperty(real(), key, descriptor),
    deleteProperty: (_, key) => Reflect.deleteProperty(real(), key),
  };
}
