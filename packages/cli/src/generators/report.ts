import {
  checkHeaders,
  invalidOption,
  OutboundError,
  outboundRequest,
  PROMETHEUS_DURATION,
  type SlakitConfig,
  type SlakitConfigInput,
  SlakitError,
  type SloConfig,
  splitUrlCredentials,
  validateConfig,
} from '@slakit/core';
import { EXECUTED_OUTCOMES, METRICS, num, quote, selector } from './promql.js';
import { type ReportRowKind, type Spec, sloSpecs } from './report-slo.js';

/** One line of the SLA compliance report. */
export interface ReportRow {
  /** What is measured, e.g. `availability (api)`, `p95 latency (latency)`, `job success rate (cleanup_pdfs)`. */
  name: string;
  kind: ReportRowKind;
  /** The measured value (a ratio 0–1, or seconds for `latency_percentile`); undefined when Prometheus had no data. */
  value: number | undefined;
  /** The objective, e.g. `>= 99.9%`, `< 200 ms`. */
  objective: string;
  status: 'PASS' | 'FAIL' | 'NO_DATA';
  /** The PromQL query that produced the value. */
  query: string;
}

/** The SLA compliance report (seed 004). */
export interface SlaReport {
  service: string;
  window: string;
  /** The Prometheus queried: origin and path only (never credentials, a query string or a fragment). */
  prometheus: string;
  generatedAt: string;
  rows: ReportRow[];
  /** True when no row is FAIL (rows without data do not fail the report). */
  pass: boolean;
}

/** Options of {@link slaReport}. */
export interface SlaReportOptions {
  /**
   * Base URL of the Prometheus HTTP API, e.g. `http://prometheus:9090`. `user:password@` in it is sent as basic auth
   * (and stripped from the URL); the report's `prometheus` field never shows credentials, a query or a fragment.
   */
  prometheus: string;
  /** Window of the report (Prometheus duration); default `30d`. */
  window?: string;
  /**
   * Whether a row without data (`NO_DATA`: Prometheus has no series for it) may pass; default false — a report with
   * no data is not a pass (a CI gate must not go green on a wrong selector or an empty Prometheus).
   */
  allowNoData?: boolean;
  /** Deadline of each query in ms (connect, answer and body); default 10000. */
  timeoutMs?: number;
  /** Evaluation time; default now. */
  time?: Date;
  /** Extra request headers. */
  headers?: Record<string, string>;
  /**
   * Credentials: `user:password` (basic auth) or `Bearer <token>`. Wins over an `authorization` in `headers` and over
   * credentials in the URL. Never printed. The CLI reads it from `--prometheus-auth` or `SLAKIT_PROMETHEUS_AUTH`.
   */
  auth?: string;
  /**
   * Most bytes read of one Prometheus answer; beyond it the connection is dropped and the query fails with
   * `BODY_TOO_LARGE`. Default {@link REPORT_MAX_RESPONSE_BYTES} (4 MiB).
   */
  maxResponseBytes?: number;
}

/** Default bound of one Prometheus answer read by {@link slaReport}: 4 MiB (an instant query answers a few hundred bytes). */
export const REPORT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/**
 * The `authorization` header for an auth value: `user:password` → `Basic …`, `Bearer <token>` → `Bearer <token>`,
 * `Basic <base64>` as given. `undefined` when the value is malformed (empty token, no `:`, control characters).
 */
export function prometheusAuthorization(value: string): string | undefined {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (typeof value !== 'string' || /[\u0000-\u001f\u007f]/.test(value)) return undefined;
  const bearer = /^bearer\s+(\S+)$/i.exec(value);
  if (bearer) return `Bearer ${bearer[1]}`;
  const raw = /^basic\s+([A-Za-z0-9+/]+={0,2})$/i.exec(value);
  if (raw) return `Basic ${raw[1]}`;
  if (!value.includes(':') || /^bearer\s*$/i.test(value)) return undefined;
  return `Basic ${Buffer.from(value).toString('base64')}`;
}

/** Text from Prometheus made safe to print: no control or bidi characters, at most 200 characters. */
function printable(text: unknown): string | undefined {
  if (typeof text !== 'string') return undefined;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g, ' ').trim();
  return clean.length > 200 ? `${clean.slice(0, 197)}...` : clean;
}

const queryError = (message: string, code: string) => Object.assign(new Error(message), { code });

function specs(config: SlakitConfig, w: string): Spec[] {
  const out: Spec[] = config.slos.flatMap((slo) => sloSpecs(config, slo, w));
  for (const job of Object.keys(config.jobs).sort()) {
    const j = `job_name=${quote(job)}`;
    const threshold = (config.jobs[job] as SlakitConfig['jobs'][string]).successRateThreshold;
    out.push({
      name: `job success rate (${job})`,
      kind: 'job_success_rate',
      query: `(sum(increase(${METRICS.jobRuns}${selector(config, j, 'outcome="succeeded"')}[${w}])) or vector(0)) / sum(increase(${METRICS.jobRuns}${selector(config, j, `outcome=~"${EXECUTED_OUTCOMES}"`)}[${w}]))`,
      objective: `>= ${num(threshold * 100)}%`,
      pass: (v) => v >= threshold,
    });
  }
  return out;
}

/** What a network failure code means, for the person reading the report's error. */
const NETWORK_HINTS: Record<string, string> = {
  ECONNREFUSED: ' (nothing listens there: is Prometheus running, is the port right?)',
  ENOTFOUND: ' (the host name does not resolve)',
  EAI_AGAIN: ' (the host name does not resolve yet: DNS)',
  ECONNRESET: ' (the connection was reset)',
  EHOSTUNREACH: ' (no route to the host)',
  TIMEOUT: ' (no answer within --timeout)',
};

/**
 * Runs one instant query; undefined for an empty result or NaN. Redirects are never followed (a 3xx fails with
 * `HTTP_3xx`), the answer is read up to `maxResponseBytes` (default 4 MiB, else `BODY_TOO_LARGE`), the whole exchange
 * is bounded by `timeoutMs` (default 10000, else `TIMEOUT`). `user:password@` in `prometheus` is sent as basic auth.
 * @throws Error with a `code` (`HTTP_<status>`, `TIMEOUT`, `BODY_TOO_LARGE`, `MALFORMED_RESPONSE`, a network code) and
 * a message that names the server's origin (`http://host:port`) but never its credentials, path or query; Prometheus' own error text is included, cleaned of control
 * characters and cut at 200 characters
 */
export async function queryScalar(
  prometheus: string,
  query: string,
  options: { time?: Date; timeoutMs?: number; headers?: Record<string, string>; maxResponseBytes?: number } = {},
): Promise<number | undefined> {
  const url = new URL('api/v1/query', prometheus.endsWith('/') ? prometheus : `${prometheus}/`);
  const body = new URLSearchParams({ query });
  if (options.time) body.set('time', String(options.time.getTime() / 1000));
  let res: Awaited<ReturnType<typeof outboundRequest>>;
  try {
    res = await outboundRequest(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...options.headers },
      body: body.toString(),
      timeoutMs: options.timeoutMs ?? 10_000,
      maxBodyBytes: options.maxResponseBytes ?? REPORT_MAX_RESPONSE_BYTES,
    });
  } catch (error) {
    const code = error instanceof OutboundError ? error.code : 'NETWORK_ERROR';
    // The origin only (URL's origin never carries user:password@); the code says why (ECONNREFUSED, TIMEOUT, …).
    throw queryError(`Prometheus at ${url.origin} cannot be reached: ${code}${NETWORK_HINTS[code] ?? ''}`, code);
  }
  let json: { status?: unknown; error?: unknown; data?: { resultType?: unknown; result?: unknown } } | undefined;
  try {
    json = JSON.parse(res.body.toString('utf8'));
  } catch {}
  if (res.status < 200 || res.status > 299 || json?.status !== 'success') {
    const detail = printable(json?.error) ?? 'no JSON body';
    throw queryError(`Prometheus answered HTTP_${res.status}: ${detail}`, `HTTP_${res.status}`);
  }
  const data = json.data;
  let raw: unknown;
  if (data?.resultType === 'scalar' && Array.isArray(data.result)) raw = data.result[1];
  else if (data?.resultType === 'vector' && Array.isArray(data.result)) {
    const first = data.result[0] as { value?: unknown } | undefined;
    if (first === undefined) return undefined;
    raw = Array.isArray(first?.value) ? first.value[1] : null;
  } else raw = null;
  if (typeof raw !== 'string')
    throw queryError('Prometheus answered an unexpected result (MALFORMED_RESPONSE)', 'MALFORMED_RESPONSE');
  const value = Number(raw);
  return Number.isFinite(value) ? value : undefined;
}

/**
 * Builds the SLA compliance report from a Prometheus: per availability SLO the availability and error rate, per
 * latency SLO the share of requests within the threshold and the matching percentile, per job the success rate —
 * each PASS/FAIL against its objective from the config (NO_DATA when Prometheus has no series).
 * @throws SlakitError `ERR_SLAKIT_INVALID_OPTION` for a bad window, URL (not echoed), auth (not echoed), header, timeout
 * or bound
 * @throws Error when Prometheus cannot be reached, rejects a query, redirects, answers too much or too slowly (the
 * message names the query and the code — see {@link queryScalar} — never the URL or credentials)
 */
export async function slaReport(input: SlakitConfig | SlakitConfigInput, options: SlaReportOptions): Promise<SlaReport> {
  const config = validateConfig(input);
  const window = options.window ?? '30d';
  if (!PROMETHEUS_DURATION.test(window)) throw invalidOption('window', window, 'a Prometheus duration such as 30d, 7d, 1h');
  const target = typeof options?.prometheus === 'string' ? splitUrlCredentials(options.prometheus) : undefined;
  if (!target) {
    // The URL is not echoed: it may hold credentials.
    throw new SlakitError('ERR_SLAKIT_INVALID_OPTION', 'prometheus must be an http(s) URL of a Prometheus server', {
      field: 'prometheus',
      accepted: 'an http(s) URL of a Prometheus server',
    });
  }
  const positive = (field: 'timeoutMs' | 'maxResponseBytes') => {
    const v = options[field];
    const ok = field === 'timeoutMs' ? Number.isFinite(v) && (v as number) > 0 : Number.isSafeInteger(v) && (v as number) > 0;
    if (v !== undefined && !ok) throw invalidOption(field, v, field === 'timeoutMs' ? 'a number of ms > 0' : 'an integer > 0');
  };
  positive('timeoutMs');
  positive('maxResponseBytes');
  const headers = { ...checkHeaders('headers', options.headers) };
  if (options.auth !== undefined) {
    const authorization = prometheusAuthorization(options.auth);
    if (!authorization) {
      throw new SlakitError(
        'ERR_SLAKIT_INVALID_OPTION',
        'auth must be "user:password" or "Bearer <token>" (the value is not shown)',
        { field: 'auth', accepted: '"user:password" or "Bearer <token>"' },
      );
    }
    for (const k of Object.keys(headers)) if (k.toLowerCase() === 'authorization') delete headers[k];
    headers.authorization = authorization;
  }
  const time = options.time ?? new Date();
  const rows: ReportRow[] = [];
  for (const spec of specs(config, window)) {
    let value: number | undefined;
    try {
      value = await queryScalar(options.prometheus, spec.query, {
        time,
        timeoutMs: options.timeoutMs,
        headers,
        maxResponseBytes: options.maxResponseBytes,
      });
    } catch (error) {
      throw new Error(`query for "${spec.name}" failed: ${(error as Error).message}\n${spec.query}`, { cause: error });
    }
    rows.push({
      name: spec.name,
      kind: spec.kind,
      value,
      objective: spec.objective,
      status: value === undefined ? 'NO_DATA' : spec.pass(value) ? 'PASS' : 'FAIL',
      query: spec.query,
    });
  }
  return {
    service: config.service,
    window,
    prometheus: target.display,
    generatedAt: time.toISOString(),
    rows,
    pass: rows.every((r) => r.status === 'PASS' || (r.status === 'NO_DATA' && options.allowNoData === true)),
  };
}
