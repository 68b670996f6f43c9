// Issue #26 item 7 in job runs: the error message of a failed run leaves the process through the run ledger, the
// log line, the span's exception event and alert annotations — none may carry the secrets it held.
import { type AlertNotification, type AlertSink, createAlerter } from '@slakit/core';
import { createTestTelemetry, type TestTelemetry } from '@slakit/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryLeases } from './memory-leases.js';
import { memoryLedger } from './memory-ledger.js';
import { withSla } from './with-sla.js';

const kits: TestTelemetry[] = [];
afterEach(async () => {
  await Promise.all(kits.splice(0).map((k) => k.close()));
});

const MESSAGE =
  'GET https://www.googleapis.com/oauth2/v3/userinfo?access_token=ya29.LIVE-TOKEN failed (sk_live_ABC123) ' +
  'client_secret=CS-987 refresh_token: RT-1 {"password":"p4ss"} PGPASSWORD=pw1 via postgres://app:DSN-PW@db/app';
const SECRETS = ['LIVE-TOKEN', 'ABC123', 'CS-987', 'RT-1', 'p4ss', 'pw1', 'DSN-PW'];

describe('withSla(): a failed run with secrets in its error', () => {
  it('records, logs, traces and alerts the message scrubbed', async () => {
    const kit = createTestTelemetry({ serviceName: 'sync-api' });
    kits.push(kit);
    const notifications: AlertNotification[] = [];
    const sink: AlertSink = { name: 'chat', kind: 'chat', send: async (n) => void notifications.push(n) };
    const alerter = createAlerter({ sinks: [sink], telemetry: kit.telemetry, clock: kit.clock, env: {} });
    const ledger = memoryLedger();
    const job = withSla(
      'sync_users',
      async () => {
        throw Object.assign(new Error(MESSAGE), { code: 'EAUTH' });
      },
      {
        budgetSeconds: 60,
        telemetry: kit.telemetry,
        alerter,
        clock: kit.clock,
        leases: memoryLeases({ clock: kit.clock }),
        ledger,
        env: {},
      },
    );
    for (let i = 0; i < 3; i++) await expect(job()).rejects.toThrow();
    await alerter.close();
    const rows = await ledger.recent('sync_users', 10);
    expect(rows).toHaveLength(3);
    const outputs = {
      ledger: JSON.stringify(rows, (_k, v) => (typeof v === 'bigint' ? String(v) : v)),
      logs: kit.logs.raw(),
      spans: JSON.stringify(kit.spans.finished().map((s) => s.events)),
      alerts: JSON.stringify(notifications),
    };
    expect(outputs.spans).toContain('exception');
    expect(outputs.ledger).toContain('client_secret=[redacted]');
    for (const [where, text] of Object.entries(outputs)) {
      for (const s of SECRETS) expect(`${where}: ${text}`).not.toContain(s);
    }
  });
});
