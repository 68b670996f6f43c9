import { createLogger, defineConfig, SLAKIT_ERROR_CODES } from '@slakit/core';
import { createFakeClock, createTestTelemetry } from '@slakit/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { checkFactory, type FactoryTarget } from '../../../test-support/factory-property.js';
import * as pkg from './index.js';
import { createOps, createSloTracker, opsRouter } from './index.js';

const CODES = Object.keys(SLAKIT_ERROR_CODES);
const t = createTestTelemetry();
afterAll(() => t.telemetry.shutdown());
const silent = createLogger({ level: 'silent' });
const config = defineConfig({ service: 'shop', slos: [{ name: 'availability', kind: 'availability', objective: 99.9 }] });
const OPS_KEYS = ['alerter', 'ledger', 'health', 'jobs', 'slo', 'config', 'authorize', 'authorizeRead', 'prefix', 'logger'];

/** Every public factory of @slakit/ops that takes options (moved from @slakit/express-middleware's table). */
export const OPS_FACTORIES: FactoryTarget[] = [
  { name: 'opsRouter', keys: OPS_KEYS, call: (o) => opsRouter(o as never) },
  { name: 'createOps', keys: OPS_KEYS, call: (o) => createOps(o as never) },
  { name: 'createSloTracker', keys: ['retentionMinutes', 'clock'], call: (o) => createSloTracker(config, o as never) },
  { name: 'createSloTracker(config)', keys: ['service', 'slos', 'jobs'], call: (o) => createSloTracker(o as never) },
];

const GOOD = [t.telemetry, silent, createFakeClock(0), config, ['/health', /^\/internal/], '/ops', 60, 1, () => true];

describe('property: every public factory of @slakit/ops → a SlakitError naming a field, or a working object', () => {
  it('the table lists every exported factory', () => {
    const listed = new Set(OPS_FACTORIES.map((f) => f.name.split('(')[0]));
    const exported = Object.entries(pkg)
      .filter(([, value]) => typeof value === 'function')
      .map(([name]) => name);
    expect(exported.filter((name) => !listed.has(name))).toEqual([]);
  });

  it.each(OPS_FACTORIES.map((f) => [f.name, f] as const))('%s', async (_name, target) => {
    const seen = await checkFactory(target, CODES, { numRuns: 1000, goodValues: GOOD });
    expect(seen.error).toBeGreaterThan(0);
  });
});
