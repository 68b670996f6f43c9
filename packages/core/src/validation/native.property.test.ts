import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SlakitError } from '../errors.js';
import { type OptionSchema, opt, validateOptions } from './options.js';
import { alerterOptionsSchema, loggerOptionsSchema, SINK_OPTION_SCHEMAS, telemetryOptionsSchema } from './schemas.js';
import { zodOpt } from './zod-opt.js';

/**
 * Differential test of slakit's own validator (`native.ts`) against the zod schemas it replaces: for every schema
 * and any input, `validateOptions` must throw the same SlakitError (code, field, message, accepted) or pass.
 */

type Builders = typeof opt;

/** Synthetic schemas covering every builder, built with `b` (the native `opt`, or the zod-only `zodOpt`). */
function synthetic(b: Builders) {
  const leaf = b.object(
    {
      n: b.number('a number > 0', (v) => v > 0),
      i: b.integer('an integer ≥ 1', (v) => v >= 1),
      s: b.string(),
      t: b.text(),
      flag: b.boolean(),
      fn: b.function(),
      mode: b.oneOf(['a', 'b', 1, true]),
      c: b.client(['send'], 'a client with send()'),
      d: b.custom('a Date', (v) => v instanceof Date),
      any: b.any(),
    },
    'an object of leaves',
    { required: ['n', 'any'] },
  );
  const nested = b.object(
    {
      u: b.union([b.function(), leaf], 'a function or leaves'),
      f: b.falseOr(b.object({ minRuns: b.integer('an integer ≥ 1', (v) => v >= 1) }, 'rules'), 'false or rules'),
      list: b.array(b.union([b.string(), b.array(b.number('a number'), 'numbers')], 'a string or numbers'), 'a list', {
        min: 1,
        max: 3,
      }),
      byName: b.record(b.object({ x: b.number('x') }, 'an entry', { required: ['x'] }), 'entries', {
        pattern: /^[a-z]+$/,
        accepted: 'a lower-case name',
        code: 'ERR_SLAKIT_INVALID_NAME',
      }),
      free: b.record(b.union([b.string(), b.boolean()], 'a string or a boolean'), 'free entries'),
      sink: b
        .custom('a sink', (v) => typeof v === 'object' && v !== null && !Array.isArray(v))
        .pipe(b.looseObject({ name: b.text('a sink name'), size: b.integer('a size').optional() })),
    },
    'an object of nested options',
  );
  return { leaf, nested, optionalNested: nested.optional() };
}

const native = synthetic(opt);
const pureZod = synthetic(zodOpt as unknown as Builders);
const production: Record<string, OptionSchema> = {
  telemetry: telemetryOptionsSchema,
  logger: loggerOptionsSchema,
  alerter: alerterOptionsSchema,
  ...SINK_OPTION_SCHEMAS,
};

/** The same schema, validated by zod: an object without slakit's validator, so `validateOptions` calls safeParse. */
const viaZod = (schema: OptionSchema) => ({ safeParse: (v: unknown) => schema.safeParse(v) }) as unknown as OptionSchema;

function outcome(schema: OptionSchema, value: unknown) {
  try {
    validateOptions(schema, value, { prefix: 'x' });
    return 'ok';
  } catch (error) {
    if (!(error instanceof SlakitError)) return `not a SlakitError: ${String(error)}`;
    const { field, accepted } = error as SlakitError & { field?: string; accepted?: string };
    return { code: error.code, field, accepted, message: error.message };
  }
}

const KEYS = ['n', 'i', 's', 't', 'flag', 'fn', 'mode', 'c', 'd', 'any', 'u', 'f', 'list', 'byName', 'free', 'sink'];
const MISSPELT = ['N', 'nn', 'flags', 'Mode', 'lst', 'byname', 'sinks', 'minRun', 'name', 'size', '__proto__', 'constructor'];

const HOSTILE = [
  () =>
    Object.defineProperty({}, 'n', {
      enumerable: true,
      get() {
        throw new Error('getter');
      },
    }),
  () =>
    new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('ownKeys');
        },
      },
    ),
  () =>
    new Proxy(
      { n: 1, any: 2 },
      {
        get(t, k) {
          if (k === 'flag') throw new Error('get');
          return Reflect.get(t, k);
        },
      },
    ),
  () => new Proxy({ n: 1, any: 1 }, { has: () => false }),
  () => new Proxy([1, 2], {}),
  () => Object.create({ n: 1, any: 1, extra: 2 }),
  () => Object.assign(Object.create(null), { n: 2, any: 0 }),
  () => ({ n: 1, any: 1, [Symbol('s')]: 1 }),
  () => ({ a: 'x', [Symbol('s')]: 'y' }),
  () =>
    new (class Options {
      n = 1;
      any = 1;
    })(),
  () => new Map([['n', 1]]),
  () => Object.defineProperty({ a: 'x' }, 'hidden', { value: 5, enumerable: false }),
  () => Object.defineProperty({ n: 1, any: 1 }, 'hidden', { value: 5, enumerable: false }),
];
const hostile = fc.constantFrom(...HOSTILE);

const leafValue = fc.oneof(
  fc.anything(),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0, 0, 1, 2.5, '', ' ', 'a', 'b', true, false, null, undefined),
  fc.constantFrom(
    () => {},
    { send: () => {} },
    new Date(0),
    [],
    ['a'],
    [[1, Number.NaN]],
    { x: 1 },
    { minRuns: 0 },
    { name: 'x', size: 1.5, more: 1 },
  ),
  hostile.map((make) => make()),
);

const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafValue,
    fc.array(tie('node'), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom(...KEYS, ...MISSPELT), tie('node'), { maxKeys: 5 }),
    fc.dictionary(fc.string({ maxLength: 4 }), tie('node'), { maxKeys: 3 }),
  ),
})).node;

const options = fc.oneof(
  value,
  // one nested key at a time, so its problem is the first one
  fc.tuple(fc.constantFrom('u', 'f', 'list', 'byName', 'free', 'sink'), fc.oneof(value, leafValue)).map(([k, v]) => ({ [k]: v })),
  fc.dictionary(fc.constantFrom(...KEYS, ...MISSPELT), value, { maxKeys: 8 }),
  hostile.map((make) => make()),
);

/** Hand-picked inputs every schema is also checked with (each hostile value, at the top and under each key). */
const picked = (): unknown[] => {
  const values = [...HOSTILE.map((make) => make()), Number.NaN, '', [], {}, null, undefined];
  return [...values, ...values.flatMap((v) => [...KEYS, 'name', 'sinks', 'remediations', 'metrics'].map((k) => ({ [k]: v })))];
};

describe('slakit’s option validator matches the zod schemas it replaces', () => {
  it('hand-picked inputs', () => {
    for (const v of picked()) {
      for (const name of ['leaf', 'nested', 'optionalNested'] as const) {
        expect(outcome(native[name], v)).toEqual(outcome(viaZod(native[name]), v));
        expect(outcome(native[name], v)).toEqual(outcome(pureZod[name], v));
      }
      for (const schema of Object.values(production)) expect(outcome(schema, v)).toEqual(outcome(viaZod(schema), v));
    }
  });

  it('synthetic schemas: native = zod adapter = pure zod', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(
        options,
        fc.constantFrom('leaf', 'nested', 'optionalNested') as fc.Arbitrary<keyof typeof native>,
        (v, name) => {
          const mine = outcome(native[name], v);
          expect(mine).toEqual(outcome(viaZod(native[name]), v));
          expect(mine).toEqual(outcome(pureZod[name], v));
          seen.add(typeof mine === 'string' ? mine : `${mine.code} ${mine.accepted}`);
        },
      ),
      { numRuns: 3000 },
    );
    // the inputs reach every kind of outcome
    for (const kind of [
      'ok',
      'ERR_SLAKIT_UNKNOWN_OPTION',
      'ERR_SLAKIT_INVALID_NAME a lower-case name',
      'ERR_SLAKIT_INVALID_OPTION a plain options object',
      'ERR_SLAKIT_INVALID_OPTION a valid value',
      'ERR_SLAKIT_INVALID_OPTION a list',
      'ERR_SLAKIT_INVALID_OPTION false or rules',
    ])
      expect(
        [...seen].some((s) => s.startsWith(kind)),
        kind,
      ).toBe(true);
  });

  it('every core factory schema: native = zod', () => {
    const names = Object.keys(production);
    const keysOf = (s: OptionSchema) =>
      Object.keys((s as unknown as { _zod: { def: { out?: { shape?: object } } } })._zod.def.out?.shape ?? {});
    const known = [...new Set(names.flatMap((n) => keysOf(production[n] as OptionSchema)))];
    const input = fc.oneof(
      options,
      fc.dictionary(
        fc.constantFrom(...known, ...MISSPELT, 'levl', 'sink'),
        fc.oneof(value, fc.constantFrom([{ name: 'a', send() {} }], [{ name: '', send: 1 }])),
        { maxKeys: 6 },
      ),
    );
    fc.assert(
      fc.property(input, fc.constantFrom(...names), (v, name) => {
        const schema = production[name] as OptionSchema;
        expect(outcome(schema, v)).toEqual(outcome(viaZod(schema), v));
      }),
      { numRuns: 3000 },
    );
  });
});
