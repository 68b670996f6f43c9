import { createTestTelemetry } from '@slakit/core/testing';
import { describe, expect, it } from 'vitest';
import { memoryLedger } from './memory-ledger.js';
import { pushgatewayPush, runOnce } from './short-lived.js';
import { withSla } from './with-sla.js';

describe('runOnce', () => {
  it('warns when a short-lived job runs more often than every 15 minutes, pushes once, rethrows job errors', async () => {
    const kit = createTestTelemetry();
    const ledger = memoryLedger();
    let fail = false;
    const job = withSla(
      'often',
      async () => {
        if (fail) throw new TypeError('boom');
      },
      { budgetSeconds: 60, ledger, telemetry: kit.telemetry, env: {} },
    );
    const pushed: string[] = [];
    const push = async (_t: unknown, r: { outcome: string }) => void pushed.push(r.outcome);
    await runOnce(job, { telemetry: kit.telemetry, ledger, push });
    expect(kit.logs.find('more often than every 15 minutes')).toHaveLength(0);
    await runOnce(job, { telemetry: kit.telemetry, ledger, push });
    expect(kit.logs.find('more often than every 15 minutes')).toHaveLength(1);
    fail = true;
    await expect(runOnce(job, { telemetry: kit.telemetry, push })).rejects.toThrow('boom');
    expect(pushed).toEqual(['succeeded', 'succeeded', 'failed']);
    await kit.close();
  });

  it('rejects a bad Pushgateway URL', () => {
    expect(() => pushgatewayPush({ url: 'pushgateway:9091' })).toThrowError(
      expect.objectContaining({ code: 'ERR_SLAKIT_INVALID_OPTION', field: 'url' }),
    );
  });
});
