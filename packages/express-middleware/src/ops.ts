import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type Alerter,
  durationSeconds,
  type HistoryEntry,
  invalidOption,
  SEVERITIES,
  type Severity,
  type SlakitConfig,
  sanitizeMessage,
  validateOptions,
} from '@slakit/core';
import type { Logger } from 'pino';
import { csrfRefusal, OPS_CSRF_HEADER, parseOrigin } from './ops-csrf.js';
import { opsRouterOptionsSchema } from './options-schema.js';
import { safeErrorCode } from './safe-error.js';
import type { SloTracker } from './slo-tracker.js';

/** The parts of a run record the ops API returns (a `RunRecord` of @slakit/job-wrapper fits). */
export interface OpsRunRecord {
  runId: string;
  job: string;
  outcome: string;
  startedAt: Date;
  finishedAt: Date | undefined;
  durationSeconds: number;
  budgetSeconds: number;
  processed: number;
  errorCode: string | undefined;
  errorMessage?: string | undefined;
  dryRun?: boolean;
}

/** The run ledger the ops API reads (`memoryLedger()` / `postgresLedger()` of @slakit/job-wrapper fit). */
export interface OpsLedger {
  recent(job: string, limit?: number): Promise<OpsRunRecord[]>;
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

/** Options of {@link opsRouter}. */
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

class QueryError extends Error {
  constructor(
    readonly parameter: string,
    message: string,
    readonly code: 'invalid_query' | 'invalid_path' = 'invalid_query',
  ) {
    super(message);
  }
}

const MAX_WINDOW_SECONDS = 90 * 86_400;

/** A path segment, percent-decoded; a malformed encoding (`%E0%A4%A`) is a 400, never a `URIError`. */
function pathParam(raw: string, name: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new QueryError(name, `${name} is not a valid percent-encoded path segment`, 'invalid_path');
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.end(text);
}

/** Sends a JSON answer; returns true ("handled"). */
function reply(res: ServerResponse, status: number, body: unknown): true {
  send(res, status, body);
  return true;
}

function intParam(q: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const raw = q.get(name);
  if (raw === null) return fallback;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(n) || n < min || n > max)
    throw new QueryError(name, `${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw.slice(0, 40))}`);
  return n;
}

// YYYY-MM-DD, optionally Thh:mm[:ss[.fff]] and Z or ±hh:mm (no offset = UTC).
const ISO_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:T([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.\d{1,9})?)?(Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)?)?$/;

/** An ISO 8601 time (strict: no day roll-over, no V8 free-form parsing) or epoch milliseconds; else undefined. */
function parseTime(raw: string): Date | undefined {
  if (/^\d{1,16}$/.test(raw)) {
    const d = new Date(Number(raw));
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  const m = ISO_TIME.exec(raw);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  const d = new Date(m[4] === undefined ? `${raw}T00:00:00Z` : m[7] === undefined ? `${raw}Z` : raw);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

function timeParam(q: URLSearchParams, name: string, fallback: Date): Date {
  const raw = q.get(name);
  if (raw === null) return fallback;
  const d = parseTime(raw);
  if (!d)
    throw new QueryError(
      name,
      `${name} must be an ISO 8601 time (2026-01-31 or 2026-01-31T12:00:00Z) or epoch milliseconds, got ${JSON.stringify(raw.slice(0, 40))}`,
    );
  return d;
}

function windowParam(q: URLSearchParams, fallback: string): number {
  const raw = q.get('window') ?? fallback;
  const seconds = /^(\d+(ms|s|m|h|d|w))+$/.test(raw) ? durationSeconds(raw) : Number.NaN;
  if (!(seconds > 0) || seconds > MAX_WINDOW_SECONDS)
    throw new QueryError(
      'window',
      `window must be a duration such as 1h, 24h, 7d (at most 90d), got ${JSON.stringify(raw.slice(0, 40))}`,
    );
  return seconds;
}

function onlyParams(q: URLSearchParams, allowed: string[]): void {
  const seen = new Set<string>();
  for (const key of q.keys()) {
    if (!allowed.includes(key))
      throw new QueryError(
        key,
        `unknown query parameter ${JSON.stringify(key.slice(0, 40))}; accepted: ${allowed.join(', ') || 'none'}`,
      );
    if (seen.has(key)) throw new QueryError(key, `query parameter ${key} given more than once`);
    seen.add(key);
  }
}

const iso = (d: Date | undefined) => (d ? d.toISOString() : null);

function runView(r: OpsRunRecord) {
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

function alertView(e: HistoryEntry) {
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

/**
 * The ops REST API of seed 003 as one middleware (`app.use(opsRouter({...}))`; also a node:http handler):
 *
 * - `GET /ops/health` — health status, alerts in the last hour, criticals in the last 24 h, remediations, jobs;
 * - `GET /ops/alerts?severity&limit&since` — notification and remediation history, newest first;
 * - `GET /ops/jobs?window` and `GET /ops/jobs/:name?limit&window` — recent runs, success rate, p50/p95/p99, last success;
 * - `GET /ops/slo?from&to` — the in-process SLO view and the job SLAs over the range, PASS/FAIL per target;
 * - `POST /ops/jobs/:name/run` and `POST /ops/remediate?alert=…` — admin only (`authorize`).
 *
 * Every query is validated: a bad value answers 400 `{ error: 'invalid_query', parameter, message }` (a malformed
 * percent-encoding in a path parameter: `invalid_path`). Admin routes answer 403 when `authorize` is not configured,
 * 403 `csrf_missing_header`/`csrf_cross_origin` when the request may be cross-site (it needs a JSON content type or
 * `x-slakit-request: 1`, and a same-origin `Origin` when one is sent), 401/403 when `authorize` refuses.
 * `POST /ops/remediate` is single-flight per alert (concurrent requests share one run and its record). Responses never carry secrets (error
 * messages are sanitised; health output is the status only). Other paths fall through to `next()` (or 404).
 * @throws SlakitError for an invalid option (at configuration time)
 */
export function opsRouter(
  options: OpsRouterOptions,
): (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => void {
  validateOptions(opsRouterOptionsSchema, options);
  const prefix = (options.prefix ?? '/ops').replace(/\/+$/, '');
  if (!/^\/[A-Za-z0-9._~/-]*$/.test(prefix)) throw invalidOption('prefix', options.prefix, 'a path such as /ops');
  for (const key of ['authorize', 'authorizeRead'] as const)
    if (options[key] !== undefined && typeof options[key] !== 'function')
      throw invalidOption(key, options[key], 'a function (req) => boolean');
  if (options.allowedOrigins !== undefined && !Array.isArray(options.allowedOrigins))
    throw invalidOption('allowedOrigins', options.allowedOrigins, 'an array of origins such as https://console.example.com');
  const allowedOrigins = new Set<string>();
  (options.allowedOrigins ?? []).forEach((o, i) => {
    const origin = parseOrigin(o);
    if (!origin)
      throw invalidOption(`allowedOrigins[${i}]`, o, 'an http(s) origin such as https://console.example.com (no path)');
    allowedOrigins.add(origin);
  });
  const jobs = new Map<string, OpsJob>();
  const list = Array.isArray(options.jobs) ? options.jobs : Object.values(options.jobs ?? {});
  list.forEach((job, i) => {
    if (typeof job !== 'function' || typeof job.jobName !== 'string')
      throw invalidOption(`jobs[${i}]`, job, 'a job returned by withSla()');
    jobs.set(job.jobName, job);
  });
  const { alerter, ledger, health, slo, config, logger } = options;
  const running = new Set<string>();

  const allowed = async (req: IncomingMessage, res: ServerResponse, check: OpsAuthorize | undefined, admin: boolean) => {
    if (!check) {
      if (!admin) return true;
      send(res, 403, { error: 'forbidden', message: 'admin routes are disabled: configure opsRouter({ authorize })' });
      return false;
    }
    // CSRF before authorize: a forged cross-site request never reaches a cookie-based check.
    const csrf = admin ? csrfRefusal(req, allowedOrigins) : undefined;
    if (csrf) {
      send(res, 403, {
        error: csrf,
        message:
          csrf === 'csrf_missing_header'
            ? `admin requests need content-type: application/json or a ${OPS_CSRF_HEADER}: 1 header`
            : 'the Origin of this admin request is neither this host nor in allowedOrigins',
      });
      return false;
    }
    let ok = false;
    try {
      ok = (await check(req)) === true;
    } catch {
      ok = false;
    }
    if (ok) return true;
    const credentials = req.headers.authorization !== undefined || req.headers['x-api-key'] !== undefined;
    send(res, credentials ? 403 : 401, credentials ? { error: 'forbidden' } : { error: 'unauthorized' });
    return false;
  };

  const jobSummary = async (name: string, job: OpsJob, windowSeconds: number) => {
    const [stats, lastSuccess, recent] = ledger
      ? await Promise.all([ledger.stats(name, windowSeconds), ledger.lastSuccess(name), ledger.recent(name, 1)])
      : [undefined, undefined, []];
    return {
      name,
      budgetSeconds: job.budgetSeconds,
      running: running.has(name),
      windowSeconds,
      runs: stats?.count ?? 0,
      successRate: stats?.successRate ?? null,
      durationSeconds: { p50: stats?.p50 ?? null, p95: stats?.p95 ?? null, p99: stats?.p99 ?? null },
      lastSuccess: iso(lastSuccess),
      lastRun: recent[0] ? runView(recent[0]) : null,
    };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, path: string, q: URLSearchParams): Promise<boolean> => {
    const method = req.method ?? 'GET';
    const sub = path.slice(prefix.length) || '/';
    const read = method === 'GET' || method === 'HEAD';
    const route = (template: string) => {
      (req as IncomingMessage & { route?: { path: string } }).route = { path: `${prefix}${template}` };
    };

    if (read && sub === '/health') {
      route('/health');
      if (!(await allowed(req, res, options.authorizeRead, false))) return true;
      onlyParams(q, []);
      const now = Date.now();
      const entries = alerter?.history({ limit: 10_000, since: new Date(now - 86_400_000) }) ?? [];
      const notes = entries.filter((e) => e.kind === 'notification' && e.status === 'firing');
      const remediations = entries.filter((e) => e.kind === 'remediation');
      const healthStatus = health?.evaluate('health').body.status ?? null;
      send(res, 200, {
        status: healthStatus ?? 'unknown',
        alerts: {
          active: alerter?.active().length ?? 0,
          lastHour: notes.filter((e) => e.at.getTime() >= now - 3_600_000).length,
          criticalLast24h: notes.filter((e) => e.kind === 'notification' && e.severity === 'critical').length,
        },
        remediations: {
          last24h: remediations.length,
          succeeded: remediations.filter((e) => e.kind === 'remediation' && e.result === 'succeeded').length,
          failed: remediations.filter((e) => e.kind === 'remediation' && e.result === 'failed').length,
        },
        jobs: [...jobs.keys()].sort(),
      });
      return true;
    }
    if (read && sub === '/alerts') {
      route('/alerts');
      if (!(await allowed(req, res, options.authorizeRead, false))) return true;
      onlyParams(q, ['severity', 'limit', 'since', 'kind']);
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
        alerter?.history({
          limit,
          ...(severity ? { severity: severity as Severity } : {}),
          ...(since ? { since } : {}),
          ...(kind ? { kind: kind as HistoryEntry['kind'] } : {}),
        }) ?? [];
      send(res, 200, { count: entries.length, alerts: entries.map(alertView) });
      return true;
    }
    if (read && sub === '/jobs') {
      route('/jobs');
      if (!(await allowed(req, res, options.authorizeRead, false))) return true;
      onlyParams(q, ['window']);
      const windowSeconds = windowParam(q, '24h');
      const names = [...jobs.keys()].sort();
      send(res, 200, { jobs: await Promise.all(names.map((n) => jobSummary(n, jobs.get(n) as OpsJob, windowSeconds))) });
      return true;
    }
    const jobMatch = /^\/jobs\/([^/]+)(\/run)?$/.exec(sub);
    if (jobMatch) {
      const name = pathParam(jobMatch[1] as string, 'name');
      const isRun = jobMatch[2] !== undefined;
      if (isRun && method === 'POST') {
        route('/jobs/:name/run');
        if (!(await allowed(req, res, options.authorize, true))) return true;
        onlyParams(q, []);
        const job = jobs.get(name);
        if (!job) return reply(res, 404, { error: 'not_found', message: `no job ${JSON.stringify(name.slice(0, 64))}` });
        if (running.has(name)) return reply(res, 409, { error: 'conflict', message: `job ${name} is already running here` });
        running.add(name);
        let run: Promise<unknown>;
        try {
          run = Promise.resolve(job());
        } catch (error) {
          run = Promise.reject(error);
        }
        // Whatever the job rejects with (undefined, null, a Proxy…), only a safe code is read and logged.
        run
          .then(undefined, (error: unknown) => {
            try {
              logger?.warn({ job: name, code: safeErrorCode(error) }, `ops: manual run of ${name} failed`);
            } catch {
              // a failing logger must not turn into an unhandled rejection
            }
          })
          .finally(() => running.delete(name));
        send(res, 202, { accepted: true, job: name, status: `${prefix}/jobs/${encodeURIComponent(name)}` });
        return true;
      }
      if (!isRun && read) {
        route('/jobs/:name');
        if (!(await allowed(req, res, options.authorizeRead, false))) return true;
        onlyParams(q, ['limit', 'window']);
        const limit = intParam(q, 'limit', 20, 1, 200);
        const windowSeconds = windowParam(q, '24h');
        const job = jobs.get(name);
        if (!job) return reply(res, 404, { error: 'not_found', message: `no job ${JSON.stringify(name.slice(0, 64))}` });
        const recent = ledger ? await ledger.recent(name, limit) : [];
        send(res, 200, { ...(await jobSummary(name, job, windowSeconds)), recent: recent.map(runView) });
        return true;
      }
      return false;
    }
    if (read && sub === '/slo') {
      route('/slo');
      if (!(await allowed(req, res, options.authorizeRead, false))) return true;
      onlyParams(q, ['from', 'to']);
      const to = timeParam(q, 'to', new Date());
      const from = timeParam(q, 'from', new Date(to.getTime() - 86_400_000));
      if (from.getTime() >= to.getTime()) throw new QueryError('from', 'from must be before to');
      if (to.getTime() - from.getTime() > MAX_WINDOW_SECONDS * 1000)
        throw new QueryError('from', 'the range must be at most 90 days');
      // Exactly [from, to): the ledger is asked for the window ending at `to`, never for everything since `from`.
      const windowSeconds = (to.getTime() - from.getTime()) / 1000;
      const slos = slo ? slo.compliance(from, to) : [];
      const jobRows = await Promise.all(
        [...jobs.keys()].sort().map(async (name) => {
          const threshold = config?.jobs[name]?.successRateThreshold ?? 0.95;
          const stats = ledger ? await ledger.stats(name, windowSeconds, { until: to }) : undefined;
          const rate = stats && stats.count > 0 ? stats.successRate : undefined;
          return {
            name,
            runs: stats?.count ?? 0,
            successRate: rate ?? null,
            objective: threshold,
            status: rate === undefined ? 'NO_DATA' : rate >= threshold ? 'PASS' : 'FAIL',
          };
        }),
      );
      const rows = [...slos.map((s) => s.status), ...jobRows.map((j) => j.status)];
      send(res, 200, {
        from: from.toISOString(),
        to: to.toISOString(),
        slos: slos.map((s) => ({ ...s, value: s.value ?? null })),
        jobs: jobRows,
        pass: rows.every((s) => s !== 'FAIL'),
      });
      return true;
    }
    if (sub === '/remediate' && method === 'POST') {
      route('/remediate');
      if (!(await allowed(req, res, options.authorize, true))) return true;
      onlyParams(q, ['alert']);
      const alert = q.get('alert');
      if (!alert || !/^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(alert))
        throw new QueryError(
          'alert',
          `alert must be an alert name such as JobSlaBreachCritical, got ${JSON.stringify((alert ?? '').slice(0, 40))}`,
        );
      if (!alerter) return reply(res, 404, { error: 'not_found', message: 'no alerter configured' });
      const record = await alerter.remediate(alert);
      if (record.error === 'NO_ACTION')
        return reply(res, 404, { error: 'not_found', message: `no remediation registered for ${alert}` });
      send(res, record.result === 'succeeded' ? 200 : 502, alertView(record));
      return true;
    }
    return false;
  };

  return (req, res, next) => {
    const url = req.url ?? '/';
    const mark = url.indexOf('?');
    const path = mark === -1 ? url : url.slice(0, mark);
    if (path !== prefix && !path.startsWith(`${prefix}/`)) {
      if (next) next();
      else send(res, 404, { error: 'not_found' });
      return;
    }
    const q = new URLSearchParams(mark === -1 ? '' : url.slice(mark + 1));
    handle(req, res, path, q)
      .then((handled) => {
        if (handled) return;
        if (next) next();
        else send(res, 404, { error: 'not_found' });
      })
      .catch((error: unknown) => {
        if (error instanceof QueryError) {
          if (!res.headersSent) send(res, 400, { error: error.code, parameter: error.parameter, message: error.message });
          return;
        }
        try {
          logger?.warn({ code: safeErrorCode(error) }, 'ops: request failed');
        } catch {
          // ignored: the answer below matters more
        }
        if (!res.headersSent) send(res, 500, { error: 'internal', message: 'the ops request failed; see the service log' });
      })
      .catch(() => {
        // the socket is gone or the response broken: nothing left to answer
      });
  };
}
