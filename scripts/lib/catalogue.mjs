// Loads the catalogue (packages/core/src/catalogue/*.ts) in plain Node, without a build: the files are pure data,
// so each is transpiled by the TypeScript compiler into a temporary folder and imported from there.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';

/** The folder of the catalogue under a root. */
export const catalogueDir = (root) => join(root, 'packages', 'core', 'src', 'catalogue');

/** `{ METRIC_CATALOGUE, ALERT_CATALOGUE, LABEL_CATALOGUE, … }` of the catalogue under `root`. */
export async function loadCatalogue(root) {
  const dir = catalogueDir(root);
  const out = mkdtempSync(join(tmpdir(), 'slakit-catalogue-'));
  try {
    for (const name of readdirSync(dir)) {
      if (!name.endsWith('.ts') || name.endsWith('.test.ts') || name.endsWith('.d.ts')) continue;
      const { outputText } = ts.transpileModule(readFileSync(join(dir, name), 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
        fileName: name,
      });
      writeFileSync(join(out, name.replace(/\.ts$/, '.js')), outputText);
    }
    writeFileSync(join(out, 'package.json'), '{"type":"module"}');
    return await import(pathToFileURL(join(out, 'index.js')).href);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** Every alert name and metric name (OpenTelemetry, Prometheus and exposed series) of a loaded catalogue. */
export function catalogueNames(catalogue) {
  const names = new Map(); // name → what it is
  for (const [key, a] of Object.entries(catalogue.ALERT_CATALOGUE)) names.set(a.name, `alert ${key}`);
  for (const [key, m] of Object.entries(catalogue.METRIC_CATALOGUE)) {
    names.set(m.otel, `metric ${key} (OpenTelemetry name)`);
    names.set(m.prometheus, `metric ${key} (Prometheus name)`);
    for (const s of m.series) if (!names.has(s)) names.set(s, `metric ${key} (series)`);
  }
  return names;
}
