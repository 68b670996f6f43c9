import { ALERT_CATALOGUE, type HistoryEntry, SEVERITIES, type Severity } from '@slakit/core';
import { QueryError } from './errors.js';
import { intParam, timeParam } from './query.js';
import { send } from './respond.js';
import type { OpsRoute } from './route.js';
import { alertView } from './views.js';

/** `GET /ops/alerts?severity&limit&since&kind`: notification and remediation history, newest first. */
export const alertsRoute: OpsRoute = {
  template: '/alerts',
  admin: false,
  query: ['severity', 'limit', 'since', 'kind'],
  async serve(ctx, res, q) {
    const severity = q.get('severity');
    if (severity !== null && !(SEVERITIES as readonly string[]).includes(severity))
      throw new QueryError(
        'severity',
        `severity must be one of ${SEVERITIES.join(', ')}, got ${JSON.stringify(severity.slice(0, 40))}`,
      );
    const kind = q.get('kind');
    if (kind !== null && kind !== 'notification' && kind !== 'remediation')
      throw new QueryError('kind', `kind must be notification or remediation, got ${JSON.stringify(kind.slice(0, 40))}`);
    const limit = intParam(q, 'limit', 50, 1, 1000);
    const since = q.has('since') ? timeParam(q, 'since', new Date(0)) : undefined;
    const entries =
      ctx.alerter?.history({
        limit,
        ...(severity ? { severity: severity as Severity } : {}),
        ...(since ? { since } : {}),
        ...(kind ? { kind: kind as HistoryEntry['kind'] } : {}),
      }) ?? [];
    send(res, 200, { count: entries.length, alerts: entries.map(alertView) });
  },
};

/**
 * `POST /ops/remediate?alert=Name` (admin): runs the registered remediation → 200, 502 when it failed, 404 when there
 * is none. Single-flight per alert in the alerter: concurrent requests share one run and its record.
 */
export const remediateRoute: OpsRoute = {
  template: '/remediate',
  admin: true,
  query: ['alert'],
  async serve(ctx, res, q) {
    const alert = q.get('alert');
    if (!alert || !/^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(alert))
      throw new QueryError(
        'alert',
        `alert must be an alert name such as ${ALERT_CATALOGUE.JobSlaBreachCritical.name}, got ${JSON.stringify((alert ?? '').slice(0, 40))}`,
      );
    if (!ctx.alerter) return send(res, 404, { error: 'not_found', message: 'no alerter configured' });
    const record = await ctx.alerter.remediate(alert);
    if (record.error === 'NO_ACTION')
      return send(res, 404, { error: 'not_found', message: `no remediation registered for ${alert}` });
    send(res, record.result === 'succeeded' ? 200 : 502, alertView(record));
  },
};
