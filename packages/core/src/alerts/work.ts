/** Promises in flight (deliveries, store claims, remediations), so `idle()` and `close()` can wait for them. */
export interface WorkTracker {
  /** Adds `promise` until it settles; returns it. */
  track<T>(promise: Promise<T>): Promise<T>;
  /** Resolves when nothing tracked is in flight, including work started while waiting. Never rejects. */
  drain(): Promise<void>;
}

export function createWorkTracker(): WorkTracker {
  const pending = new Set<Promise<unknown>>();
  return {
    track(promise) {
      pending.add(promise);
      promise.finally(() => pending.delete(promise)).catch(() => {});
      return promise;
    },
    async drain() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}
