// The finish pipeline of withSla: outcome → metrics → ledger write → rules → lease release (last), and one failure
// count (the ledger's) behind both job_consecutive_failures and JobConsecutiveFailures.
import { type Alerter, type AlertNotification, createAlerter } from '@slakit/core';
import { createTestTelemetry, type TestTelemetry } from '@slakit/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { LeaseInfo, LeaseStore } from './lease.js';
import type { RunLedger } from './ledger.js';
import { memoryLeases } from './memory-leases.js';
import { memoryLedger } from './memory-ledger.js';
import type { RunRecord } from './types.js';
import { withSla } from './with-sla.js';

const kits: TestTelemetry[] = [];
afterEach(async () => {
  await Promise.all(kits.splice(0).map((k) => k.close()));
});

/** A memory ledger whose final `record()` notes the state of the job's lease at that moment. */
function observingLedger(leases: LeaseStore, key: string) {
  const inner = memoryLedger();
  const seen: { outcome: RunRecord['outcome']; lease: LeaseInfo['state'] | 'absent' }[] = [];
  const ledger: RunLedger = {
    ...inner,
    async record(run) {
      const lease = (await leases.listLeases()).find((l) => l.key === key);
      seen.push({ outcome: run.outcome, lease: lease?.state ?? 'absent' });
      return inner.record(run);
    },
  };
  return { ledger, seen, inner };
}

describe('withSla finish order', () => {
  it('writes the ledger record while the lease is still held, then releases it', async () => {
    const kit = createTestTelemetry();
    kits.push(kit);
    const leases = memoryLeases({ clock: kit.clock });
    const { ledger, seen } = observingLedger(leases, 'job:ordered_job');
    const options = { budgetSeconds: 60, leases, ledger, clock: kit.clock, telemetry: kit.telemetry, env: {} };
    const ok = withSla('ordered_job', async () => ({ processed: 3 }), options);
    expect((await ok()).outcome).toBe('succeeded');
    const failing = withSla(
      'ordered_job',
      async () => {
        throw new Error('boom');
      },
      options,
    );
    await expect(failing()).rejects.toThrow('boom');
    expect(seen).toEqual([
      { outcome: 'succeeded', lease: 'held' },
      { outcome: 'failed', lease: 'held' },
    ]);
    expect((await leases.listLeases()).find((l) => l.key === 'job:ordered_job')?.state).toBe('released');
  });

  it('a skipped_overlap run is recorded before the lease it took to claim the slot is released', async () => {
    const kit = createTestTelemetry();
    kits.push(kit);
    const leases = memoryLeases({ clock: kit.clock });
    const { ledger, seen } = observingLedger(leases, 'job:slotted_job');
    const job = withSla('slotted_job', async () => {}, { budgetSeconds: 60, leases, ledger, clock: kit.clock, env: {} });
    const slot = new Date('2026-01-03T15:30:00Z');
    expect((await job(undefined, { scheduledAt: slot })).outcome).toBe('succeeded');
    expect((await job(undefined, { scheduledAt: slot })).outcome).toBe('skipped_overlap');
    expect(seen).toEqual([
      { outcome: 'succeeded', lease: 'held' },
      { outcome: 'skipped_overlap', lease: 'held' },
    ]);
    expect((await leases.listLeases()).find((l) => l.key === 'job:slotted_job')?.state).toBe('released');
  });
});

describe('one failure count', () => {
  it('job_consecutive_failures is the ledger count, also for a run refused by an unreachable lease store', async () => {
    const kit = createTestTelemetry();
    kits.push(kit);
    const sent: AlertNotification[] = [];
    const alerter = createAlerter({
      sinks: [{ name: 'chat', kind: 'chat', send: async (n) => void sent.push(n) }],
      clock: kit.clock,
      env: {},
    });
    const ledger = memoryLedger({ now: () => kit.clock.now() });
    const down: LeaseStore = {
      kind: 'redis',
      acquire: () => Promise.reject(Object.assign(new Error('ECONNREFUSED'), { code: 'ECONNREFUSED' })),
      listLeases: async () => [],
    };
    const common = { budgetSeconds: 60, ledger, alerter, clock: kit.clock, telemetry: kit.telemetry, env: {} };
    const refused = withSla('counted_job', async () => {}, { ...common, leases: down });
    const slot = new Date('2026-01-03T15:30:00Z');
    for (let i = 0; i < 3; i++) expect((await refused(undefined, { scheduledAt: slot })).error?.code).toBe('LEASE_UNAVAILABLE');
    await alerter.idle();
    expect(await ledger.consecutiveFailures('counted_job')).toBe(3);
    expect(await kit.metrics.value('job_consecutive_failures', { job_name: 'counted_job' })).toBe(3);
    expect(sent.find((n) => n.labels.alertname === 'JobConsecutiveFailures')?.values.consecutive_failures).toBe(3);
    // A refused run never takes the slot: a replica that reaches its lease store still runs it.
    const recorded = await ledger.recent('counted_job', 10);
    expect(recorded.map((r) => [r.outcome, r.slot])).toEqual([
      ['failed', undefined],
      ['failed', undefined],
      ['failed', undefined],
    ]);
    await kit.clock.advance(1000); // runs of one fake instant would tie in the ledger's newest-first order
    const healthy = withSla('counted_job', async () => {}, { ...common, leases: memoryLeases({ clock: kit.clock }) });
    expect((await healthy(undefined, { scheduledAt: slot })).outcome).toBe('succeeded');
    await alerter.idle();
    expect(await kit.metrics.value('job_consecutive_failures', { job_name: 'counted_job' })).toBe(0);
    expect(alerter.active().map((a) => a.labels.alertname)).not.toContain('JobConsecutiveFailures');
  });

  it('without a ledger (ledger: false) the gauge still counts this wrapper’s failures', async () => {
    const kit = createTestTelemetry();
    kits.push(kit);
    let fail = true;
    const job = withSla(
      'unledgered_job',
      async () => {
        if (fail) throw new Error('boom');
      },
      {
        budgetSeconds: 60,
        ledger: false,
        clock: kit.clock,
        telemetry: kit.telemetry,
        leases: memoryLeases({ clock: kit.clock }),
        env: {},
      },
    );
    await expect(job()).rejects.toThrow('boom');
    await expect(job()).rejects.toThrow('boom');
    expect(await kit.metrics.value('job_consecutive_failures', { job_name: 'unledgered_job' })).toBe(2);
    fail = false;
    await job();
    expect(await kit.metrics.value('job_consecutive_failures', { job_name: 'unledgered_job' })).toBe(0);
  });

  it('a run never counts in its own throughput baseline', async () => {
    const kit = createTestTelemetry();
    kits.push(kit);
    const calls: { runs?: number; excludeRunId?: string }[] = [];
    const inner = memoryLedger({ now: () => kit.clock.now() });
    const ledger: RunLedger = {
      ...inner,
      baselineThroughput: (job, options) => {
        calls.push({ ...options });
        return inner.baselineThroughput(job, options);
      },
    };
    const alerter = createAlerter({ sinks: [], clock: kit.clock, env: {} });
    const job = withSla('baseline_job', async () => ({ processed: 10 }), {
      budgetSeconds: 60,
      ledger,
      alerter,
      clock: kit.clock,
      leases: memoryLeases({ clock: kit.clock }),
      env: {},
    });
    const result = await job();
    expect(calls).toEqual([{ runs: 10, excludeRunId: result.runId }]);
    expect((await inner.baselineThroughput('baseline_job', { excludeRunId: result.runId })).runs).toBe(0);
  });
});

describe('withSla finish with a host alerter that throws', () => {
  it('keeps the job error, releases the lease and logs the rule failure', async () => {
    const kit = createTestTelemetry();
    kits.push(kit);
    const leases = memoryLeases({ clock: kit.clock });
    // A host wrapper around a real alerter whose fire()/resolve() throw (core's own never do).
    const real = createAlerter({ sinks: [], telemetry: kit.telemetry, clock: kit.clock, env: {} });
    const alerter: Alerter = {
      ...real,
      fire: () => {
        throw new Error('alerter down');
      },
      resolve: () => {
        throw new Error('alerter down');
      },
    };
    const options = {
      budgetSeconds: 60,
      leases,
      ledger: memoryLedger(),
      alerter,
      rules: { consecutiveFailures: 1 },
      clock: kit.clock,
      telemetry: kit.telemetry,
      env: {},
    };
    const failing = withSla(
      'alerting_job',
      async () => {
        throw new Error('job failed');
      },
      options,
    );
    await expect(failing()).rejects.toThrow('job failed');
    expect((await leases.listLeases()).find((l) => l.key === 'job:alerting_job')?.state).toBe('released');
    await expect(failing()).rejects.toThrow('job failed'); // ran again: not skipped_locked
    expect(kit.logs.find('rules failed').length).toBeGreaterThan(0);
  });
});
