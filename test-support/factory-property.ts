// The property of every public factory (issue #26, "the suite"): given any JSON-ish options — fc.anything(), and
// records built from the factory's real option keys with values of random types (NaN, ±Infinity, -0, huge numbers,
// __proto__/constructor keys, strings and objects carrying secrets) — a factory either throws a SlakitError whose code
// is in the table and whose `field` is a string, with no secret anywhere in what it prints, or returns a working
// object (closed again at once). Never another exception.
import fc from 'fast-check';
import { expect } from 'vitest';
import { printedForm, type SlakitErrorLike } from './slakit-errors.js';

/** One public factory: its name, the option keys it documents and how to call it with `options`. */
export interface FactoryTarget {
  name: string;
  /** The documented option keys (nested ones as `parent.child`): records are built from them. */
  keys: readonly string[];
  call: (options: unknown) => unknown;
}

/** The marker of every secret put into the generated options; it must never be printed by an error. */
export const SECRET = 'Zq9S3CRETv4lue77';

const secretStrings = [
  `postgres://app:${SECRET}@db:5432/app`,
  `redis://:${SECRET}@cache:6379/0`,
  `https://user:${SECRET}@example.com/hook`,
  `https://hooks.slack.com/services/T0000/B0000/${SECRET}`,
  `https://api.telegram.org/bot123456:${SECRET}/sendMessage`,
  `https://example.com/callback?access_token=${SECRET}&x=1`,
  `password=${SECRET}`,
  `Bearer ${SECRET}`,
  `token: ${SECRET}`,
  `{"password":"${SECRET}"}`,
  `sk_live_${SECRET}`,
  `ghp_${SECRET}abcd`,
];
const secretKeys = [
  'password',
  'token',
  'apiKey',
  'routingKey',
  'secret',
  'authorization',
  'botToken',
  'connectionString',
  'dsn',
  'webhookUrl',
  'url',
];

const numbers = fc.constantFrom(
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  -0,
  0,
  1,
  -1,
  0.5,
  2.5,
  100,
  1000,
  5000,
  2 ** 31,
  2 ** 53 + 2,
  1e21,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
);

/** An object with these own keys (defined, so `__proto__` stays an own key as JSON.parse makes it). */
function objectOf(pairs: readonly (readonly [string, unknown])[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of pairs)
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  return out;
}

/** Options arbitraries of a target: anything at all, and records from its own keys. */
export function optionsArbitrary(target: FactoryTarget, goodValues: readonly unknown[] = []): fc.Arbitrary<unknown> {
  const top = [...new Set(target.keys.map((k) => k.split('.')[0] as string))];
  const nested = (parent: string) => target.keys.filter((k) => k.startsWith(`${parent}.`)).map((k) => k.slice(parent.length + 1));
  const secretValue = fc.oneof(
    fc.constantFrom(...secretStrings),
    fc.constantFrom(...secretKeys).map((k) => objectOf([[k, SECRET]])),
    fc.constant({ headers: { authorization: `Bearer ${SECRET}`, 'x-api-key': SECRET } }),
    fc.constant({ host: 'db', user: 'app', password: SECRET }),
  );
  const leaf: fc.Arbitrary<unknown> = fc.oneof(
    { weight: 3, arbitrary: numbers },
    { weight: 2, arbitrary: fc.oneof(fc.double(), fc.integer(), fc.nat(100_000)) },
    {
      weight: 2,
      arbitrary: fc.oneof(
        fc.string(),
        fc.constantFrom('', '/health', 'SIGTERM', 'info', 'critical', '* * * * *', 'http://127.0.0.1:9/x'),
      ),
    },
    { weight: 2, arbitrary: secretValue },
    { weight: 1, arbitrary: fc.constantFrom(true, false, null, undefined) },
    { weight: 1, arbitrary: fc.func(fc.anything({ maxDepth: 1 })) },
    {
      weight: 1,
      arbitrary: fc.anything({ maxDepth: 2, withBigInt: true, withDate: true, withNullPrototype: true, withMap: true }),
    },
    ...(goodValues.length ? [{ weight: 2, arbitrary: fc.constantFrom(...goodValues) }] : []),
  );
  const key = (known: readonly string[]) =>
    fc.oneof(
      { weight: 6, arbitrary: known.length ? fc.constantFrom(...known) : fc.string() },
      { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', ...secretKeys) },
      { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
    );
  const value = (k: string): fc.Arbitrary<unknown> => {
    const inner = nested(k);
    if (inner.length === 0) return leaf;
    const sub = fc.array(fc.tuple(key(inner), leaf), { maxLength: 4 }).map(objectOf);
    return fc.oneof({ weight: 3, arbitrary: sub }, { weight: 1, arbitrary: leaf });
  };
  const record = fc
    .array(
      key(top).chain((k) => value(k).map((v) => [k, v] as const)),
      { maxLength: 6 },
    )
    .map(objectOf);
  return fc.oneof(
    {
      weight: 1,
      arbitrary: fc.anything({ maxDepth: 3, withBigInt: true, withDate: true, withNullPrototype: true, withSparseArray: true }),
    },
    { weight: 1, arbitrary: secretValue },
    { weight: 6, arbitrary: record },
  );
}

/** Closes whatever a factory returned (close/shutdown/stop), awaiting it; never throws. */
async function dispose(value: unknown): Promise<void> {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return;
  for (const method of ['close', 'shutdown', 'stop']) {
    const f = (value as Record<string, unknown>)[method];
    if (typeof f === 'function') {
      await Promise.resolve(f.call(value)).catch(() => undefined);
      return;
    }
  }
}

/** What one call did. */
export type Outcome = 'error' | 'object';

/**
 * Checks the property of one factory over `numRuns` generated options.
 * @param codes the error codes of `SLAKIT_ERROR_CODES`
 */
export async function checkFactory(
  target: FactoryTarget,
  codes: readonly string[],
  { numRuns = 1000, goodValues = [] as readonly unknown[] } = {},
): Promise<Record<Outcome, number>> {
  const seen: Record<Outcome, number> = { error: 0, object: 0 };
  await fc.assert(
    fc.asyncProperty(optionsArbitrary(target, goodValues), async (options) => {
      let result: unknown;
      try {
        result = target.call(options);
        if (result instanceof Promise) result = await result;
      } catch (error) {
        const e = error as SlakitErrorLike;
        expect(e?.name, `${target.name} threw ${String((error as Error)?.stack ?? error)}`).toBe('SlakitError');
        expect(codes).toContain(e.code);
        expect(typeof e.field).toBe('string');
        const printed = printedForm(e);
        if (printed.includes(SECRET))
          throw new Error(
            `${target.name} printed a secret: ${printed.slice(Math.max(0, printed.indexOf(SECRET) - 400), printed.indexOf(SECRET) + 20)}`,
          );
        seen.error++;
        return;
      }
      seen.object++;
      await dispose(result);
    }),
    { numRuns },
  );
  return seen;
}
