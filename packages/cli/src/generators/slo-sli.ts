import { type SlakitConfig, type SloConfig, WINDOW_PLACEHOLDER } from '@slakit/core';
import { leMatcher, METRICS, selector } from './promql.js';

/** An RE2 pattern matching exactly `value`, as text inside a PromQL double-quoted string. */
function literalPattern(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\\\$&').replace(/"/g, '\\"');
}

/** The label matchers of an HTTP SLO's route and method filters. */
function httpFilters(slo: Extract<SloConfig, { kind: 'availability' | 'latency' }>): string[] {
  const out: string[] = [];
  if (slo.routes) out.push(`http_route=~"${slo.routes.map(literalPattern).join('|')}"`);
  if (slo.excludeRoutes) out.push(`http_route!~"${slo.excludeRoutes.map(literalPattern).join('|')}"`);
  if (slo.methods) out.push(`http_request_method=~"${slo.methods.join('|')}"`);
  return out;
}

/** The selector of an HTTP SLO's requests: the config's selector and the SLO's route and method filters. */
export function httpSelector(config: SlakitConfig, slo: Extract<SloConfig, { kind: 'availability' | 'latency' }>): string {
  return selector(config, ...httpFilters(slo));
}

/** The `http_response_status_code` pattern of an availability SLO's error classes (`5xx` → `5..`, `429`). */
export function errorStatusPattern(errorStatus: readonly string[]): string {
  return errorStatus.map((s) => s.replace(/xx$/, '..')).join('|');
}

/**
 * The SLI of an SLO as PromQL over a window: its bad events and all events per second (the event kinds), or only an
 * error ratio (`raw`). Every kind's error ratio is `errors / total`, except `raw`, whose ratio is the user's own.
 */
export interface SliExpressions {
  /** Bad events per second over the window; undefined for `raw`. */
  errors(window: string): string | undefined;
  /** All events per second over the window; undefined for `raw`. */
  total(window: string): string | undefined;
  /** The error ratio over the window. */
  ratio(window: string): string;
}

const withWindow = (expr: string, window: string) => `(${expr.split(WINDOW_PLACEHOLDER).join(window)})`;

/** The SLI expressions of an SLO (slakit's HTTP histogram for availability/latency; the user's PromQL otherwise). */
export function sliExpressions(config: SlakitConfig, slo: SloConfig): SliExpressions {
  const count = `${METRICS.httpDuration}_count`;
  if (slo.kind === 'raw') {
    // NaN (0/0 of the user's ratio) is dropped, so the budget's average never turns NaN.
    return { errors: () => undefined, total: () => undefined, ratio: (w) => `${withWindow(slo.errorRatio, w)} >= 0` };
  }
  let errors: (w: string) => string;
  let total: (w: string) => string;
  if (slo.kind === 'ratio') {
    total = (w) => withWindow(slo.total, w);
    const { bad, good } = slo;
    errors = bad !== undefined ? (w) => withWindow(bad, w) : (w) => `(${total(w)} - ${withWindow(good as string, w)})`;
  } else {
    const filters = httpFilters(slo);
    total = (w) => `sum(rate(${count}${selector(config, ...filters)}[${w}]))`;
    if (slo.kind === 'availability') {
      const bad = selector(config, ...filters, `http_response_status_code=~"${errorStatusPattern(slo.errorStatus)}"`);
      errors = (w) => `(sum(rate(${count}${bad}[${w}])) or vector(0))`;
    } else {
      const within = selector(config, ...filters, leMatcher(slo.thresholdSeconds));
      // No `or vector(0)` for the good events: a threshold with no bucket leaves the SLI empty, not 100 % bad.
      errors = (w) => `(\n  ${total(w)}\n  -\n  sum(rate(${METRICS.httpDuration}_bucket${within}[${w}]))\n)`;
    }
  }
  return { errors, total, ratio: (w) => `${errors(w)}\n/\n${total(w)}` };
}

/** A short text of what an SLO measures, for alert descriptions and reports. */
export function sliText(slo: SloConfig): string {
  switch (slo.kind) {
    case 'availability':
      return `availability (share of responses not ${slo.errorStatus.join('/')}) objective ${slo.objective}%`;
    case 'latency':
      return `latency objective: ${slo.objective}% of requests within ${Number((slo.thresholdSeconds * 1000).toPrecision(12))} ms`;
    case 'ratio':
      return `objective ${slo.objective}% of good events (${slo.bad !== undefined ? 'bad' : 'good'}/total events of its own PromQL)`;
    default:
      return `objective ${slo.objective}% (error ratio of its own PromQL)`;
  }
}
