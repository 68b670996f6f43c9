import { createLogger, defineConfig, SLAKIT_ERROR_CODES } from '@slakit/core';
import { createFakeClock, createTestTelemetry } from '@slakit/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { checkFactory, type FactoryTarget } from '../../../test-support/factory-property.js';
import { errorHandler } from './error-handler.js';
import * as pkg from './index.js';
import { instrument } from './instrument.js';
import { metricsRoute } from './metrics-route.js';

const CODES = Object.keys(SLAKIT_ERROR_CODES);
const t = createTestTelemetry();
afterAll(() => t.telemetry.shutdown());
const silent = createLogger({ level: 'silent' });
const config = defineConfig({ service: 'shop', slos: [{ name: 'availability', kind: 'availability', objective: 99.9 }] });

/** Every public factory of @slakit/express-middleware that takes options. */
export const EXPRESS_FACTORIES: FactoryTarget[] = [
  {
    name: 'instrument',
    keys: [
      'telemetry',
      'slo',
      'tracing.enabled',
      'tracing.sampleRatio',
      'tracing.responseHeader',
      'tracing.activateContext',
      'logging.enabled',
      'logging.sampleSuccess',
      'logging.headers',
      'requestId.header',
      'requestId.responseHeader',
      'requestId.generate',
      'metricsEndpoint.path',
      'metricsEndpoint.authorize',
      'ignorePaths',
      'maxRoutes',
    ],
    call: (o) => instrument(o as never),
  },
  { name: 'metricsRoute', keys: ['path', 'authorize'], call: (o) => metricsRoute(t.telemetry, o as never) },
  { name: 'metricsRoute(telemetry)', keys: ['metricsHandler', 'meter', 'logger'], call: (o) => metricsRoute(o as never) },
  { name: 'errorHandler', keys: ['logger'], call: (o) => errorHandler(o as never) },
];

const GOOD = [t.telemetry, silent, createFakeClock(0), config, ['/health', /^\/internal/], '/ops', 60, 1, () => true];

describe('property: every public factory of @slakit/express-middleware → a SlakitError naming a field, or a working object', () => {
  it('the table lists every exported factory', () => {
    const listed = new Set(EXPRESS_FACTORIES.map((f) => f.name.split('(')[0]));
    // errorRecorder takes no options; the others are helpers of a request, not factories
    const NOT_FACTORIES = new Set([
      'errorRecorder',
      'errorTypeOf',
      'safeErrorCode',
      'normalizeMethod',
      'routeTemplate',
      'routeTemplateInfo',
    ]);
    const exported = Object.entries(pkg)
      .filter(([name, value]) => typeof value === 'function' && !NOT_FACTORIES.has(name))
      .map(([name]) => name);
    expect(exported.filter((name) => !listed.has(name))).toEqual([]);
  });

  it.each(EXPRESS_FACTORIES.map((f) => [f.name, f] as const))('%s', async (_name, target) => {
    const seen = await checkFactory(target, CODES, { numRuns: 1000, goodValues: GOOD });
    expect(seen.error).toBeGreaterThan(0);
  });
});
