import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { CheckState } from './runner.js';
import type { HealthState } from './types.js';

/** The lifecycle of one health instance: starting → ready → draining → closing → stopped. */
export interface Lifecycle {
  readonly state: HealthState;
  /** True once `markReady()` was called: startup counts as passed whatever the startup checks say. */
  readonly manualReady: boolean;
  /** Moves to `next` (no-op when already there), logs the transition and emits `state`. */
  set(next: HealthState): void;
  /** Marks startup complete; moves a starting instance to ready. */
  markReady(): void;
  on(listener: (state: HealthState) => void): void;
  off(listener: (state: HealthState) => void): void;
}

/** A lifecycle in `starting` that logs its transitions to `logger`. */
export function createLifecycle(logger: Logger): Lifecycle {
  const events = new EventEmitter();
  let state: HealthState = 'starting';
  let manualReady = false;
  const lifecycle: Lifecycle = {
    get state() {
      return state;
    },
    get manualReady() {
      return manualReady;
    },
    set(next) {
      if (state === next) return;
      state = next;
      logger.info({ state: next }, `health: ${next}`);
      events.emit('state', next);
    },
    markReady() {
      manualReady = true;
      if (state === 'starting') lifecycle.set('ready');
    },
    on: (listener) => void events.on('state', listener),
    off: (listener) => void events.off('state', listener),
  };
  return lifecycle;
}

/** Whether startup is complete: `markReady()` was called, or every startup check has a result that is not `fail`. */
export function startupPassed(states: Iterable<CheckState>, manualReady: boolean): boolean {
  if (manualReady) return true;
  for (const s of states) {
    if (s.check.roles.includes('startup') && (s.result === undefined || s.result.status === 'fail')) return false;
  }
  return true;
}
