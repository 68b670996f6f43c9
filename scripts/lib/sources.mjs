// Shared helpers of the structure checks (check-deps, check-size, check-names): which files are package sources,
// and their module specifiers / string literals through the TypeScript compiler API.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';

const SOURCE = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;
const TEST = /\.(test|spec)\.[cm]?[jt]sx?$/;

/** The workspace packages: every `packages/*` directory with a package.json. */
export function workspacePackages(root) {
  const base = join(root, 'packages');
  if (!existsSync(base)) return [];
  return readdirSync(base)
    .sort()
    .map((name) => join(base, name))
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }));
}

/** True for a generated file: a `@generated` / `DO NOT EDIT` marker in its first five lines. */
export function isGenerated(text) {
  return /@generated|DO NOT EDIT/i.test(text.split('\n', 5).join('\n'));
}

/**
 * Source files under `dir`, recursively, as absolute paths (sorted). Tests (`*.test.ts`), `test-support` folders,
 * `node_modules`, `dist` are left out; `.d.ts` files only with `declarations: true`.
 */
export function sourceFiles(dir, { declarations = false } = {}) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name === 'node_modules' || name === 'dist' || name === 'test-support' || name === 'testing-fixtures') continue;
      out.push(...sourceFiles(path, { declarations }));
    } else if (SOURCE.test(name) && !TEST.test(name) && (declarations || !/\.d\.[cm]?ts$/.test(name))) {
      out.push(path);
    }
  }
  return out;
}

/** A path relative to the root with forward slashes, as printed in the reports. */
export function display(root, path) {
  return relative(root, path).split(sep).join('/');
}

export function parse(path, text = readFileSync(path, 'utf8')) {
  return ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, path.endsWith('x') ? ts.ScriptKind.TSX : undefined);
}

export function lineOf(sourceFile, pos) {
  return sourceFile.getLineAndCharacterOfPosition(pos).line + 1;
}

/**
 * Every module specifier of a file: static imports and re-exports (type-only ones included), `import x =
 * require()`, `require()`, `import()` calls and `import('x')` types. `{ specifier, line, typeOnly }`.
 */
export function moduleSpecifiers(sourceFile) {
  const found = [];
  const add = (literal, typeOnly) => {
    if (literal && ts.isStringLiteralLike(literal)) {
      found.push({ specifier: literal.text, line: lineOf(sourceFile, literal.getStart(sourceFile)), typeOnly });
    }
  };
  const visit = (node) => {
    if (ts.isImportDeclaration(node)) {
      add(node.moduleSpecifier, Boolean(node.importClause?.isTypeOnly));
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      add(node.moduleSpecifier, node.isTypeOnly);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node.moduleReference.expression, node.isTypeOnly);
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const isRequire = ts.isIdentifier(callee) && callee.text === 'require';
      if ((isRequire || callee.kind === ts.SyntaxKind.ImportKeyword) && node.arguments.length > 0) add(node.arguments[0], false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}

/** The package name of a bare specifier (`@scope/name/sub` → `@scope/name`), or undefined for a relative/absolute one. */
export function packageOf(specifier) {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}
