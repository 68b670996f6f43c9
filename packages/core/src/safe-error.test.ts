import { describe, expect, it } from 'vitest';
import { safeErrorCode } from './safe-error.js';

const trap = () => {
  throw new Error('trap');
};

describe('safeErrorCode()', () => {
  const cases: [string, () => unknown, string][] = [
    ['undefined', () => undefined, 'NonError'],
    ['null', () => null, 'NonError'],
    ['a string holding a secret', () => 'password=hunter2', 'NonError'],
    ['a symbol', () => Symbol('x'), 'NonError'],
    ['a bigint', () => 10n, 'NonError'],
    ['an Error', () => new TypeError('x'), 'TypeError'],
    ['an errno error', () => Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), 'ECONNREFUSED'],
    ['a code that is a message', () => Object.assign(new Error('x'), { code: 'password=hunter2 failed' }), 'Error'],
    ['a name that is a message', () => Object.assign(new Error('x'), { name: 'connect postgres://a:b@c' }), 'Error'],
    ['Object.create(null)', () => Object.create(null), 'Error'],
    ['a Proxy that throws', () => new Proxy({}, { get: trap, getPrototypeOf: trap, has: trap }), 'Error'],
    ['a throwing name getter', () => Object.defineProperty(new Error('x'), 'name', { get: trap }), 'Error'],
    ['a function', () => () => undefined, 'Error'],
  ];
  // Titles only: vitest would format a Proxy argument and trip its traps.
  for (const [label, value, code] of cases)
    it(`${label} → ${code}`, () => {
      expect(safeErrorCode(value())).toBe(code);
    });
});
