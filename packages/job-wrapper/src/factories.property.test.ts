import { createLogger, SLAKIT_ERROR_CODES } from '@slakit/core';
import { createFakeClock, createTestTelemetry } from '@slakit/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { checkFactory, type FactoryTarget } from '../../../test-support/factory-property.js';
import { postgresAdvisoryLeases } from './advisory-leases.js';
import * as pkg from './index.js';
import { memoryLeases } from './memory-leases.js';
import { memoryLedger } from './memory-ledger.js';
import { postgresLeases } from './postgres-leases.js';
import { postgresLedger } from './postgres-ledger.js';
import { postgresQueueProbe, watchQueue } from './queue.js';
import { redisLeases } from './redis-leases.js';
import { schedule } from './schedule.js';
import { pushgatewayPush, runOnce } from './short-lived.js';
import { withSla } from './with-sla.js';

const CODES = Object.keys(SLAKIT_ERROR_CODES);
// Fake clients: duck-typed, so no factory opens a connection.
const fakePool = { query: async () => ({ rows: [], rowCount: 0 }) };
const fakeRedis = { call: async () => null };
const fakeSession = { ...fakePool, end: async () => undefined, on: () => undefined, removeListener: () => undefined };
const silent = createLogger({ level: 'silent' });
const t = createTestTelemetry();
afterAll(() => t.telemetry.shutdown());
const job = withSla('job', async () => undefined, { budgetSeconds: 5, env: {}, logger: silent, ledger: false });
const probe = async () => ({
  depth: 0,
  averageAgeSeconds: 0,
  oldestAgeSeconds: 0,
  overSla: 0,
  requiringEscalation: 0,
  resolvedPerDay: 0,
  oldestIds: [],
});

const WITH_SLA_KEYS = [
  'budgetSeconds',
  'warningPercent',
  'criticalPercent',
  'leases',
  'leaseTtlMs',
  'hardTimeoutSeconds',
  'dryRun',
  'telemetry',
  'alerter',
  'logger',
  'runbookUrl',
  'recommendedAction',
  'owner',
  'leaseTimeoutMs',
  'clock',
  'env',
  'ledger',
  'rules.successRateThreshold',
  'rules.successRateWindowSeconds',
  'rules.minRuns',
  'rules.throughputRatio',
  'rules.baselineRuns',
  'rules.minBaselineRuns',
  'rules.consecutiveFailures',
  'ledgerTimeoutMs',
];

/** Every public factory of @slakit/job-wrapper that takes options (or a client). */
export const JOB_WRAPPER_FACTORIES: FactoryTarget[] = [
  { name: 'withSla', keys: WITH_SLA_KEYS, call: (o) => withSla('job', async () => undefined, o as never) },
  {
    name: 'schedule',
    keys: [
      'timezone',
      'graceSeconds',
      'protect',
      'alerter',
      'runbookUrl',
      'telemetry',
      'logger',
      'clock',
      'lastSuccessAt',
      'watchdogIntervalMs',
    ],
    call: (o) => schedule('0 3 * * *', job, o as never),
  },
  {
    name: 'watchQueue',
    keys: [
      'probe',
      'intervalMs',
      'thresholds.depthWarning',
      'thresholds.depthCritical',
      'thresholds.ageWarningHours',
      'thresholds.ageEscalationHours',
      'thresholds.resolutionRateRatio',
      'thresholds.resolutionBaselineHours',
      'thresholds.resolutionMinHistoryHours',
      'alerter',
      'runbookUrl',
      'telemetry',
      'logger',
      'clock',
      'env',
    ],
    call: (o) => watchQueue('queue', o as never),
  },
  {
    name: 'postgresQueueProbe',
    keys: ['table', 'idColumn', 'createdAtColumn', 'resolvedAtColumn', 'where', 'slaHours', 'escalationHours'],
    call: (o) => postgresQueueProbe(fakePool, o as never),
  },
  { name: 'memoryLeases', keys: ['clock', 'maxKeys'], call: (o) => memoryLeases(o as never) },
  { name: 'redisLeases', keys: ['prefix', 'retentionMs', 'clock'], call: (o) => redisLeases(fakeRedis, o as never) },
  { name: 'redisLeases(client)', keys: ['call', 'sendCommand', 'host', 'password', 'url'], call: (o) => redisLeases(o as never) },
  { name: 'postgresLeases', keys: ['table', 'clock'], call: (o) => postgresLeases(fakePool, o as never) },
  {
    name: 'postgresLeases(pool)',
    keys: ['query', 'connectionString', 'password', 'host'],
    call: (o) => postgresLeases(o as never),
  },
  {
    name: 'postgresAdvisoryLeases',
    keys: ['fenceTable', 'clock'],
    call: (o) => postgresAdvisoryLeases(async () => fakeSession, o as never),
  },
  { name: 'postgresAdvisoryLeases(connect)', keys: [], call: (o) => postgresAdvisoryLeases(o as never) },
  { name: 'memoryLedger', keys: ['maxRuns', 'now'], call: (o) => memoryLedger(o as never) },
  { name: 'postgresLedger', keys: ['table'], call: (o) => postgresLedger(fakePool, o as never) },
  { name: 'postgresLedger(pool)', keys: ['query', 'connectionString', 'password'], call: (o) => postgresLedger(o as never) },
  { name: 'pushgatewayPush', keys: ['url', 'job', 'grouping', 'headers'], call: (o) => pushgatewayPush(o as never) },
  {
    name: 'runOnce',
    keys: ['telemetry', 'push', 'input', 'run.scheduledAt', 'run.dryRun', 'deadlineMs', 'ledger', 'minIntervalSeconds'],
    call: (o) => runOnce(job, o as never),
  },
];

const GOOD = [
  silent,
  createFakeClock(0),
  t.telemetry,
  fakePool,
  fakeRedis,
  probe,
  memoryLeases(),
  memoryLedger(),
  5,
  1000,
  'http://127.0.0.1:9',
  'ops.queue',
];

describe('property: every public factory of @slakit/job-wrapper → a SlakitError naming a field, or a working object', () => {
  it('the table lists every exported factory', () => {
    const listed = new Set(JOB_WRAPPER_FACTORIES.map((f) => f.name.split('(')[0]));
    const NOT_FACTORIES = new Set([
      'redisFencedHset',
      'postgresLeasesDdl',
      'postgresLedgerDdl',
      'defaultOwner',
      'driftMs',
      'percentile',
      'recordOf',
    ]);
    const exported = Object.entries(pkg)
      .filter(([name, value]) => typeof value === 'function' && !NOT_FACTORIES.has(name))
      .map(([name]) => name);
    expect(exported.filter((name) => !listed.has(name))).toEqual([]);
  });

  it.each(JOB_WRAPPER_FACTORIES.map((f) => [f.name, f] as const))('%s', async (_name, target) => {
    const seen = await checkFactory(target, CODES, { numRuns: 1000, goodValues: GOOD });
    expect(seen.error).toBeGreaterThan(0);
  });
});
