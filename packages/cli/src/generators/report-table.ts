import { num } from './promql.js';
import type { ReportRow, SlaReport } from './report.js';

function display(row: ReportRow): string {
  if (row.value === undefined) return '-';
  if (row.kind === 'latency_percentile') return `${num(Math.round(row.value * 10000) / 10)} ms`;
  return `${num(Math.round(row.value * 1_000_000) / 10_000)}%`;
}

/** Renders a report as a plain-text table (one row per objective) with the overall verdict. */
export function renderReportTable(report: SlaReport): string {
  const header = ['Objective', 'Value', 'Target', 'Status'];
  const failing = report.rows.filter((r) => r.status === 'FAIL').length;
  const noData = report.rows.filter((r) => r.status === 'NO_DATA').length;
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
    `Overall: ${report.pass ? 'PASS' : 'FAIL'} (${failing} failing, ${noData} without data${
      !report.pass && failing === 0 ? ': no data is not a pass (--allow-no-data accepts it)' : ''
    })`,
  ].join('\n');
}
