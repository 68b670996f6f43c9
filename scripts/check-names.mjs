#!/usr/bin/env node
// Every alert and metric name must come from the catalogue (issue #18, acceptance 5): reports each string literal
// of packages/*/src (non-test files, the catalogue itself aside) that equals a catalogued alert name, OpenTelemetry
// instrument name, Prometheus name or exposed series — and, marked "in text", literals and template parts that
// contain one as a whole word (a PromQL query, a message). Usage: node scripts/check-names.mjs [root] [--exact]
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { catalogueDir, catalogueNames, loadCatalogue } from './lib/catalogue.mjs';
import { display, lineOf, parse, sourceFiles, workspacePackages } from './lib/sources.mjs';

const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A regular expression finding any of the names as a whole word (`job.runs` not in `job.runs_x` nor `x.job.runs`). */
export function namePattern(names) {
  const alternatives = [...names].sort((a, b) => b.length - a.length).map(escapeRegExp);
  return new RegExp(`(?<![A-Za-z0-9_.])(?:${alternatives.join('|')})(?![A-Za-z0-9_]|\\.[A-Za-z0-9_])`, 'g');
}

/** The catalogued names used as literals in one source text: `{ line, name, what, exact }`. */
export function findNames(path, text, names, pattern = namePattern(names.keys())) {
  const sourceFile = parse(path, text);
  const found = [];
  const visit = (node) => {
    let value;
    let whole = false;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      value = node.text;
      whole = true;
    } else if (ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) {
      value = node.text;
    }
    if (value !== undefined) {
      const line = lineOf(sourceFile, node.getStart(sourceFile));
      if (whole && names.has(value)) found.push({ line, name: value, what: names.get(value), exact: true });
      else {
        for (const m of value.matchAll(pattern)) found.push({ line, name: m[0], what: names.get(m[0]), exact: false });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}

/** Every catalogued name used as a literal outside the catalogue, in file and line order. */
export async function checkNames(root) {
  const names = catalogueNames(await loadCatalogue(root));
  const pattern = namePattern(names.keys());
  const skip = join(catalogueDir(root), '/');
  const uses = [];
  for (const { dir } of workspacePackages(root)) {
    for (const path of sourceFiles(join(dir, 'src'))) {
      if (path.startsWith(skip)) continue;
      const file = display(root, path);
      for (const use of findNames(path, readFileSync(path, 'utf8'), names, pattern)) uses.push({ file, ...use });
    }
  }
  return { names: names.size, uses };
}

export function formatUse(u) {
  return `${u.file}:${u.line} "${u.name}" ${u.exact ? '' : 'in text '}(${u.what})`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const root = resolve(args.find((a) => !a.startsWith('--')) ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
  const { names, uses: all } = await checkNames(root);
  const uses = args.includes('--exact') ? all.filter((u) => u.exact) : all;
  if (uses.length > 0) {
    const exact = uses.filter((u) => u.exact).length;
    console.error(
      `name check failed: ${uses.length} literals name a catalogued alert or metric (${exact} exact, ${uses.length - exact} in text);`,
    );
    console.error('import them from the catalogue of @slakit/core instead:');
    for (const u of uses) console.error(`  ${formatUse(u)}`);
    process.exit(1);
  }
  console.log(`name check: ${names} catalogued names, none written as a literal outside the catalogue`);
}
