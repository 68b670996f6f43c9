// Replicas and the run-time job alerts: an alert replica a raised resolves once replica b's run, recorded in the
// shared ledger, puts the job right — within one reconcile interval, as the generated rules (latest runner) do.
import { createAlerter, createLogger } from '@slakit/core';
import { createFakeClock } from '@slakit/core/testing';
import { describe, expect, it } from 'vitest';
import { memoryLeases } from './memory-leases.js';
import { memoryLedger } from './memory-ledger.js';
import { withSla } from './with-sla.js';

const silent = createLogger({ level: 'silent' });

function replicas() {
  const clock = createFakeClock(Date.UTC(2026, 0, 5, 9));
  const ledger = memoryLedger({ now: () => clock.now() });
  const leases = memoryLeases({ clock });
  const replica = (behaviour: () => { ms: number; fail?: boolean }) => {
    const alerter = createAlerter({
      clock,
      env: {},
      logger: silent,
      sinks: [{ name: 's', kind: 'custom', send: async () => {} }],
    });
    const job = withSla(
      'sync',
      async () => {
        const { ms, fail } = behaviour();
        await new Promise<void>((r) => clock.setTimeout(r, ms));
        if (fail) throw new Error('down');
        return { processed: 10 };
      },
      { budgetSeconds: 100, clock, ledger, leases, alerter, logger: silent, env: {} },
    );
    return { alerter, job };
  };
  return { clock, replica };
}

const names = (alerter: ReturnType<typeof createAlerter>) =>
  alerter
    .active()
    .map((a) => a.labels.alertname)
    .sort();

describe('withSla across replicas (shared ledger)', () => {
  it("a's JobConsecutiveFailures and JobSlaBreachCritical resolve within one interval after b's good run; nothing resolves before", async () => {
    const { clock, replica } = replicas();
    let n = 0;
    const a = replica(() => (++n === 3 ? { ms: 120_000, fail: true } : { ms: 1000, fail: true }));
    const b = replica(() => ({ ms: 30_000 }));
    for (let i = 0; i < 3; i++) {
      const run = a.job().catch(() => undefined);
      await clock.advance(130_000);
      await run;
    }
    expect(names(a.alerter)).toEqual(['JobConsecutiveFailures', 'JobSlaBreachCritical', 'JobSlaBreachWarning']);
    await clock.advance(5 * 60_000); // nothing new in the ledger: a keeps its verdict
    expect(names(a.alerter)).toEqual(['JobConsecutiveFailures', 'JobSlaBreachCritical', 'JobSlaBreachWarning']);
    const good = b.job();
    await clock.advance(30_000);
    expect((await good).outcome).toBe('succeeded');
    expect(names(b.alerter)).toEqual([]);
    await clock.advance(60_000);
    expect(names(a.alerter)).toEqual([]);
  });

  it("b's failing run adopted by a keeps a's alerts; with no alert firing, a keeps no timer", async () => {
    const { clock, replica } = replicas();
    const a = replica(() => ({ ms: 1000, fail: true }));
    const b = replica(() => ({ ms: 1000, fail: true }));
    for (let i = 0; i < 3; i++) {
      const run = a.job().catch(() => undefined);
      await clock.advance(2000);
      await run;
    }
    expect(names(a.alerter)).toEqual(['JobConsecutiveFailures']);
    const bad = b.job().catch(() => undefined);
    await clock.advance(2000);
    await bad;
    await clock.advance(60_000);
    expect(names(a.alerter)).toEqual(['JobConsecutiveFailures']);
    expect(names(b.alerter)).toEqual(['JobConsecutiveFailures']); // 4 in a row from the shared ledger
    // A healthy job without firing alerts arms nothing.
    const { clock: c2, replica: r2 } = replicas();
    const ok = r2(() => ({ ms: 10 }));
    const before = c2.pending();
    const run = ok.job();
    await c2.advance(100);
    await run;
    expect(c2.pending()).toBe(before);
  });
});
