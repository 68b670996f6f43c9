#!/usr/bin/env node
// Generates the tables of docs/metrics.md, docs/alerts.md and the docs/runbooks/README.md index from the catalogue (packages/core/src/catalogue):
// each table sits between `<!-- catalogue:<name>:start -->` and `<!-- catalogue:<name>:end -->`; the prose around
// it is kept. Usage: node scripts/gen-docs.mjs [--check]   (--check: fail when a doc differs, write nothing)
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCatalogue } from './lib/catalogue.mjs';

const code = (s) => `\`${s}\``;
const list = (items) => (items.length === 0 ? '—' : items.map(code).join(', '));

/**
 * A Markdown table, one row a line, cells not padded: other tests read these tables line by line (`| \`name\` |`),
 * and a generated table needs no hand alignment. `|` in cells is escaped.
 */
export function table(header, rows) {
  const line = (row) => `| ${row.map((c) => String(c).replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(header), `|${header.map(() => '---').join('|')}|`, ...rows.map(line)].join('\n');
}

const prometheusLabel = (catalogue, key) =>
  Object.values(catalogue.LABEL_CATALOGUE).find((l) => l.key === key)?.prometheus ?? key;

function metricLabels(catalogue, m) {
  if (m.labels.length === 0) return '—';
  return m.labels
    .map((key) => {
      const values = m.labelValues?.[key];
      return values ? `${code(prometheusLabel(catalogue, key))} (${list(values)})` : code(prometheusLabel(catalogue, key));
    })
    .join(', ');
}

function metricType(m) {
  if (m.type === 'histogram') return `histogram (${list(['_bucket', '_sum', '_count'])})`;
  return m.instrument === 'upDownCounter' || m.instrument === 'observableUpDownCounter' ? 'gauge (up-down)' : m.type;
}
const runbookLink = (a) => `[runbook](${a.runbook.replace(/^docs\//, '')})`;

/** The tables by region name. */
export function renderTables(catalogue) {
  const metrics = Object.values(catalogue.METRIC_CATALOGUE);
  const alerts = Object.values(catalogue.ALERT_CATALOGUE);
  return {
    metrics: table(
      ['Prometheus series', 'OTel instrument (unit)', 'type', 'labels', 'meaning', 'package'],
      metrics.map((m) => [
        code(m.prometheus),
        m.unit ? `${code(m.otel)} (${m.unit})` : code(m.otel),
        metricType(m),
        metricLabels(catalogue, m),
        m.meaning,
        m.group ? `${m.package} (\`runtimeMetrics.${m.group}\`)` : m.package,
      ]),
    ),
    labels: table(
      ['label', 'attribute key', 'on', 'values', 'meaning'],
      Object.values(catalogue.LABEL_CATALOGUE).map((l) => [
        code(l.prometheus),
        code(l.key),
        l.on === 'both' ? 'metrics, alerts' : l.on === 'rule' ? 'recording rules' : `${l.on}s`,
        l.values ? list(l.values) : 'any',
        l.description,
      ]),
    ),
    'alert-metrics': table(
      ['series', 'type', 'labels', 'meaning'],
      metrics
        .filter((m) => m.package === 'core' && !m.group)
        .map((m) => [code(m.prometheus), metricType(m), metricLabels(catalogue, m), m.meaning]),
    ),
    alerts: table(
      ['alertname', 'severity', 'subject label', 'raised by', 'fires when', 'resolves when', 'runbook'],
      alerts
        .filter((a) => a.runtime)
        .map((a) => [
          code(a.name),
          a.severity,
          code(a.subject),
          a.runtime.raisedBy,
          a.runtime.firesWhen,
          a.runtime.resolvesWhen,
          runbookLink(a),
        ]),
    ),
    rules: table(
      ['alertname', 'severity', 'subject', 'expression (simplified)', 'for', 'runbook'],
      alerts
        .filter((a) => a.rule)
        .map((a) => [code(a.name), a.severity, code(a.subject), a.rule.expr, a.rule.for ?? '–', runbookLink(a)]),
    ),
    parity: table(
      ['alertname', 'defaults (`params`)', 'for', 'runtime vs rule'],
      alerts
        // the alerts whose definition states its defaults or its difference (both evaluators read them)
        .filter((a) => a.runtime && a.rule && (a.params || a.parity))
        .map((a) => [
          code(a.name),
          a.params
            ? Object.entries(a.params)
                .map(([k, v]) => `${code(k)} ${v}`)
                .join(', ')
            : '—',
          a.rule.for ?? '–',
          a.parity ?? 'the same definition on the same inputs',
        ]),
    ),
    runbooks: table(
      ['Alert', 'Severity', 'Page'],
      alerts.map((a) => [code(a.name), a.severity, `[${a.name}](${a.runbook.replace(/^docs\/runbooks\//, '')})`]),
    ),
  };
}

/** Replaces the content of region `name` of a Markdown text; throws when its markers are missing. */
export function replaceRegion(text, name, content) {
  const start = `<!-- catalogue:${name}:start -->`;
  const end = `<!-- catalogue:${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end, from);
  if (from < 0 || to < 0) throw new Error(`missing ${start} … ${end}`);
  return `${text.slice(0, from + start.length)}\n${content}\n${text.slice(to)}`;
}

/** The generated docs: the regions of each file, in order. */
export const DOCS = {
  'docs/metrics.md': ['metrics', 'labels'],
  'docs/alerts.md': ['alert-metrics', 'alerts', 'rules', 'parity'],
  'docs/runbooks/README.md': ['runbooks'],
};

/** `[{ path, current, expected }]` for every generated doc of a root. */
export async function generateDocs(root) {
  const tables = renderTables(await loadCatalogue(root));
  return Object.entries(DOCS).map(([path, regions]) => {
    const current = readFileSync(join(root, path), 'utf8');
    const expected = regions.reduce((text, region) => replaceRegion(text, region, tables[region]), current);
    return { path, current, expected };
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const check = process.argv.includes('--check');
  const docs = await generateDocs(root);
  const stale = docs.filter((d) => d.current !== d.expected);
  if (check) {
    if (stale.length > 0) {
      console.error(`docs differ from the catalogue: ${stale.map((d) => d.path).join(', ')} (run pnpm docs:gen)`);
      process.exit(1);
    }
    console.log(`docs: ${docs.map((d) => d.path).join(', ')} match the catalogue`);
  } else {
    for (const d of stale) writeFileSync(join(root, d.path), d.expected);
    console.log(`docs: ${stale.length === 0 ? 'up to date' : `wrote ${stale.map((d) => d.path).join(', ')}`}`);
  }
}
