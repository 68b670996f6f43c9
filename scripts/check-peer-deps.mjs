#!/usr/bin/env node
// Fails when a published package lists a client library or @opentelemetry/api as a plain dependency, or imports one
// without declaring it as a peer dependency. Hosts must bring their own clients (DESIGN principle 2).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const PEER_ONLY = ['@opentelemetry/api', 'pino', 'pg', 'ioredis', 'redis', 'express', 'fastify', 'koa', '@sentry/node'];

function sources(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    // runtime sources only: tests and declaration files (test-only module aliases) are not shipped code
    return /\.ts$/.test(name) && !/\.(test|d)\.ts$/.test(name) ? [path] : [];
  });
}

export function checkPackage(dir) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const problems = [];
  for (const name of PEER_ONLY) {
    if (pkg.dependencies?.[name]) problems.push(`${pkg.name}: "${name}" is a dependency; it must be a peerDependency`);
  }
  for (const file of sources(join(dir, 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:from\s+|import\(\s*|require\(\s*)['"]([^'"]+)['"]/g)) {
      const spec = m[1];
      const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
      if (PEER_ONLY.includes(name) && !pkg.peerDependencies?.[name]) {
        problems.push(`${pkg.name}: ${file} imports "${name}" which is not in peerDependencies`);
      }
    }
  }
  return problems;
}

const root = new URL('..', import.meta.url).pathname;
const dirs = readdirSync(join(root, 'packages')).map((d) => join(root, 'packages', d));
const problems = dirs.flatMap(checkPackage);
if (problems.length > 0) {
  console.error(`peer-dependency check failed:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`peer-dependency check: ${dirs.length} packages, client libraries only as peers`);
