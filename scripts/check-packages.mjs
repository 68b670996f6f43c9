#!/usr/bin/env node
// Runs publint and `attw --pack` on every published package; fails on any problem.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const bin = (name) => join(root, 'node_modules', '.bin', name);
let failed = false;
for (const dir of readdirSync(join(root, 'packages')).map((d) => join(root, 'packages', d))) {
  for (const [tool, args] of [
    ['publint', ['--strict']],
    ['attw', ['--pack', '.', '--profile', 'node16']],
  ]) {
    console.log(`$ (cd ${dir.slice(root.length)} && ${tool} ${args.join(' ')})`);
    try {
      process.stdout.write(execFileSync(bin(tool), args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
    } catch (error) {
      failed = true;
      process.stdout.write(String(error.stdout ?? ''));
      process.stderr.write(String(error.stderr ?? ''));
    }
  }
}
if (failed) {
  console.error('package checks failed');
  process.exit(1);
}
