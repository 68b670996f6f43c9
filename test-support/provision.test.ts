import { describe, expect, it } from 'vitest';
import { ENGINES, type Engine, findBinary, installHint, missingEngines, provision } from './provision.js';

const ghost: Engine = { name: 'Ghost', debianPackage: 'ghost-engine', binaries: ['slakit-no-such-binary-x1'] };
const shell: Engine = { name: 'Shell', debianPackage: 'bash', binaries: ['bash'] };

describe('test-support/provision', () => {
  it('finds a system binary and reports a missing one', () => {
    expect(findBinary('bash')).toMatch(/\/bash$/);
    expect(findBinary('slakit-no-such-binary-x1')).toBeUndefined();
    expect(missingEngines([shell, ghost])).toEqual([ghost]);
  });

  it('says the engines are present and installs nothing when all binaries exist', () => {
    const lines: string[] = [];
    provision([shell], (l) => lines.push(l), false);
    expect(lines).toEqual(['engines: Shell present (nothing to install)']);
  });

  it('fails at once with one line naming the packages when it cannot install', () => {
    const lines: string[] = [];
    let message = '';
    try {
      provision([shell, ghost], (l) => lines.push(l), false);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe(installHint([ghost]));
    expect(message).not.toContain('\n');
    expect(message).toContain('apt-get install -y --no-install-recommends ghost-engine');
    expect(lines).toEqual([]);
  });

  it('provisioned every engine of the suite before the tests started (global setup)', () => {
    expect(missingEngines(ENGINES)).toEqual([]);
    for (const e of ENGINES) for (const b of e.binaries) expect(findBinary(b)).toBeDefined();
  });
});
