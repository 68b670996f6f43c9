// Issue #26 item 3: one safe description of any thrown value, for every package.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeError, safeText } from './describe-error.js';

const LONE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function expectSafe(d: ReturnType<typeof describeError>) {
  for (const field of ['name', 'code', 'message'] as const) {
    expect(typeof d[field]).toBe('string');
    expect(d[field]).not.toContain('\u0000');
    expect(d[field]).not.toMatch(LONE);
  }
  expect(d.name.length).toBeLessThanOrEqual(100);
  expect(d.code).toMatch(/^[A-Za-z0-9_.:-]{1,64}$/);
  expect(d.message.length).toBeLessThanOrEqual(500);
}

describe('describeError', () => {
  it('describes the special values of the issue', () => {
    const trap = () => {
      throw new Error('trap');
    };
    const proxy = new Proxy({}, { get: trap, getPrototypeOf: trap, has: trap, ownKeys: trap, getOwnPropertyDescriptor: trap });
    const getters = Object.defineProperty({}, 'message', { get: trap });
    const cases: [unknown, Partial<ReturnType<typeof describeError>>][] = [
      [undefined, { name: 'undefined', code: 'NON_ERROR_THROWN', message: 'undefined was thrown' }],
      [null, { name: 'null', code: 'NON_ERROR_THROWN', message: 'null was thrown' }],
      ['boom', { name: 'string', code: 'NON_ERROR_THROWN', message: 'boom' }],
      [42, { name: 'number', code: 'NON_ERROR_THROWN', message: '42' }],
      [Object.create(null), { name: 'object', code: 'NON_ERROR_THROWN', message: 'a non-Error object was thrown' }],
      [proxy, { name: 'object', code: 'UNREADABLE_ERROR', message: '[unreadable message]' }],
      [getters, { code: 'UNREADABLE_ERROR', message: '[unreadable message]' }],
      [new TypeError('bad'), { name: 'TypeError', code: 'TypeError', message: 'bad' }],
      [
        Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }),
        { name: 'Error', code: 'ECONNREFUSED', message: 'refused' },
      ],
      [new Error('nul \u0000 here \ud800'), { message: 'nul \ufffd here \ufffd' }],
      [Object.assign(new Error('x'), { code: 'E\u0000 X' }), { code: 'E__X' }],
      [new Error('postgres://app:s3cret@db'), { message: 'postgres://[redacted]@db' }],
    ];
    for (const [value, expected] of cases) {
      const d = describeError(value);
      expectSafe(d);
      expect(d).toMatchObject(expected);
    }
    expect(describeError(new Error('x'.repeat(1024 * 1024))).message.length).toBeLessThanOrEqual(500);
  });

  it('never calls toString/valueOf/toPrimitive of the value', () => {
    let called = 0;
    const sneaky = {
      toString: () => {
        called++;
        return 'x';
      },
      valueOf: () => {
        called++;
        return 1;
      },
      [Symbol.toPrimitive]: () => {
        called++;
        return 'p';
      },
    };
    expectSafe(describeError(sneaky));
    expectSafe(describeError(Object.assign(new Error('m'), { message: sneaky, code: sneaky, name: sneaky })));
    expect(called).toBe(0);
  });

  it('property: any value (and any Error fields) gives safe strings and never throws', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything({ withBigInt: true, withNullPrototype: true, withBoxedValues: true, withMap: true, withSet: true }),
          fc
            .record({ name: fc.anything(), code: fc.anything(), message: fc.string({ unit: 'binary' }) }, { requiredKeys: [] })
            .map((f) => Object.assign(new Error('e'), f)),
        ),
        (value) => expectSafe(describeError(value)),
      ),
      { numRuns: 1000 },
    );
  });

  it('safeText never splits a surrogate pair', () => {
    expect(safeText('ab😀', 3)).toBe('ab');
    expect(safeText('ab😀', 4)).toBe('ab😀');
  });
});
