/**
 * The run record shared by the run ledger of `@slakit/job-wrapper` (which writes it) and the ops API of
 * `@slakit/ops` (which reads it): one definition, so the two cannot drift.
 */

/** How a run ended. */
export type RunOutcome = 'succeeded' | 'failed' | 'timed_out' | 'lease_lost' | 'skipped_locked' | 'skipped_overlap';

/** One run as stored in a ledger. */
export interface RunRecord {
  runId: string;
  job: string;
  /** Schedule slot (from `schedule()`); undefined for runs started by hand. */
  slot: Date | undefined;
  fence: bigint | undefined;
  owner: string | undefined;
  outcome: RunOutcome | 'running';
  startedAt: Date;
  finishedAt: Date | undefined;
  durationSeconds: number;
  budgetSeconds: number;
  processed: number;
  errorCode: string | undefined;
  /** Sanitised, at most 500 characters. */
  errorMessage: string | undefined;
  dryRun: boolean;
  /** Attempts the run took (`withSla({ retry })`); undefined or 1 for a run without retries. */
  attempts?: number;
}
