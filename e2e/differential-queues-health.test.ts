// Issue #19, differential test of the queue and health alerts: one synthetic history (two replicas, restarts, a
// queue filling past its warning and critical depth, items aging past the warning and escalation ages, the
// resolution rate dropping and recovering, a flapping health check) drives the real runtimes (watchQueue,
// createHealth) on a fake clock and, as default-scraped series, the generated rules in `promtool test rules`. The
// firing sets must match at every step (see e2e/differential.ts for the tolerance).
import { generateRules } from '@slakit/cli';
import { ALERT_CATALOGUE as A, defineConfig, durationSeconds, healthAlerting, queueThresholds } from '@slakit/core';
import { createFakeClock } from '@slakit/core/testing';
import { createHealth } from '@slakit/health';
import { type QueueSnapshot, type QueueThresholds, watchQueue } from '@slakit/job-wrapper';
import { describe, expect, it } from 'vitest';
import { createDifferential, type Differential, seriesValues } from './differential.js';

const POLL_MS = 120_000;
const config = defineConfig({
  service: 'shop',
  prometheus: { evaluationInterval: '1m' },
  queues: { review: { resolutionBaselineHours: 2, resolutionMinHistoryHours: 1 } },
  health: { criticalChecks: ['db'], failingFor: '5m' },
});

const QUEUE = { labels: ['queue'] } as const;
const ALERTS = {
  QueueDepthWarning: QUEUE,
  QueueDepthCritical: QUEUE,
  QueueAgeWarning: QUEUE,
  QueueEscalationRequired: QUEUE,
  // The baseline averages probes at run time and scrapes in Prometheus (its documented parity): one poll more.
  QueueResolutionRateLow: { ...QUEUE, extraToleranceMs: POLL_MS },
  HealthCheckFailing: {
    labels: ['check'],
    perInstance: true,
    forMs: durationSeconds(A.HealthCheckFailing.rule.for) * 1000,
  },
};

const H = 3600;
/** The shared queue every replica probes, changed by the history. */
function queueWorld() {
  const s: QueueSnapshot = {
    depth: 10,
    averageAgeSeconds: H,
    oldestAgeSeconds: 2 * H,
    overSla: 0,
    requiringEscalation: 0,
    resolvedPerDay: 100,
    oldestIds: [],
  };
  /** The history, minute by minute. */
  const at = (m: number) => {
    if (m === 10) s.depth = 150; // > warning (100)
    if (m === 20) s.depth = 600; // > critical (500): the warning resolves, the critical fires
    if (m === 30) s.depth = 300; // back to warning
    if (m === 40) s.depth = 50;
    if (m === 45) s.averageAgeSeconds = 50 * H; // > 48 h
    if (m === 55) s.depth = 0; // empty: the age alerts need waiting items (the probe still reports an age)
    if (m === 60) Object.assign(s, { depth: 20, averageAgeSeconds: 10 * H, oldestAgeSeconds: 170 * H, requiringEscalation: 1 });
    if (m === 75) Object.assign(s, { oldestAgeSeconds: 100 * H, requiringEscalation: 0, oldestIds: [] });
    if (m === 90) s.resolvedPerDay = 30; // < 50 % of the 2-hour average
    if (m === 110) s.resolvedPerDay = 100;
    if (m === 140) s.depth = 150; // the replicas now poll out of phase (b restarted at an odd minute)
    if (m === 150) s.depth = 10;
    if (m === 180) s.resolvedPerDay = 20; // b (restarted at 115) has an hour of history again; a (restarted at 166) not
    if (m === 190) s.resolvedPerDay = 90;
    if (m === 60) s.oldestIds = ['r-1'];
  };
  return { snapshot: s, at };
}

interface Overrides {
  queue?: Partial<QueueThresholds>;
  failingForMs?: number;
}

/** The whole history against replicas a and b; the runtime reads the config, optionally overridden on one side. */
async function history(overrides: Overrides = {}, toleranceIncludesFor = false): Promise<Differential> {
  const clock = createFakeClock(Date.UTC(2026, 0, 1));
  const h = createDifferential({ clock, scrapeJob: 'shop', alerts: ALERTS, toleranceIncludesFor });
  const world = queueWorld();
  const db: Record<string, 'pass' | 'fail'> = { a: 'pass', b: 'pass' };
  const replica = (name: string) =>
    h.start(name, ({ telemetry, alerter }) => {
      const queue = watchQueue('review', {
        probe: async () => ({ ...world.snapshot }),
        thresholds: { ...queueThresholds(config, 'review'), ...overrides.queue },
        intervalMs: POLL_MS,
        telemetry,
        alerter,
        clock,
        env: {},
      });
      const health = createHealth({
        checks: {
          db: { run: () => ({ status: db[name] ?? 'pass' }), ttlMs: 20_000 },
          // degraded: never pages at run time; the rule leaves it out (health.criticalChecks)
          blob: { run: () => ({ status: 'fail' }), ttlMs: 20_000, severity: 'degraded' },
        },
        telemetry,
        alerter,
        clock,
        logger: telemetry.logger,
        ...healthAlerting(config),
        ...(overrides.failingForMs === undefined ? {} : { failingForMs: overrides.failingForMs }),
      });
      return () => {
        queue.stop();
        health.close();
      };
    });
  await replica('a');
  await replica('b');
  await h.run(200, async (m) => {
    world.at(m);
    if (m === 20) db.a = 'fail'; // fails 2 min: no alert on either side
    if (m === 22) db.a = 'pass';
    if (m === 30) db.a = 'fail'; // fails 10 min > failingFor (5 min): fires, then resolves
    if (m === 40) db.a = 'pass';
    if (m === 100) await h.stop('b'); // b is down 15 min, then a new process (new gauges, alerter, history)
    if (m === 115) await replica('b');
    if (m === 125) db.b = 'fail'; // fails across a's restart
    if (m === 130) await h.stop('a');
    if (m === 133) await replica('a');
    if (m === 145) db.b = 'pass';
    if (m === 160) db.a = 'fail';
    if (m === 163) await h.stop('a'); // a dies while its check fails: its alert goes with it on both sides
    if (m === 166) {
      db.a = 'pass';
      await replica('a');
    }
  });
  await h.close();
  return h;
}

describe('differential: queue and health alerts, runtime vs generated rules (promtool)', () => {
  it('fire and resolve at the same steps on both sides, for every queue alert and HealthCheckFailing', async () => {
    const h = await history();
    for (const alert of Object.keys(ALERTS))
      expect(h.firedAndResolved(alert), `${alert} fires and resolves at run time`).toBe(true);
    // Both replicas' health alerts and the out-of-phase polls show up in the record.
    const keys = new Set(h.firing().flatMap((s) => [...(s.get('HealthCheckFailing') ?? [])]));
    expect(keys).toEqual(
      new Set([
        '{alertname="HealthCheckFailing", check="db", instance="a"}',
        '{alertname="HealthCheckFailing", check="db", instance="b"}',
      ]),
    );
    const r = h.promtool(generateRules(config));
    expect(r.tests).toBeGreaterThan(1000);
    expect(r.out).toContain('SUCCESS');
    expect(r.code, r.out.slice(0, 4000)).toBe(0);
  }, 120_000);

  it('bites: a threshold changed on one side only makes promtool fail (runtime depth, rule escalation age)', async () => {
    const runtimeOnly = await history({ queue: { depthWarning: 200 } });
    const r = runtimeOnly.promtool(generateRules(config));
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('QueueDepthWarning');
    expect(r.out).not.toMatch(/QueueDepthCritical|QueueAgeWarning|QueueEscalation|QueueResolution|HealthCheckFailing/);

    const h = await history();
    const ruleOnly = defineConfig({ ...config, queues: { review: { ...config.queues.review, ageEscalationHours: 200 } } });
    const e = h.promtool(generateRules(ruleOnly));
    expect(e.code).not.toBe(0);
    expect(e.out).toContain('QueueEscalationRequired');
    expect(e.out).not.toMatch(/QueueDepth|QueueAgeWarning|QueueResolution|HealthCheckFailing/);
  }, 120_000);

  it('bites: a runtime that does not wait failingFor makes promtool fail — unless the tolerance swallows the for', async () => {
    const strict = await history({ failingForMs: 0 });
    const r = strict.promtool(generateRules(config));
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('HealthCheckFailing');
    // Why the default tolerance leaves `for` out: with it, the old first-failure runtime would pass.
    const loose = await history({ failingForMs: 0 }, true);
    expect(loose.promtool(generateRules(config)).code).toBe(0);
  }, 120_000);
});

describe("differential: QueueResolutionRateLow's documented parity", () => {
  it('a restarted process waits resolutionMinHistoryHours again, while Prometheus keeps the older samples', async () => {
    const clock = createFakeClock(Date.UTC(2026, 0, 1));
    const h = createDifferential({ clock, scrapeJob: 'shop', alerts: ALERTS });
    const world = queueWorld();
    const replica = () =>
      h.start('a', ({ telemetry, alerter }) => {
        const queue = watchQueue('review', {
          probe: async () => ({ ...world.snapshot }),
          thresholds: queueThresholds(config, 'review'),
          intervalMs: POLL_MS,
          telemetry,
          alerter,
          clock,
          env: {},
        });
        return () => queue.stop();
      });
    await replica();
    await h.run(100, async (m) => {
      if (m === 70) await h.stop('a');
      if (m === 72) await replica(); // a new process: its baseline starts empty
      if (m === 80) world.snapshot.resolvedPerDay = 20;
      if (m === 90) world.snapshot.resolvedPerDay = 100;
    });
    await h.close();
    expect(h.firing().some((s) => (s.get('QueueResolutionRateLow')?.size ?? 0) > 0)).toBe(false);
    const r = h.promtool(generateRules(config));
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('QueueResolutionRateLow');
    expect(r.out).not.toMatch(/QueueDepth|QueueAge|QueueEscalation|HealthCheckFailing/);
  }, 60_000);
});

describe('differential harness', () => {
  it('writes promtool notation: runs as vxN, gaps as _xN, one stale marker after a vanished sample', () => {
    expect(seriesValues([undefined, undefined, 3, 5, 5, undefined, undefined, 1000])).toBe('_x2 3 5x1 stale _x1 1000');
    expect(seriesValues([1, 1, 1])).toBe('1x2');
  });
});
