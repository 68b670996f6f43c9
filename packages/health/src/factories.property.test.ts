import { createLogger, SLAKIT_ERROR_CODES } from '@slakit/core';
import { createFakeClock } from '@slakit/core/testing';
import { describe, expect, it } from 'vitest';
import { checkFactory, type FactoryTarget } from '../../../test-support/factory-property.js';
import { resolveChecks } from './check.js';
import { custom, diskSpace, env, eventLoopDelay, http, memory, postgres, redis, staleLeases } from './checks.js';
import { createHealth } from './health.js';
import * as pkg from './index.js';

const CODES = Object.keys(SLAKIT_ERROR_CODES);
// Fake clients: duck-typed, so no check opens a connection (and the checks are never run here).
const fakePool = { query: async () => ({ rows: [] }) };
const fakeRedis = { call: async () => 'PONG' };
const fakeStore = { listLeases: async () => [] };
const silent = createLogger({ level: 'silent' });
const CHECK = ['roles', 'severity', 'ttlMs', 'timeoutMs', 'componentType', 'measurement'];
const local = custom(() => true);

/** Every public factory of @slakit/health that takes options. */
export const HEALTH_FACTORIES: FactoryTarget[] = [
  {
    name: 'createHealth',
    keys: [
      'checks',
      'version',
      'releaseId',
      'serviceId',
      'description',
      'endpointDeadlineMs',
      'authorize',
      'telemetry',
      'alerter',
      'failingForMs',
      'logger',
      'server',
      'handleSignals',
      'drainDelayMs',
      'gracefulTimeoutMs',
      'onShutdown',
      'hookTimeoutMs',
      'exitProcess',
      'basePath',
      'clock',
    ],
    // no signal handlers that could exit the test process
    call: (o) =>
      createHealth(
        o !== null && typeof o === 'object' && !Array.isArray(o) ? ({ ...o, exitProcess: false } as never) : (o as never),
      ),
  },
  {
    name: 'createHealth(checks)',
    keys: ['a', 'b', 'db', 'run', 'roles', 'kind'],
    call: (o) => createHealth({ checks: o as never, logger: silent }),
  },
  {
    name: 'resolveChecks',
    keys: ['a', 'b', 'run', 'roles', 'severity', 'ttlMs', 'kind'],
    call: (o) => resolveChecks(o as never),
  },
  { name: 'postgres', keys: [...CHECK, 'requiredIndexes', 'requiredTables'], call: (o) => postgres(fakePool, o as never) },
  { name: 'postgres(pool)', keys: ['query', 'connectionString', 'password'], call: (o) => postgres(o as never) },
  { name: 'redis', keys: [...CHECK, 'lockRoundTrip', 'probeKey'], call: (o) => redis(fakeRedis, o as never) },
  { name: 'redis(client)', keys: ['call', 'sendCommand', 'password', 'url'], call: (o) => redis(o as never) },
  {
    name: 'http',
    keys: [...CHECK, 'method', 'headers', 'expectStatus'],
    call: (o) => http('http://127.0.0.1:9/health', o as never),
  },
  { name: 'http(url)', keys: [], call: (o) => http(o as never) },
  { name: 'env', keys: [...CHECK, 'formats', 'source'], call: (o) => env(['DATABASE_URL'], o as never) },
  { name: 'env(names)', keys: [], call: (o) => env(o as never) },
  { name: 'eventLoopDelay', keys: [...CHECK, 'warnMs', 'failMs'], call: (o) => eventLoopDelay(o as never) },
  { name: 'memory', keys: [...CHECK, 'heapRatioWarn', 'heapRatioFail'], call: (o) => memory(o as never) },
  { name: 'diskSpace', keys: [...CHECK, 'minFreeBytes'], call: (o) => diskSpace('/', o as never) },
  { name: 'staleLeases', keys: [...CHECK, 'maxAgeSeconds', 'now'], call: (o) => staleLeases(fakeStore, o as never) },
  { name: 'custom', keys: [...CHECK, 'kind'], call: (o) => custom(() => true, o as never) },
];

const GOOD = [
  silent,
  createFakeClock(0),
  { a: local },
  [{ ...local, name: 'a' }],
  ['readiness'],
  'degraded',
  5,
  1000,
  () => true,
];

describe('property: every public factory of @slakit/health → a SlakitError naming a field, or a working object', () => {
  it('the table lists every exported factory', () => {
    const listed = new Set(HEALTH_FACTORIES.map((f) => f.name.split('(')[0]));
    const NOT_FACTORIES = new Set(['failureCode']);
    const exported = Object.entries(pkg)
      .filter(([name, value]) => typeof value === 'function' && !NOT_FACTORIES.has(name))
      .map(([name]) => name);
    expect(exported.filter((name) => !listed.has(name))).toEqual([]);
  });

  it.each(HEALTH_FACTORIES.map((f) => [f.name, f] as const))('%s', async (_name, target) => {
    const seen = await checkFactory(target, CODES, { numRuns: 1000, goodValues: GOOD });
    expect(seen.error).toBeGreaterThan(0);
  });
});
