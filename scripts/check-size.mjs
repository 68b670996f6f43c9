#!/usr/bin/env node
// Size limits of the package sources (issue #18): no file over 300 lines, no function over 120 lines. Every
// function-like node counts (function declarations and expressions, arrows, methods, accessors, constructors),
// nested ones too, measured from its first to its last line. Tests, test-support, .d.ts and generated files
// (a `@generated` / `DO NOT EDIT` marker in the first lines) are left out.
// Usage: node scripts/check-size.mjs [root]   prints `file:line name N lines` per violation.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { display, isGenerated, lineOf, parse, sourceFiles, workspacePackages } from './lib/sources.mjs';

export const MAX_FILE_LINES = 300;
export const MAX_FUNCTION_LINES = 120;

/** Lines of a text as `wc -l` counts them, plus a last line without newline. */
export function lineCount(text) {
  if (text === '') return 0;
  const lines = text.split('\n').length;
  return text.endsWith('\n') ? lines - 1 : lines;
}

function propertyName(name) {
  if (!name) return undefined;
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name) || ts.isStringLiteralLike(name) || ts.isNumericLiteral(name)) {
    return name.text;
  }
  return `[${name.getText()}]`;
}

/** A readable name of a function-like node: its own, the variable/property it is assigned to, or the call it is passed to. */
function functionName(node) {
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  if (ts.isGetAccessorDeclaration(node)) return `get ${propertyName(node.name)}`;
  if (ts.isSetAccessorDeclaration(node)) return `set ${propertyName(node.name)}`;
  if (node.name) return propertyName(node.name);
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) {
    return propertyName(parent.name);
  }
  if (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken) return parent.left.getText();
  if (ts.isCallExpression(parent) || ts.isNewExpression(parent)) {
    const callee = parent.expression.getText().replace(/\s+/g, '');
    return `(${callee.length > 40 ? `${callee.slice(0, 40)}…` : callee} callback)`;
  }
  if (ts.isExportAssignment(parent)) return 'default';
  return '(anonymous)';
}

const isFunctionLike = (node) =>
  (ts.isFunctionDeclaration(node) ||
    ts.isFunctionExpression(node) ||
    ts.isArrowFunction(node) ||
    ts.isMethodDeclaration(node) ||
    ts.isGetAccessorDeclaration(node) ||
    ts.isSetAccessorDeclaration(node) ||
    ts.isConstructorDeclaration(node)) &&
  node.body !== undefined;

/** Every function-like node of a source text: `{ name, line, lines }`, names qualified by their enclosing functions/classes. */
export function measureFunctions(path, text) {
  const sourceFile = parse(path, text);
  const found = [];
  const visit = (node, scope) => {
    let inner = scope;
    if (ts.isClassLike(node) && node.name) inner = [...scope, node.name.text];
    if (isFunctionLike(node)) {
      const name = [...scope, functionName(node)].join('.');
      const line = lineOf(sourceFile, node.getStart(sourceFile));
      found.push({ name, line, lines: lineOf(sourceFile, node.getEnd()) - line + 1 });
      inner = [...scope, functionName(node)];
    }
    ts.forEachChild(node, (child) => visit(child, inner));
  };
  visit(sourceFile, []);
  return found;
}

/** The size violations of the given files: `{ file, line, name, lines, limit }` in file and line order. */
export function checkFiles(root, files, { maxFileLines = MAX_FILE_LINES, maxFunctionLines = MAX_FUNCTION_LINES } = {}) {
  const violations = [];
  for (const path of files) {
    const text = readFileSync(path, 'utf8');
    if (isGenerated(text)) continue;
    const file = display(root, path);
    const lines = lineCount(text);
    if (lines > maxFileLines) violations.push({ file, line: 1, name: '(file)', lines, limit: maxFileLines });
    for (const fn of measureFunctions(path, text)) {
      if (fn.lines > maxFunctionLines) violations.push({ file, ...fn, limit: maxFunctionLines });
    }
  }
  return violations;
}

/** Checks the sources of every `packages/*` (their `src` folders) of a root. */
export function checkSize(root, limits) {
  const files = workspacePackages(root).flatMap(({ dir }) => sourceFiles(join(dir, 'src')));
  return { files: files.length, violations: checkFiles(root, files, limits) };
}

export function formatViolation(v) {
  return `${v.file}:${v.line} ${v.name} ${v.lines} lines (max ${v.limit})`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
  const { files, violations } = checkSize(root);
  if (violations.length > 0) {
    console.error(
      `size check failed: ${violations.length} over the limits (files ≤ ${MAX_FILE_LINES} lines, functions ≤ ${MAX_FUNCTION_LINES}):`,
    );
    for (const v of violations) console.error(`  ${formatViolation(v)}`);
    process.exit(1);
  }
  console.log(`size check: ${files} files, none over ${MAX_FILE_LINES} lines, no function over ${MAX_FUNCTION_LINES} lines`);
}
