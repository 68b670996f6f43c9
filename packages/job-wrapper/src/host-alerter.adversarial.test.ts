// A host alerter whose fire()/resolve() throw is called from timers and promise callbacks (the missed-run
// watchdog, a scheduled run's result): what it throws is logged, never an unhandled rejection that stops the host.
import type { Alerter } from '@slakit/core';
import { createFakeClock, createTestTelemetry } from '@slakit/core/testing';
import { describe, expect, it } from 'vitest';
import { memoryLeases } from './memory-leases.js';
import { memoryLedger } from './memory-ledger.js';
import { schedule } from './schedule.js';
import { withSla } from './with-sla.js';

describe('a throwing host alerter', () => {
  it('the missed-run watchdog and a scheduled success neither reject unhandled nor stop; the failures are logged', async () => {
    const seen: unknown[] = [];
    const on = (e: unknown) => seen.push(e);
    process.on('unhandledRejection', on);
    const kit = createTestTelemetry({ serviceName: 't', level: 'warn' });
    try {
      const clock = createFakeClock(Date.UTC(2026, 0, 3, 15, 31));
      const ledger = memoryLedger({ now: () => clock.now() });
      let fail = true;
      const job = withSla(
        'flaky',
        async () => {
          if (fail) throw new Error('x');
          return { processed: 1 };
        },
        { budgetSeconds: 60, clock, ledger, leases: memoryLeases({ clock }), env: {}, logger: kit.telemetry.logger },
      );
      const calls = { fire: 0, resolve: 0 };
      const alerter = {
        fire() {
          calls.fire++;
          throw new Error('host alerter down');
        },
        resolve() {
          calls.resolve++;
          throw new Error('host alerter down');
        },
      } as unknown as Alerter;
      const s = schedule('*/15 * * * *', job, {
        clock,
        timezone: 'UTC',
        graceSeconds: 60,
        alerter,
        logger: kit.telemetry.logger,
      });
      await clock.advance(40 * 60_000); // failing: JobMissedRun fires (and throws)
      fail = false;
      await clock.advance(20 * 60_000); // a success: the resolve throws too
      for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
      s.stop();
      expect(calls.fire).toBeGreaterThan(0);
      expect(calls.resolve).toBeGreaterThan(0);
      expect(kit.logs.find('fire JobMissedRun failed').length).toBeGreaterThan(0);
      expect(kit.logs.find('resolve JobMissedRun failed').length).toBeGreaterThan(0);
      expect(seen).toEqual([]);
    } finally {
      process.off('unhandledRejection', on);
      await kit.close();
    }
  });
});
