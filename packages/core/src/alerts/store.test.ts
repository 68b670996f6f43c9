import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureRedis } from '../../../../test-support/services.js';
import { createAlerter } from './alerter.js';
import type { AlertNotification } from './model.js';
import { memoryAlertStore, redisAlertStore } from './store.js';

const prefix = `slakit:test:${process.pid}:${Date.now()}:`;
let io: Redis;
let node: ReturnType<typeof createClient>;

beforeAll(async () => {
  await ensureRedis();
  io = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true, maxRetriesPerRequest: 1 });
  await io.connect();
  node = createClient({ url: 'redis://127.0.0.1:6379' });
  await node.connect();
});
afterAll(async () => {
  const keys = await io.keys(`${prefix}*`);
  if (keys.length > 0) await io.del(...keys);
  io.disconnect();
  await node.quit();
});

describe('redisAlertStore (real Redis)', () => {
  it('lets exactly one claimant win per key and window, through ioredis and node-redis alike', async () => {
    const a = redisAlertStore(io, { prefix });
    const b = redisAlertStore(node, { prefix });
    const results = await Promise.all([
      a.claim('k1', 60_000),
      b.claim('k1', 60_000),
      a.claim('k1', 60_000),
      b.claim('k1', 60_000),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await io.pttl(`${prefix}k1`)).toBeGreaterThan(50_000);
    expect(await b.claim('k2', 100)).toBe(true);
    await new Promise((r) => setTimeout(r, 250));
    expect(await a.claim('k2', 100)).toBe(true);
  });

  it('two alerters (two replicas) sharing Redis send one notification per window', async () => {
    const sent: AlertNotification[] = [];
    const sink = { name: 'chat', kind: 'chat' as const, send: async (n: AlertNotification) => void sent.push(n) };
    const replica = (client: Redis | ReturnType<typeof createClient>) =>
      createAlerter({
        sinks: [sink],
        store: redisAlertStore(client, { prefix }),
        dedupWindowSeconds: 1,
        env: {},
        service: 'quiz-api',
      });
    const [r1, r2] = [replica(io), replica(node)];
    const alert = { labels: { alertname: 'QueueDepthWarning', severity: 'warning' as const, queue: `mrq_${Date.now()}` } };

    r1.fire(alert);
    r2.fire(alert);
    await Promise.all([r1.idle(), r2.idle()]);
    expect(sent.map((n) => `${n.status}/${n.reason}`)).toEqual(['firing/new']);

    // inside the window: repeats are suppressed locally
    expect(r1.fire(alert).action).toBe('suppressed');
    await new Promise((r) => setTimeout(r, 1200));
    // next window: both replicas repeat, one notification goes out
    r1.fire(alert);
    r2.fire(alert);
    await Promise.all([r1.idle(), r2.idle()]);
    expect(sent.map((n) => n.reason)).toEqual(['new', 'repeat']);

    r1.resolve({ alertname: 'QueueDepthWarning' });
    r2.resolve({ alertname: 'QueueDepthWarning' });
    await Promise.all([r1.idle(), r2.idle()]);
    expect(sent.map((n) => n.status)).toEqual(['firing', 'firing', 'resolved']);
    const suppressed = [...r1.history(), ...r2.history()].filter((e) => e.kind === 'notification' && e.suppressedBy === 'store');
    expect(suppressed).toHaveLength(3);
    await Promise.all([r1.close(), r2.close()]);
  });

  it('fails open when Redis cannot answer: the notification is still sent', async () => {
    const sent: AlertNotification[] = [];
    const broken = { call: () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })) };
    const alerter = createAlerter({
      sinks: [{ name: 'chat', kind: 'chat', send: async (n) => void sent.push(n) }],
      store: redisAlertStore(broken),
      env: {},
    });
    alerter.fire({ labels: { alertname: 'X', severity: 'critical' } });
    await alerter.idle();
    expect(sent).toHaveLength(1);
    await alerter.close();
  });

  it('rejects a client that is neither ioredis nor node-redis', () => {
    expect(() => redisAlertStore({} as never)).toThrowError(
      expect.objectContaining({ code: 'ERR_SLAKIT_INVALID_OPTION', field: 'client' }),
    );
  });
});

describe('memoryAlertStore', () => {
  it('expires claims after their window and stays bounded', async () => {
    let now = 0;
    const store = memoryAlertStore({ maxKeys: 2, now: () => now });
    expect(await store.claim('a', 100)).toBe(true);
    expect(await store.claim('a', 100)).toBe(false);
    now = 100;
    expect(await store.claim('a', 100)).toBe(true);
    expect(await store.claim('b', 100)).toBe(true);
    expect(await store.claim('c', 100)).toBe(true); // evicts the oldest key instead of growing
    expect(await store.claim('a', 100)).toBe(true);
  });
});
