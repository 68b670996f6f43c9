import { createFakeClock } from '@slakit/core/testing';
import { describe, expect, it } from 'vitest';
import { createLease, driftMs } from './lease.js';
import { memoryLeases } from './memory-leases.js';

const owner = { id: 'a', host: 'h', pid: 1 };

describe('memoryLeases', () => {
  it('excludes, increments the fence per acquisition, expires, and lists states', async () => {
    const clock = createFakeClock(0);
    const store = memoryLeases({ clock });
    const a = await store.acquire('k', { ttlMs: 1000, owner });
    expect(a?.fence).toBe(1n);
    expect(a?.expiresAt).toBe(1000 - driftMs(1000));
    expect(await store.acquire('k', { ttlMs: 1000, owner })).toBeNull();
    expect((await store.listLeases())[0]).toMatchObject({ key: 'k', state: 'held', fence: 1n, owner });
    await clock.advance(1001);
    expect(a?.signal.aborted).toBe(true); // the holder knows: its validity deadline passed
    expect((await store.listLeases())[0]?.state).toBe('expired');
    const b = await store.acquire('k', { ttlMs: 1000, owner: { ...owner, id: 'b' } });
    expect(b?.fence).toBe(2n);
    expect(await a?.extend()).toBe(false);
    expect(await a?.release()).toBe(false); // compare-and-release: never frees b's lease
    expect(await store.acquire('k', { ttlMs: 1000, owner })).toBeNull();
    expect(await b?.release()).toBe(true);
    expect((await store.listLeases())[0]?.state).toBe('released');
    expect((await store.acquire('k', { ttlMs: 1000, owner }))?.fence).toBe(3n);
  });

  it('extends the validity deadline from the time before the renewal request', async () => {
    const clock = createFakeClock(0);
    const store = memoryLeases({ clock });
    const lease = await store.acquire('k', { ttlMs: 3000, owner });
    await clock.advance(1000);
    expect(await lease?.extend()).toBe(true);
    expect(lease?.expiresAt).toBe(1000 + 3000 - driftMs(3000));
    await clock.advance(2900);
    expect(lease?.signal.aborted).toBe(false);
    await clock.advance(200);
    expect(lease?.signal.aborted).toBe(true);
  });

  it('a store error on renewal keeps the old deadline; a refusal aborts at once', async () => {
    const clock = createFakeClock(0);
    let mode: 'error' | 'refuse' = 'error';
    const lease = createLease(
      'k',
      1n,
      1000,
      0,
      { extend: async () => (mode === 'error' ? Promise.reject(new Error('down')) : false), release: async () => true },
      clock,
    );
    expect(await lease.extend()).toBe(false);
    expect(lease.signal.aborted).toBe(false);
    mode = 'refuse';
    expect(await lease.extend()).toBe(false);
    expect(lease.signal.aborted).toBe(true);
    expect((lease.signal.reason as { code: string }).code).toBe('REFUSED');
  });

  it('stays bounded', async () => {
    const clock = createFakeClock(0);
    const store = memoryLeases({ clock, maxKeys: 3 });
    for (let i = 0; i < 10; i++) await (await store.acquire(`k${i}`, { ttlMs: 1000, owner }))?.release();
    expect((await store.listLeases()).length).toBeLessThanOrEqual(3);
  });
});
