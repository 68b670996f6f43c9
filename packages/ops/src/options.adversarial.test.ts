import { describe, expect, it } from 'vitest';
import { slakitErrorOf } from '../../../test-support/slakit-errors.js';
import { createOps, opsRouter } from './index.js';

describe('item 18: ops options are validated', () => {
  it('unknown keys are refused with a did-you-mean', async () => {
    const cases: [() => unknown, string, string][] = [
      [() => opsRouter({ authorise: () => true } as never), 'authorise', 'authorize'],
      [() => createOps({ authorise: () => true } as never), 'authorise', 'authorize'],
    ];
    for (const [call, field, suggestion] of cases) {
      const e = await slakitErrorOf(call);
      expect(e.code).toBe('ERR_SLAKIT_UNKNOWN_OPTION');
      expect(e.field).toBe(field);
      expect(e.message).toContain(`did you mean ${suggestion}?`);
    }
  });
});
