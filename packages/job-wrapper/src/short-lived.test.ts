import { LABEL_CATALOGUE } from '@slakit/core';
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

  it("refuses a grouping label slakit's series carry, __ labels and job; instance is fine", () => {
    const url = 'http://pushgateway:9091';
    expect(() => pushgatewayPush({ url, grouping: { instance: 'cron', region: 'eu' } })).not.toThrow();
    for (const [label, why] of [
      ['queue', "it is one of slakit's own labels"],
      [LABEL_CATALOGUE.job.prometheus, "it is one of slakit's own labels"],
      ['outcome', "it is one of slakit's own labels"],
      ['__name__', 'labels starting with __ are reserved'],
      ['le', 'it is the bucket bound'],
      ['job', 'it is the grouping key the job option sets'],
    ] as const) {
      expect(() => pushgatewayPush({ url, grouping: { [label]: 'x' } }), label).toThrowError(
        expect.objectContaining({
          code: 'ERR_SLAKIT_INVALID_OPTION',
          field: `grouping.${label}`,
          message: expect.stringContaining(`grouping.${label} must not use label "${label}": ${why}`),
        }),
      );
    }
  });

  it('rejects a bad Pushgateway URL', () => {
    expect(() => pushgatewayPush({ url: 'pushgateway:9091' })).toThrowError(
      expect.objectContaining({ code: 'ERR_SLAKIT_INVALID_OPTION', field: 'url' }),
    );
  });
});
