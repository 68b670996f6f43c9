import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeValue, invalidOption, SLAKIT_ERROR_CODES, SlakitError } from './errors.js';

describe('SlakitError', () => {
  it('carries a stable code, the field, the value and what is accepted', () => {
    const error = invalidOption('metrics.port', 70000, 'an integer port from 0 to 65535');
    expect(error).toBeInstanceOf(SlakitError);
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('ERR_SLAKIT_INVALID_OPTION');
    expect(error.field).toBe('metrics.port');
    expect(error.value).toBe(70000);
    expect(error.message).toBe('metrics.port must be an integer port from 0 to 65535, got 70000');
  });

  it('truncates long values in messages', () => {
    expect(describeValue('x'.repeat(200)).length).toBe(80);
    expect(describeValue(12n)).toBe('12n');
  });

  it('every code in the table is documented in docs/errors.md', () => {
    const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
    const documented = new Set([...doc.matchAll(/^## `(ERR_SLAKIT_[A-Z_]+)`/gm)].map((m) => m[1]));
    const codes = Object.keys(SLAKIT_ERROR_CODES);
    expect(codes.length).toBeGreaterThan(0);
    expect(codes.filter((code) => !documented.has(code))).toEqual([]);
    // and the doc lists no code the table lacks
    expect([...documented].filter((code) => !codes.includes(code as string))).toEqual([]);
  });
});
