// HealthCheckFailing waits `failingForMs` (default: the rule's `for`, 5 min) of uninterrupted failures, as the
// generated rule `health_check_status == 0` with `for: 5m` does (issue #19: one rule definition, two evaluators).
import { type AlertNotification, createAlerter, createLogger } from '@slakit/core';
import { createFakeClock } from '@slakit/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { CheckResult } from './check.js';
import { custom } from './checks.js';
import { createHealth, type Health } from './health.js';
import { DEFAULT_FAILING_FOR_MS } from './observe.js';

const silent = createLogger({ level: 'silent' });
const healths: Health[] = [];
afterEach(() => {
  for (const h of healths.splice(0)) h.close();
});

/** A health with one critical check `db` (TTL 10 s) whose status the test sets, on a fake clock. */
function setup(failingForMs?: number) {
  const clock = createFakeClock(0);
  const sent: AlertNotification[] = [];
  const alerter = createAlerter({
    clock,
    env: {},
    logger: silent,
    sinks: [{ name: 'cap', kind: 'custom', send: async (n) => void sent.push(n) }],
  });
  let status: CheckResult['status'] = 'pass';
  const health = createHealth({
    checks: {
      db: custom(() => ({ status }), { ttlMs: 10_000 }),
      blob: custom(() => false, { ttlMs: 10_000, severity: 'degraded' }),
    },
    alerter,
    clock,
    logger: silent,
    ...(failingForMs === undefined ? {} : { failingForMs }),
  });
  healths.push(health);
  const firing = () => alerter.active().map((a) => a.labels.check);
  return {
    clock,
    alerter,
    sent,
    firing,
    set: (s: CheckResult['status']) => {
      status = s;
    },
  };
}

describe('HealthCheckFailing waits failingForMs', () => {
  it('defaults to the rule for: 5 min', () => {
    expect(DEFAULT_FAILING_FOR_MS).toBe(300_000);
  });

  it('fires once the check has failed for 5 minutes without a break, not before; a pass resolves it', async () => {
    const t = setup();
    await t.clock.advance(1000);
    t.set('fail');
    await t.clock.advance(12_000); // the next run (TTL 10 s ± 10 %) reports the failure
    await t.clock.advance(4 * 60_000);
    expect(t.firing()).toEqual([]);
    await t.clock.advance(60_000 + 12_000);
    expect(t.firing()).toEqual(['db']);
    t.set('pass');
    await t.clock.advance(12_000);
    expect(t.firing()).toEqual([]);
    await t.alerter.idle();
    expect(t.sent.map((n) => [n.status, n.labels.check])).toEqual([
      ['firing', 'db'],
      ['resolved', 'db'],
    ]);
    await t.alerter.close();
  });

  it('a pass or a warn between failures restarts the wait (flapping never pages); degraded checks never page', async () => {
    const t = setup();
    for (const between of ['pass', 'warn'] as const) {
      for (let i = 0; i < 3; i++) {
        t.set('fail');
        await t.clock.advance(3 * 60_000);
        t.set(between);
        await t.clock.advance(30_000);
      }
    }
    expect(t.firing()).toEqual([]);
    await t.alerter.idle();
    expect(t.sent).toEqual([]);
    await t.alerter.close();
  });

  it('failingForMs: 0 fires on the first failure; a custom wait is honoured; close() cancels a pending alert', async () => {
    const now = setup(0);
    now.set('fail');
    await now.clock.advance(12_000);
    expect(now.firing()).toEqual(['db']);
    await now.alerter.close();

    const custom60 = setup(60_000);
    custom60.set('fail');
    await custom60.clock.advance(12_000 + 30_000);
    expect(custom60.firing()).toEqual([]);
    await custom60.clock.advance(42_000);
    expect(custom60.firing()).toEqual(['db']);
    await custom60.alerter.close();

    const closed = setup(60_000);
    closed.set('fail');
    await closed.clock.advance(12_000);
    for (const h of healths.splice(0)) h.close();
    await closed.clock.advance(120_000);
    expect(closed.firing()).toEqual([]);
    expect(closed.clock.pending()).toBe(0);
    await closed.alerter.close();
  });

  it('rejects a bad failingForMs with the field, the value and what is accepted', () => {
    for (const bad of [-1, Number.NaN, '5m']) {
      expect(() => createHealth({ checks: {}, failingForMs: bad as never, logger: silent })).toThrow(
        expect.objectContaining({ code: 'ERR_SLAKIT_INVALID_OPTION', field: 'failingForMs' }),
      );
    }
  });
});
