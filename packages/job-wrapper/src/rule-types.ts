import type { Alerter } from '@slakit/core';
import type { Logger } from 'pino';
import type { RunbookUrlOption } from './runbook.js';
import type { RuleOptions } from './types.js';

/** The two calls the job rules make on an alerter. */
export type AlertTarget = Pick<Alerter, 'fire' | 'resolve'>;

/** What the rules of one job need, resolved once by `withSla()`. */
export interface JobRules {
  job: string;
  /** Without one, budget alerts are only logged and the ledger rules are off. */
  alerter: AlertTarget | undefined;
  logger: Logger;
  budgetSeconds: number;
  warningPercent: number;
  criticalPercent: number;
  runbookUrl: RunbookUrlOption;
  recommendedAction: string;
  /** Thresholds of the ledger rules; undefined when they are off (no ledger, no alerter, or `rules: false`). */
  ledgerRules: Required<RuleOptions> | undefined;
  /** `JobRetriesExhausted` and `JobStartLate` (they need no ledger); false with `rules: false`. */
  runRules: boolean;
  /** Allowed attempts of a run (`retry.attempts`, 1 without retries). */
  maxAttempts: number;
  /** Start delay above which a run with a slot is late, in seconds. */
  lateStartSeconds: number;
  /** A successful run shorter than this is too fast (`JobRunTooFast`); undefined: off. */
  minDurationSeconds: number | undefined;
  /** A run starting sooner than this after the previous runs too often (`JobRunTooOften`); undefined: off. */
  minIntervalSeconds: number | undefined;
}
