// Issue #26 item 7 in the ops API: job error messages in ops responses (moved from @slakit/express-middleware).
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { closeServers } from '../../../test-support/hostile-http.js';
import { type OpsLedger, opsRouter } from './index.js';

const servers: Server[] = [];
afterEach(async () => {
  await closeServers(servers);
});

async function listen(app: express.Express): Promise<string> {
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('opsRouter: job error messages', () => {
  it('serves the issue #26 item 7 message scrubbed (a ledger row written before the fix, or by another writer)', async () => {
    const message =
      'GET https://www.googleapis.com/oauth2/v3/userinfo?access_token=ya29.LIVE-TOKEN failed (sk_live_ABC123) ' +
      'client_secret=CS-987 refresh_token: RT-1 {"password":"p4ss"} PGPASSWORD=pw1 ' +
      'https://hooks.slack.com/services/T1/B2/SLACKHOOK https://api.telegram.org/bot123:TGTOKEN/send';
    const ledger: OpsLedger = {
      async recent(job) {
        return [
          {
            runId: 'r1',
            job,
            slot: undefined,
            fence: undefined,
            owner: undefined,
            outcome: 'failed',
            startedAt: new Date(0),
            finishedAt: new Date(1000),
            durationSeconds: 1,
            budgetSeconds: 10,
            processed: 0,
            errorCode: 'ERR',
            errorMessage: message,
            dryRun: false,
          },
        ];
      },
      async stats() {
        return { count: 1, successRate: 0 };
      },
      async lastSuccess() {
        return undefined;
      },
    };
    const job = Object.assign(async () => undefined, { jobName: 'sync', budgetSeconds: 10 });
    const app = express();
    app.use(opsRouter({ ledger, jobs: [job] }) as never);
    const url = await listen(app);
    const res = await fetch(`${url}/ops/jobs/sync`);
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain('errorMessage');
    for (const s of ['LIVE-TOKEN', 'ABC123', 'CS-987', 'RT-1', 'p4ss', 'pw1', 'SLACKHOOK', 'TGTOKEN'])
      expect(body).not.toContain(s);
  });
});
