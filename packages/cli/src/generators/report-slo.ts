import type { SlakitConfig, SloConfig } from '@slakit/core';
import { METRICS, num } from './promql.js';
import { httpSelector, sliExpressions } from './slo-sli.js';

/** The kinds of report rows. */
export type ReportRowKind = 'availability' | 'error_rate' | 'latency' | 'latency_percentile' | 'job_success_rate' | 'sli';

/** One row of the report to query: its PromQL over the window and how its value passes. */
export interface Spec {
  name: string;
  kind: ReportRowKind;
  query: string;
  objective: string;
  pass: (value: number) => boolean;
}

/** The report rows of one SLO: its good-event share over the window (the rules' SLI), and for latency the percentile. */
export function sloSpecs(config: SlakitConfig, slo: SloConfig, w: string): Spec[] {
  const target = slo.objective / 100;
  // rate() over the whole window: the ratio of two rates over [w] is the ratio of their increases (traffic-weighted).
  const ratio = sliExpressions(config, slo).ratio(w);
  if (slo.kind === 'availability') {
    return [
      {
        name: `availability (${slo.name})`,
        kind: 'availability',
        query: `1 - (${ratio})`,
        objective: `>= ${num(slo.objective)}%`,
        pass: (v) => v >= target,
      },
      {
        name: `error rate (${slo.name})`,
        kind: 'error_rate',
        query: ratio,
        objective: `< ${num(100 - slo.objective)}%`,
        pass: (v) => v < 1 - target + 1e-12,
      },
    ];
  }
  if (slo.kind === 'latency') {
    const d = METRICS.httpDuration;
    return [
      {
        name: `requests within ${num(slo.thresholdSeconds * 1000)} ms (${slo.name})`,
        kind: 'latency',
        query: `1 - (${ratio})`,
        objective: `>= ${num(slo.objective)}%`,
        pass: (v) => v >= target,
      },
      {
        name: `p${num(slo.objective)} latency (${slo.name})`,
        kind: 'latency_percentile',
        query: `histogram_quantile(${num(target)}, sum by (le) (increase(${d}_bucket${httpSelector(config, slo)}[${w}])))`,
        objective: `<= ${num(slo.thresholdSeconds * 1000)} ms`,
        pass: (v) => v <= slo.thresholdSeconds,
      },
    ];
  }
  return [
    {
      name: `good events (${slo.name})`,
      kind: 'sli',
      query: `1 - (${ratio})`,
      objective: `>= ${num(slo.objective)}%`,
      pass: (v) => v >= target,
    },
  ];
}
