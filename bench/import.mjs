// Import cost of `@slakit/core` against `@opentelemetry/api` and a bare `node -e 0`, in the same run: fresh node
// processes, the variants alternating round by round (a slowdown of the host hits every variant), medians of the
// wall time of each process (spawn to exit), and the modules each import loads.
//
//   pnpm build && pnpm --filter @slakit/bench import      # BENCH_RUNS=15 BENCH_MODULES=1 (list the modules)
//   BENCH_CORE=<dir of another build of packages/core> node import.mjs   # measure that build instead
//   BENCH_BEFORE=<dir of another build of packages/core> node import.mjs # add it as a variant (before/after, same run)
//
// Module count: a second, untimed process per variant with `--import` of a hook that registers a `load` hook
// (`module.register`, Node ≥ 20.6) writing every loaded file URL to fd 3, plus, at exit, the CommonJS modules in
// `Module._cache` that a CJS `require()` loaded without going through the ESM hooks.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const runs = Number(process.env.BENCH_RUNS ?? 15);
const listModules = process.env.BENCH_MODULES === '1';

// Resolve from bench/ (its devDependencies) so both imports run in the same node_modules tree.
const core = process.env.BENCH_CORE;
const coreEsm = core ? join(core, 'dist/index.js') : resolveEsm('@slakit/core');
const coreCjs = core ? join(core, 'dist/index.cjs') : require.resolve('@slakit/core');
const VARIANTS = [
  { name: 'node -e 0 (baseline)', code: '0' },
  {
    name: "import('@opentelemetry/api')",
    code: `import(${JSON.stringify(pathToFileURL(require.resolve('@opentelemetry/api')).href)})`,
  },
  { name: "import('@slakit/core')", code: `import(${JSON.stringify(pathToFileURL(coreEsm).href)})` },
  { name: "require('@slakit/core')", code: `require(${JSON.stringify(coreCjs)})` },
];
if (process.env.BENCH_BEFORE) {
  const before = process.env.BENCH_BEFORE;
  VARIANTS.push(
    {
      name: "import('@slakit/core') BENCH_BEFORE",
      code: `import(${JSON.stringify(pathToFileURL(join(before, 'dist/index.js')).href)})`,
    },
    { name: "require('@slakit/core') BENCH_BEFORE", code: `require(${JSON.stringify(join(before, 'dist/index.cjs'))})` },
  );
}

function resolveEsm(name) {
  const out = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', `console.log(import.meta.resolve(${JSON.stringify(name)}))`],
    {
      cwd: here,
      encoding: 'utf8',
    },
  );
  if (out.status !== 0) throw new Error(`cannot resolve ${name}: ${out.stderr}`);
  return fileURLToPath(out.stdout.trim());
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function timeOnce(code) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, ['-e', code], { cwd: here, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (status) => {
      if (status !== 0) reject(new Error(`node -e ${code} exited ${status}`));
      else resolve(Number(process.hrtime.bigint() - start) / 1e6);
    });
  });
}

const HOOKS = `import { writeSync } from 'node:fs';
export async function load(url, context, next) {
  if (url.startsWith('file:')) writeSync(3, url + '\\n');
  return next(url, context);
}`;
const REGISTER = `
import Module, { register } from 'node:module';
import { writeSync } from 'node:fs';
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(HOOKS)}));
const cache = Module._cache;
process.on('exit', () => { for (const f of Object.keys(cache)) writeSync(3, 'cjs:' + f + '\\n'); });`;

function modules(code) {
  const out = spawnSync(
    process.execPath,
    ['--no-warnings', '--import', `data:text/javascript,${encodeURIComponent(REGISTER)}`, '-e', code],
    { cwd: here, encoding: 'utf8', stdio: ['ignore', 'inherit', 'inherit', 'pipe'] },
  );
  if (out.status !== 0) throw new Error(`module count of ${code} failed`);
  const files = new Set();
  for (const line of out.output[3].split('\n')) {
    if (!line) continue;
    files.add(line.startsWith('cjs:') ? line.slice(4) : fileURLToPath(line));
  }
  return [...files];
}

const times = new Map(VARIANTS.map((v) => [v.name, []]));
for (const v of VARIANTS) await timeOnce(v.code); // warm the file system cache
for (let i = 0; i < runs; i++) {
  // Alternate the order too, so no variant always runs right after the same neighbour.
  const order = i % 2 ? [...VARIANTS].reverse() : VARIANTS;
  for (const v of order) times.get(v.name).push(await timeOnce(v.code));
}

const base = median(times.get(VARIANTS[0].name));
const api = median(times.get(VARIANTS[1].name));
console.log(`node ${process.version}, ${runs} runs each, alternating; wall time of a fresh process (spawn to exit)\n`);
console.log('| variant | median ms | min – max ms | minus baseline ms | ÷ @opentelemetry/api | modules loaded |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const v of VARIANTS) {
  const xs = times.get(v.name);
  const m = median(xs);
  const mods = modules(v.code);
  console.log(
    `| ${v.name} | ${m.toFixed(1)} | ${Math.min(...xs).toFixed(0)} – ${Math.max(...xs).toFixed(0)} | ${(m - base).toFixed(1)} | ${(m / api).toFixed(2)} | ${mods.length} |`,
  );
  if (listModules && v.code !== '0') {
    const byPackage = new Map();
    for (const f of mods) {
      const at = f.lastIndexOf('node_modules/');
      const rest = at < 0 ? f : f.slice(at + 13);
      const pkg = at < 0 ? '(workspace)' : rest.startsWith('@') ? rest.split('/').slice(0, 2).join('/') : rest.split('/')[0];
      byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + 1);
    }
    for (const [pkg, n] of [...byPackage].sort((a, b) => b[1] - a[1])) console.log(`    ${n}\t${pkg}`);
  }
}
