import { timeoutSignal } from '../clock.js';
import { PROMETHEUS_DURATION } from '../config/period.js';
import type { SlakitConfig, SlakitConfigInput } from '../config/schema.js';
import { validateConfig } from '../config/schema.js';
import { invalidOption } from '../errors.js';
import { EXECUTED_OUTCOMES, leMatcher, METRICS, num, quote, selector } from './promql.js';

/** One line of the SLA compliance report. */
export interface ReportRow {
  /** What is measured, e.g. `availability (api)`, `p95 latency (latency)`, `job success rate (cleanup_pdfs)`. */
  name: string;
  kind: 'availability' | 'error_rate' | 'latency' | 'latency_percentile' | 'job_success_rate';
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
  prometheus: string;
  generatedAt: string;
  rows: ReportRow[];
  /** True when no row is FAIL (rows without data do not fail the report). */
  pass: boolean;
}

/** Options of {@link slaReport}. */
export interface SlaReportOptions {
  /** Base URL of the Prometheus HTTP API, e.g. `http://prometheus:9090`. */
  prometheus: string;
  /** Window of the report (Prometheus duration); default `30d`. */
  window?: string;
  /** Deadline of each query in ms; default 10000. */
  timeoutMs?: number;
  /** Evaluation time; default now. */
  time?: Date;
  /** Extra request headers (e.g. `authorization`). */
  headers?: Record<string, string>;
}

interface Spec {
  name: string;
  kind: ReportRow['kind'];
  query: string;
  objective: string;
  pass: (value: number) => boolean;
}

function specs(config: SlakitConfig, w: string): Spec[] {
  const d = METRICS.httpDuration;
  const all = `sum(increase(${d}_count${selector(config)}[${w}]))`;
  const errors = `(sum(increase(${d}_count${selector(config, 'http_response_status_code=~"5.."')}[${w}])) or vector(0))`;
  const out: Spec[] = [];
  for (const slo of config.slos) {
    const target = slo.objective / 100;
    if (slo.kind === 'availability') {
      out.push(
        {
          name: `availability (${slo.name})`,
          kind: 'availability',
          query: `1 - (${errors} / ${all})`,
          objective: `>= ${num(slo.objective)}%`,
          pass: (v) => v >= target,
        },
        {
          name: `error rate (${slo.name})`,
          kind: 'error_rate',
          query: `${errors} / ${all}`,
          objective: `< ${num(100 - slo.objective)}%`,
          pass: (v) => v < 1 - target + 1e-12,
        },
      );
    } else {
      out.push(
        {
          name: `requests within ${num(slo.thresholdSeconds * 1000)} ms (${slo.name})`,
          kind: 'latency',
          query: `sum(increase(${d}_bucket${selector(config, leMatcher(slo.thresholdSeconds))}[${w}])) / ${all}`,
          objective: `>= ${num(slo.objective)}%`,
          pass: (v) => v >= target,
        },
        {
          name: `p${num(slo.objective)} latency (${slo.name})`,
          kind: 'latency_percentile',
          query: `histogram_quantile(${num(target)}, sum by (le) (increase(${d}_bucket${selector(config)}[${w}])))`,
          objective: `<= ${num(slo.thresholdSeconds * 1000)} ms`,
          pass: (v) => v <= slo.thresholdSeconds,
        },
      );
    }
  }
  for (const job of Object.keys(config.jobs).sort()) {
    const j = `job=${quote(job)}`;
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

/** Runs one instant query; undefined for an empty result or NaN. Throws on HTTP/API errors (with the cause). */
export async function queryScalar(
  prometheus: string,
  query: string,
  options: { time?: Date; timeoutMs?: number; headers?: Record<string, string> } = {},
): Promise<number | undefined> {
  const url = new URL('api/v1/query', prometheus.endsWith('/') ? prometheus : `${prometheus}/`);
  const body = new URLSearchParams({ query });
  if (options.time) body.set('time', String(options.time.getTime() / 1000));
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...options.headers },
    body,
    signal: timeoutSignal(options.timeoutMs ?? 10_000),
  });
  const json = (await res.json().catch(() => undefined)) as
    | { status: string; error?: string; data?: { resultType: string; result: unknown } }
    | undefined;
  if (!res.ok || json?.status !== 'success')
    throw new Error(`Prometheus answered ${res.status}: ${json?.error ?? 'no JSON body'}`);
  const data = json.data as { resultType: string; result: unknown };
  let raw: string | undefined;
  if (data.resultType === 'scalar') raw = (data.result as [number, string])[1];
  else if (data.resultType === 'vector') raw = (data.result as { value: [number, string] }[])[0]?.value[1];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  return Number.isFinite(value) ? value : undefined;
}

/**
 * Builds the SLA compliance report from a Prometheus: per availability SLO the availability and error rate, per
 * latency SLO the share of requests within the threshold and the matching percentile, per job the success rate —
 * each PASS/FAIL against its objective from the config (NO_DATA when Prometheus has no series).
 * @throws Error when Prometheus cannot be reached or rejects a query (the message names the query)
 */
export async function slaReport(input: SlakitConfig | SlakitConfigInput, options: SlaReportOptions): Promise<SlaReport> {
  const config = validateConfig(input);
  const window = options.window ?? '30d';
  if (!PROMETHEUS_DURATION.test(window)) throw invalidOption('window', window, 'a Prometheus duration such as 30d, 7d, 1h');
  try {
    new URL(options.prometheus);
  } catch {
    throw invalidOption('prometheus', options.prometheus, 'an http(s) URL of a Prometheus server');
  }
  const time = options.time ?? new Date();
  const rows: ReportRow[] = [];
  for (const spec of specs(config, window)) {
    let value: number | undefined;
    try {
      value = await queryScalar(options.prometheus, spec.query, { time, timeoutMs: options.timeoutMs, headers: options.headers });
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
    prometheus: options.prometheus,
    generatedAt: time.toISOString(),
    rows,
    pass: rows.every((r) => r.status !== 'FAIL'),
  };
}

function display(row: ReportRow): string {
  if (row.value === undefined) return '-';
  if (row.kind === 'latency_percentile') return `${num(Math.round(row.value * 10000) / 10)} ms`;
  return `${num(Math.round(row.value * 1_000_000) / 10_000)}%`;
}

/** Renders a report as a plain-text table (one row per objective) with the overall verdict. */
export function renderReportTable(report: SlaReport): string {
  const header = ['Objective', 'Value', 'Target', 'Status'];
  const lines = report.rows.map((r) => [r.name, display(r), r.objective, r.status]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] as string).length)));
  const fmt = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] as number))
      .join('  ')
      .trimEnd();
  return [
    `SLA compliance report — service ${report.service}, window ${report.window}, ${report.generatedAt}`,
    '',
    fmt(header),
    fmt(widths.map((w) => '-'.repeat(w))),
    ...lines.map(fmt),
    '',
    `Overall: ${report.pass ? 'PASS' : 'FAIL'} (${report.rows.filter((r) => r.status === 'FAIL').length} failing, ${report.rows.filter((r) => r.status === 'NO_DATA').length} without data)`,
  ].join('\n');
}
