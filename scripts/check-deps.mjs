#!/usr/bin/env node
// The dependency rule of the monorepo (issue #18, DESIGN.md): @slakit/core depends on no other @slakit package; the
// framework-neutral foundations (@slakit/http, the shared request recorder) depend on core only; every other package
// depends on core and the foundations only (never on a sibling feature package), and no package has an import cycle
// between its files.
// Checks the manifests (dependencies, peerDependencies, optionalDependencies) and the module specifiers of the
// non-test sources (type-only imports, require() and import() included). Usage: node scripts/check-deps.mjs [root]
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { display, moduleSpecifiers, packageOf, parse, sourceFiles, workspacePackages } from './lib/sources.mjs';

export const CORE = '@slakit/core';
const SCOPE = '@slakit/';
const MANIFEST_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies'];

/** Framework-neutral packages feature packages are built on (DESIGN.md: "e.g. a shared request recorder"). */
export const FOUNDATIONS = ['@slakit/http'];

/** Whether package `from` may depend on `target` (both names): non-core → core; feature packages → foundations. */
export function allowed(from, target) {
  if (!target.startsWith(SCOPE)) return true;
  if (from === CORE) return false;
  if (target === CORE) return true;
  return !FOUNDATIONS.includes(from) && FOUNDATIONS.includes(target);
}

function ruleText(from) {
  if (from === CORE) return `${CORE} must not depend on any ${SCOPE}* package`;
  if (FOUNDATIONS.includes(from)) return `only ${CORE} is allowed`;
  return `only ${CORE} and ${FOUNDATIONS.join(', ')} are allowed`;
}

const RESOLVE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.d.ts', '.js', '.mjs', '.cjs'];

/** The file a relative specifier resolves to (TypeScript's `.js` → `.ts` mapping, `dir/index.ts`), if any. */
export function resolveRelative(fromFile, specifier) {
  const target = resolve(dirname(fromFile), specifier);
  const isFile = (p) => existsSync(p) && statSync(p).isFile();
  const stem = target.replace(/\.(js|jsx|mjs|cjs)$/, '');
  const candidates = [
    ...(stem !== target ? RESOLVE_EXTENSIONS.map((ext) => stem + ext) : []),
    target,
    ...RESOLVE_EXTENSIONS.map((ext) => target + ext),
    ...RESOLVE_EXTENSIONS.map((ext) => join(target, `index${ext}`)),
  ];
  return candidates.find(isFile);
}

/** Elementary cycles of a directed graph (Map node → Set of nodes), one per back edge, deduplicated by rotation. */
export function findCycles(graph) {
  const state = new Map(); // undefined: unvisited, 1: on the stack, 2: done
  const stack = [];
  const seen = new Set();
  const cycles = [];
  const visit = (node) => {
    state.set(node, 1);
    stack.push(node);
    for (const next of [...(graph.get(node) ?? [])].sort()) {
      if (state.get(next) === 1) {
        const cycle = stack.slice(stack.indexOf(next));
        const start = cycle.indexOf([...cycle].sort()[0]);
        const canonical = [...cycle.slice(start), ...cycle.slice(0, start)];
        const key = canonical.join('\0');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push(canonical);
        }
      } else if (state.get(next) === undefined) visit(next);
    }
    stack.pop();
    state.set(node, 2);
  };
  for (const node of [...graph.keys()].sort()) if (state.get(node) === undefined) visit(node);
  return cycles;
}

/** Checks one workspace package; returns the problems found and what it depends on. */
export function checkPackage(root, { dir, manifest }) {
  const name = manifest.name ?? display(root, dir);
  const problems = [];
  const dependsOn = new Set();
  for (const field of MANIFEST_FIELDS) {
    for (const dep of Object.keys(manifest[field] ?? {})) {
      if (!dep.startsWith(SCOPE)) continue;
      dependsOn.add(dep);
      if (!allowed(name, dep)) {
        problems.push(`${display(root, join(dir, 'package.json'))}: ${field} lists "${dep}" (${ruleText(name)})`);
      }
    }
  }
  const files = sourceFiles(join(dir, 'src'), { declarations: true });
  const graph = new Map();
  for (const file of files) {
    const edges = new Set();
    graph.set(file, edges);
    for (const { specifier, line, typeOnly } of moduleSpecifiers(parse(file, readFileSync(file, 'utf8')))) {
      const where = `${display(root, file)}:${line}`;
      const kind = typeOnly ? 'type import' : 'import';
      const pkg = packageOf(specifier);
      if (pkg?.startsWith(SCOPE)) {
        dependsOn.add(pkg);
        if (!allowed(name, pkg)) problems.push(`${where}: ${kind} "${specifier}" in ${name} (${ruleText(name)})`);
      } else if (specifier.startsWith('.')) {
        const target = resolveRelative(file, specifier);
        if (!target) continue; // unresolvable: left to the compiler
        if (!target.startsWith(join(dir, '/'))) {
          problems.push(`${where}: ${kind} "${specifier}" reaches outside ${name} (import the package by name)`);
        } else if (!/\.d\.[cm]?ts$/.test(target)) edges.add(target);
      }
    }
  }
  for (const cycle of findCycles(graph)) {
    problems.push(`import cycle in ${name}: ${[...cycle, cycle[0]].map((f) => display(root, f)).join(' → ')}`);
  }
  return { name, problems, dependsOn: [...dependsOn].sort(), files: files.length };
}

/** Runs the check over every `packages/*` of a root. */
export function checkDeps(root) {
  const results = workspacePackages(root).map((pkg) => checkPackage(root, pkg));
  return { results, problems: results.flatMap((r) => r.problems) };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
  const { results, problems } = checkDeps(root);
  if (problems.length > 0) {
    console.error(`dependency check failed (${problems.length}):\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  const dependents = results.filter((r) => r.dependsOn.includes(CORE)).map((r) => r.name.replace(SCOPE, ''));
  const files = results.reduce((n, r) => n + r.files, 0);
  console.log(`dependency check: ${results.length} packages, ${files} files; core ← ${dependents.join(', ')}; no cycles`);
}
