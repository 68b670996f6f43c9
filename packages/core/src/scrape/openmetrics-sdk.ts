import type { Histogram, MetricData, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { labelBlock, valueText } from '../fast-series.js';
import { DATA_POINT } from '../sdk-constants.js';
import { escapeHelp, type SampleCount } from './render-fast.js';

const sample = (name: string, labels: string, value: number) => `${name}${labels ? `{${labels}}` : ''} ${valueText(value)}\n`;

function bucketLines(name: string, labels: string, h: Histogram): string {
  const prefix = `${name}_bucket{${labels ? `${labels},` : ''}le="`;
  let out = '';
  let cumulative = 0;
  const { boundaries, counts } = h.buckets;
  for (let i = 0; i < boundaries.length; i++) {
    if (boundaries[i] === Number.POSITIVE_INFINITY) break;
    cumulative += counts[i] ?? 0;
    out += `${prefix}${String(boundaries[i])}"} ${cumulative}\n`;
  }
  return `${out}${prefix}+Inf"} ${h.count}\n`;
}

/** One metric of the SDK collection (already renamed by `toPrometheusConventions`: counters without `_total`). */
function metricText(metric: MetricData, count: SampleCount): string {
  const name = metric.descriptor.name;
  const help = escapeHelp(metric.descriptor.description || 'description missing', 'openmetrics');
  if (metric.dataPointType === DATA_POINT.HISTOGRAM) {
    let out = `# HELP ${name} ${help}\n# TYPE ${name} histogram\n`;
    for (const p of metric.dataPoints) {
      const labels = labelBlock(p.attributes);
      const h = p.value as Histogram;
      out += bucketLines(name, labels, h) + sample(`${name}_count`, labels, h.count) + sample(`${name}_sum`, labels, h.sum ?? 0);
      count.samples += h.buckets.boundaries.filter((b) => b !== Number.POSITIVE_INFINITY).length + 3;
    }
    return out;
  }
  if (metric.dataPointType !== DATA_POINT.SUM && metric.dataPointType !== DATA_POINT.GAUGE) return '';
  const counter = metric.dataPointType === DATA_POINT.SUM && metric.isMonotonic;
  let out = `# HELP ${name} ${help}\n# TYPE ${name} ${counter ? 'counter' : 'gauge'}\n`;
  for (const p of metric.dataPoints) {
    out += sample(counter ? `${name}_total` : name, labelBlock(p.attributes), p.value as number);
    count.samples += 1;
  }
  return out;
}

/**
 * The OpenTelemetry SDK's part of a scrape (meter-API instruments, `target_info`) in OpenMetrics text, with the same
 * series and values OpenTelemetry's serializer writes in the 0.0.4 format. Exponential histograms are left out, as
 * that serializer does.
 */
export function sdkOpenMetrics(resourceMetrics: ResourceMetrics, count: SampleCount): string {
  let out = `# HELP target_info Target metadata\n# TYPE target_info gauge\n${sample('target_info', labelBlock(resourceMetrics.resource.attributes), 1)}`;
  count.samples += 1;
  for (const scope of resourceMetrics.scopeMetrics) for (const metric of scope.metrics) out += metricText(metric, count);
  return out;
}
