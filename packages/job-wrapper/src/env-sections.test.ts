import { describe, expect, it } from 'vitest';
import { watchQueue } from './queue.js';
import { withSla } from './with-sla.js';

const silent = { info() {}, warn() {}, error() {}, debug() {}, child: () => silent } as never;
const probe = async () =>
  ({ depth: 0, averageAgeSeconds: 0, oldestAgeSeconds: 0, overSla: 0, requiringEscalation: 0, resolvedLast24h: 0 }) as never;

describe('env read per section', () => {
  it('watchQueue() rejects a bad MRQ_DEPTH_WARNING; withSla() does not read it', () => {
    const env = { MRQ_DEPTH_WARNING: 'many' };
    expect(() => watchQueue('q', { probe, env, logger: silent })).toThrowError(
      expect.objectContaining({ code: 'ERR_SLAKIT_INVALID_ENV', field: 'MRQ_DEPTH_WARNING' }),
    );
    expect(() => withSla('job', async () => {}, { budgetSeconds: 1, env, rules: false, logger: silent })).not.toThrow();
  });

  it('withSla() rejects a bad SLA_* variable; watchQueue() does not read it', () => {
    const env = { SLA_WARNING_THRESHOLD_PERCENT: 'abc' };
    expect(() => withSla('job', async () => {}, { budgetSeconds: 1, env, rules: false, logger: silent })).toThrowError(
      expect.objectContaining({ code: 'ERR_SLAKIT_INVALID_ENV', field: 'SLA_WARNING_THRESHOLD_PERCENT' }),
    );
    const monitor = watchQueue('q', { probe, env, logger: silent });
    monitor.stop();
  });
});
