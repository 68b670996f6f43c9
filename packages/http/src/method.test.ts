import { describe, expect, it } from 'vitest';
import { HTTP_METHODS, METHOD_VALUES, methodIndex, normalizeMethod } from './method.js';

describe('request methods', () => {
  it('keeps every semconv method (including the first, CONNECT) and maps anything else to _OTHER', () => {
    for (const m of HTTP_METHODS) expect(normalizeMethod(m)).toBe(m);
    expect(normalizeMethod('CONNECT')).toBe('CONNECT');
    for (const m of ['get', 'PROPFIND', '', undefined]) expect(normalizeMethod(m)).toBe('_OTHER');
  });

  it('indexes METHOD_VALUES, _OTHER last', () => {
    expect(methodIndex('CONNECT')).toBe(0);
    expect(METHOD_VALUES[methodIndex('POST')]).toBe('POST');
    expect(methodIndex('BREW')).toBe(METHOD_VALUES.length - 1);
    expect(METHOD_VALUES.at(-1)).toBe('_OTHER');
  });
});
