import { type HistoryEntry, type RunRecord, sanitizeMessage } from '@slakit/core';

/** A time as ISO 8601, or null. */
export const iso = (d: Date | undefined) => (d ? d.toISOString() : null);

/** The JSON of one run: error messages sanitised, utilization computed. */
export function runView(r: RunRecord) {
  return {
    runId: r.runId,
    outcome: r.outcome,
    startedAt: iso(r.startedAt),
    finishedAt: iso(r.finishedAt),
    durationSeconds: r.durationSeconds,
    budgetSeconds: r.budgetSeconds,
    utilization: r.budgetSeconds > 0 ? Math.round((r.durationSeconds / r.budgetSeconds) * 1000) / 1000 : null,
    processed: r.processed,
    errorCode: r.errorCode ?? null,
    errorMessage: typeof r.errorMessage === 'string' && r.errorMessage ? sanitizeMessage(r.errorMessage) : null,
    dryRun: r.dryRun ?? false,
  };
}

/** The JSON of one alert history entry (notification or remediation): every free text sanitised. */
export function alertView(e: HistoryEntry) {
  if (e.kind === 'remediation')
    return {
      kind: e.kind,
      id: e.id,
      at: iso(e.at),
      action: e.action,
      alertname: e.alertname,
      trigger: e.trigger,
      attempts: e.attempts,
      result: e.result,
      error: typeof e.error === 'string' && e.error ? sanitizeMessage(e.error) : null,
    };
  return {
    kind: e.kind,
    id: e.id,
    at: iso(e.at),
    alertname: e.alertname,
    severity: e.severity,
    status: e.status,
    reason: e.reason,
    fingerprint: e.fingerprint,
    labels: Object.fromEntries(Object.entries(e.labels).map(([k, v]) => [k, sanitizeMessage(v)])),
    summary: typeof e.summary === 'string' ? sanitizeMessage(e.summary) : null,
    sinks: e.sinks,
  };
}
