import { invalidOption, validateOptions } from '@slakit/core';
import { median, NOT_EXECUTED, percentile, type RunLedger } from './ledger.js';
import { memoryLedgerOptionsSchema } from './options-schema.js';
import type { AttemptRecord, RunRecord } from './types.js';

const newestFirst = (a: RunRecord, b: RunRecord) => b.startedAt.getTime() - a.startedAt.getTime();

/** In-memory ledger (the default): the last `maxRuns` (10000) runs of this process. */
export function memoryLedger(options: { maxRuns?: number; now?: () => number } = {}): RunLedger {
  validateOptions(memoryLedgerOptionsSchema, options);
  const maxRuns = options.maxRuns ?? 10_000;
  if (!Number.isInteger(maxRuns) || maxRuns < 1) throw invalidOption('maxRuns', maxRuns, 'an integer ≥ 1');
  const now = options.now ?? Date.now;
  const runs: RunRecord[] = [];
  const byId = new Map<string, RunRecord>();
  const slots = new Set<string>();
  const attemptsOf = new Map<string, AttemptRecord[]>();
  const push = (r: RunRecord) => {
    runs.push(r);
    byId.set(r.runId, r);
    if (runs.length > maxRuns) {
      const old = runs.shift() as RunRecord;
      byId.delete(old.runId);
      attemptsOf.delete(old.runId);
    }
  };
  const executed = (job: string) => runs.filter((r) => r.job === job && !NOT_EXECUTED.has(r.outcome));
  const finishedIn = (job: string, since: number, until?: number) =>
    executed(job).filter((r) => {
      const t = r.finishedAt?.getTime() ?? 0;
      return t >= since && (until === undefined || t < until);
    });
  const rateOf = (window: RunRecord[]) =>
    window.length ? window.filter((r) => r.outcome === 'succeeded').length / window.length : undefined;
  return {
    async claim(run) {
      if (run.slot) {
        const key = `${run.job}\u0000${run.slot.getTime()}`;
        if (slots.has(key)) return false;
        slots.add(key);
        if (slots.size > maxRuns) slots.delete(slots.values().next().value as string);
      }
      push({ ...run, outcome: 'running' });
      return true;
    },
    async record(run) {
      const existing = byId.get(run.runId);
      if (existing) Object.assign(existing, run);
      else push({ ...run });
    },
    async successRate(job, windowSeconds) {
      const window = finishedIn(job, now() - windowSeconds * 1000);
      return { rate: rateOf(window), runs: window.length };
    },
    async consecutiveFailures(job) {
      let n = 0;
      for (const r of executed(job).sort(newestFirst)) {
        if (r.outcome === 'succeeded') break;
        n++;
      }
      return n;
    },
    async baselineThroughput(job, { runs: count = 10, excludeRunId } = {}) {
      const ok = executed(job)
        .filter((r) => r.outcome === 'succeeded' && r.processed > 0 && r.durationSeconds > 0 && r.runId !== excludeRunId)
        .sort(newestFirst)
        .slice(0, count);
      return { perHour: median(ok.map((r) => r.processed / (r.durationSeconds / 3600))), runs: ok.length };
    },
    async lastSuccess(job) {
      const ok = executed(job).filter((r) => r.outcome === 'succeeded');
      const last = ok.reduce<RunRecord | undefined>(
        (a, r) => (!a || (r.finishedAt?.getTime() ?? 0) > (a.finishedAt?.getTime() ?? 0) ? r : a),
        undefined,
      );
      return last?.finishedAt;
    },
    async recent(job, limit = 20) {
      return runs
        .filter((r) => r.job === job)
        .sort(newestFirst)
        .slice(0, limit)
        .map((r) => ({ ...r }));
    },
    async recordAttempt(attempt) {
      // Attempts of a run this ledger no longer (or never) holds are kept only while the run is: bounded by maxRuns.
      if (!byId.has(attempt.runId)) return;
      const list = attemptsOf.get(attempt.runId) ?? [];
      const at = list.findIndex((a) => a.attempt === attempt.attempt);
      if (at >= 0) list[at] = { ...attempt };
      else list.push({ ...attempt });
      attemptsOf.set(attempt.runId, list);
    },
    async attempts(runId) {
      return [...(attemptsOf.get(runId) ?? [])].sort((a, b) => a.attempt - b.attempt).map((a) => ({ ...a }));
    },
    async retryRate(job, windowSeconds) {
      const window = finishedIn(job, now() - windowSeconds * 1000);
      const retries = window.reduce((n, r) => n + Math.max(0, (r.attempts ?? 1) - 1), 0);
      return { rate: window.length ? retries / window.length : undefined, runs: window.length };
    },
    async stats(job, windowSeconds, options = {}) {
      const until = options.until?.getTime();
      const window = finishedIn(job, (until ?? now()) - windowSeconds * 1000, until);
      const d = window.map((r) => r.durationSeconds).sort((a, b) => a - b);
      return {
        count: window.length,
        p50: percentile(d, 50),
        p95: percentile(d, 95),
        p99: percentile(d, 99),
        successRate: rateOf(window),
      };
    },
  };
}
