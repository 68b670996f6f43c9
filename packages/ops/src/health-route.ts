import { send } from './respond.js';
import type { OpsRoute } from './route.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** `GET /ops/health`: health status, alerts in the last hour, criticals and remediations in the last 24 h, jobs. */
export const healthRoute: OpsRoute = {
  template: '/health',
  admin: false,
  query: [],
  async serve(ctx, res) {
    const { alerter, health, jobs } = ctx;
    const now = Date.now();
    const entries = alerter?.history({ limit: 10_000, since: new Date(now - DAY_MS) }) ?? [];
    const notes = entries.filter((e) => e.kind === 'notification' && e.status === 'firing');
    const remediations = entries.filter((e) => e.kind === 'remediation');
    const healthStatus = health?.evaluate('health').body.status ?? null;
    send(res, 200, {
      status: healthStatus ?? 'unknown',
      alerts: {
        active: alerter?.active().length ?? 0,
        lastHour: notes.filter((e) => e.at.getTime() >= now - HOUR_MS).length,
        criticalLast24h: notes.filter((e) => e.kind === 'notification' && e.severity === 'critical').length,
      },
      remediations: {
        last24h: remediations.length,
        succeeded: remediations.filter((e) => e.kind === 'remediation' && e.result === 'succeeded').length,
        failed: remediations.filter((e) => e.kind === 'remediation' && e.result === 'failed').length,
      },
      jobs: [...jobs.keys()].sort(),
    });
  },
};
