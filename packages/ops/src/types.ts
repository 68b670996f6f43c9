import type { IncomingMessage } from 'node:http';
import type { Alerter, RunRecord, SlakitConfig } from '@slakit/core';
import type { Logger } from 'pino';
import type { SloTracker } from './slo-tracker.js';

/**
 * The run record the ops API returns: `RunRecord` of @slakit/core, the type @slakit/job-wrapper's ledgers store.
 * @deprecated use `RunRecord` from `@slakit/core`.
 */
export type OpsRunRecord = RunRecord;

/** The run ledger the ops API reads (`memoryLedger()` / `postgresLedger()` of @slakit/job-wrapper fit). */
export interface OpsLedger {
  recent(job: string, limit?: number): Promise<RunRecord[]>;
  /**
   * Runs that finished in the `windowSeconds` before `options.until` (default now): `GET /ops/slo?from&to` passes
   * `until = to` and `windowSeconds = to - from`, so a ledger must honour `until` to report exactly that interval.
   */
  stats(
    job: string,
    windowSeconds: number,
    options?: { until?: Date },
  ): Promise<{ count: number; p50?: number; p95?: number; p99?: number; successRate?: number }>;
  lastSuccess(job: string): Promise<Date | undefined>;
}

/** A job the ops API can list and run (a `withSla()` job fits). */
export interface OpsJob {
  (): Promise<unknown>;
  readonly jobName: string;
  readonly budgetSeconds: number;
}

/** What the ops API reads from the health object (`createHealth()` fits). */
export interface OpsHealth {
  evaluate(view: 'health', options?: { detailed?: boolean }): { status: number; body: { status: string } };
}

/** Who may call a route: `true` allowed; `false` refused (401 without credentials, 403 with). */
export type OpsAuthorize = (req: IncomingMessage) => boolean | Promise<boolean>;

/** Options of {@link createOps} and {@link opsRouter}. */
export interface OpsRouterOptions {
  /** Alert history, summaries and `POST /ops/remediate`. */
  alerter?: Alerter;
  /** Run ledger of the jobs (`GET /ops/jobs…`, job SLAs in `GET /ops/slo`). */
  ledger?: OpsLedger;
  /** Health status in `GET /ops/health`. */
  health?: OpsHealth;
  /** Jobs by name (`GET /ops/jobs`, `POST /ops/jobs/:name/run`). */
  jobs?: Record<string, OpsJob> | OpsJob[];
  /** In-process SLO view (`createSloTracker(config)`) for `GET /ops/slo`. */
  slo?: SloTracker;
  /** The config: job success-rate thresholds for `GET /ops/slo`; default 0.95 per job. */
  config?: SlakitConfig;
  /**
   * Admin routes (`POST …`) are refused (403) unless this returns true. Default: admin routes disabled. Admin requests
   * must also pass the CSRF check: a JSON content type or the {@link OPS_CSRF_HEADER} header, and a same-origin
   * `Origin` header when one is sent (see `allowedOrigins`).
   */
  authorize?: OpsAuthorize;
  /**
   * Origins (`https://console.example.com`, no path) allowed to send admin requests besides the request's own host —
   * e.g. an ops console served from another origin, or the public origin when a proxy rewrites `Host`. Default: none.
   */
  allowedOrigins?: string[];
  /** Read routes need this to return true; default: open (they never contain secrets). */
  authorizeRead?: OpsAuthorize;
  /** Path prefix of the routes; default `/ops`. */
  prefix?: string;
  /** Where failures of background runs are logged; default none. */
  logger?: Logger;
}

/** The options resolved once at configuration time: what every route reads. */
export interface OpsContext {
  readonly prefix: string;
  readonly allowedOrigins: ReadonlySet<string>;
  readonly jobs: ReadonlyMap<string, OpsJob>;
  /** Names of the jobs started by `POST /ops/jobs/:name/run` that are still running in this process. */
  readonly running: Set<string>;
  readonly alerter: Alerter | undefined;
  readonly ledger: OpsLedger | undefined;
  readonly health: OpsHealth | undefined;
  readonly slo: SloTracker | undefined;
  readonly config: SlakitConfig | undefined;
  readonly logger: Logger | undefined;
  readonly authorize: OpsAuthorize | undefined;
  readonly authorizeRead: OpsAuthorize | undefined;
}
