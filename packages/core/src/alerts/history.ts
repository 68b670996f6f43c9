import type { Severity } from '../env.js';
import type { NotificationReason } from './model.js';

/** One notification as recorded in the history (per-sink results fill in as deliveries settle). */
export interface NotificationRecord {
  kind: 'notification';
  id: number;
  at: Date;
  fingerprint: string;
  alertname: string;
  severity: Severity;
  status: 'firing' | 'resolved';
  reason: NotificationReason;
  labels: Readonly<Record<string, string>>;
  summary: string | undefined;
  /** Result per sink: `pending`, then `sent`, `failed` or `dropped`. */
  sinks: Record<string, 'pending' | 'sent' | 'failed' | 'dropped'>;
  /** Set when another replica had already sent it (shared store). */
  suppressedBy?: 'store';
}

/** One remediation run. */
export interface RemediationRecord {
  kind: 'remediation';
  id: number;
  at: Date;
  action: string;
  alertname: string;
  fingerprint: string | undefined;
  trigger: 'auto' | 'manual';
  attempts: number;
  result: 'running' | 'succeeded' | 'failed';
  /** Code of the last failure (`TIMEOUT`, an error code or class name, `NO_ACTION`), never a raw message. */
  error: string | undefined;
}

/** An entry of `alerter.history()`. */
export type HistoryEntry = NotificationRecord | RemediationRecord;

/** Filters of `alerter.history()`. */
export interface HistoryQuery {
  /** Entries returned at most; default 100. */
  limit?: number;
  /** Only notifications of this severity. */
  severity?: Severity;
  /** Only entries at or after this time. */
  since?: Date;
  /** Only notifications or only remediations. */
  kind?: HistoryEntry['kind'];
}

/** A bounded log of notifications and remediations, queried newest first. */
export interface History {
  /** Records a notification under the next id; returns the stored record (its `sinks` fill in later). */
  addNotification(entry: Omit<NotificationRecord, 'id'>): NotificationRecord;
  /** Records a remediation run under the next id; returns the stored record (updated as the run goes). */
  addRemediation(entry: Omit<RemediationRecord, 'id'>): RemediationRecord;
  /** Newest-first entries matching `query`. */
  query(query?: HistoryQuery): HistoryEntry[];
}

/** Creates a history keeping the newest `limit` entries. */
export function createHistory(limit: number): History {
  const entries: HistoryEntry[] = [];
  let nextId = 1;
  const push = <T extends HistoryEntry>(entry: T): T => {
    entries.push(entry);
    if (entries.length > limit) entries.splice(0, entries.length - limit);
    return entry;
  };
  return {
    addNotification(entry: Omit<NotificationRecord, 'id'>): NotificationRecord {
      return push({ ...entry, id: nextId++ });
    },
    addRemediation(entry: Omit<RemediationRecord, 'id'>): RemediationRecord {
      return push({ ...entry, id: nextId++ });
    },
    query(query: HistoryQuery = {}): HistoryEntry[] {
      const out: HistoryEntry[] = [];
      const max = query.limit ?? 100;
      for (let i = entries.length - 1; i >= 0 && out.length < max; i--) {
        const e = entries[i] as HistoryEntry;
        if (query.kind && e.kind !== query.kind) continue;
        if (query.severity && (e.kind !== 'notification' || e.severity !== query.severity)) continue;
        if (query.since && e.at < query.since) continue;
        out.push(e);
      }
      return out;
    },
  };
}
