/** One sample line of the Prometheus text format. */
export interface ExpositionSample {
  /** Full sample name, e.g. `job_run_duration_seconds_bucket`. */
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A metric family: `# TYPE`/`# HELP` plus its samples. */
export interface ExpositionFamily {
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  help: string;
  samples: ExpositionSample[];
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+-?\d+)?$/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*(,|$)/y;

function parseValue(text: string, line: string): number {
  if (text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (text === 'NaN') return Number.NaN;
  const value = Number(text);
  if (text.trim() === '' || Number.isNaN(value)) throw new Error(`bad sample value in line: ${line}`);
  return value;
}

function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  LABEL.lastIndex = 0;
  while (LABEL.lastIndex < text.length) {
    const start = LABEL.lastIndex;
    const m = LABEL.exec(text);
    if (!m || m.index !== start) {
      if (text.slice(start).trim() === '') break;
      throw new Error(`bad labels in line: ${line}`);
    }
    const [, key = '', raw = ''] = m;
    if (key in labels) throw new Error(`duplicate label ${key} in line: ${line}`);
    labels[key] = raw.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
  }
  return labels;
}

function familyOf(sample: string, families: Map<string, ExpositionFamily>): ExpositionFamily | undefined {
  for (const suffix of ['_bucket', '_sum', '_count', '']) {
    if (suffix && !sample.endsWith(suffix)) continue;
    const family = families.get(sample.slice(0, sample.length - suffix.length));
    if (family && (suffix === '' || family.type === 'histogram' || family.type === 'summary')) return family;
  }
  return undefined;
}

/**
 * Strict parser of the Prometheus text exposition format (0.0.4): every line must be a comment, `# HELP`,
 * `# TYPE` or a well-formed sample, otherwise it throws with the line. Samples are grouped into their families
 * (`_bucket`/`_sum`/`_count` into their histogram).
 */
export function parsePrometheusText(text: string): ExpositionFamily[] {
  const families = new Map<string, ExpositionFamily>();
  const ensure = (name: string) => {
    let family = families.get(name);
    if (!family) {
      family = { name, type: 'untyped', help: '', samples: [] };
      families.set(name, family);
    }
    return family;
  };
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      const m = /^#\s+(HELP|TYPE)\s+([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(.*)$/.exec(line);
      if (!m) continue; // plain comment
      const [, kind, name = '', rest = ''] = m;
      if (kind === 'HELP') ensure(name).help = rest;
      else {
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(rest)) throw new Error(`bad TYPE line: ${line}`);
        ensure(name).type = rest as ExpositionFamily['type'];
      }
      continue;
    }
    const m = SAMPLE.exec(line.trim());
    if (!m) throw new Error(`bad sample line: ${line}`);
    const [, name = '', , labelText, valueText = ''] = m;
    const sample = { name, labels: labelText ? parseLabels(labelText, line) : {}, value: parseValue(valueText, line) };
    (familyOf(name, families) ?? ensure(name)).samples.push(sample);
  }
  return [...families.values()];
}
