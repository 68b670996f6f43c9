// Memory of a hello-world Express server with slakit in metrics-only mode (issue #18, acceptance 3).
//
//   pnpm build && node --expose-gc bench/memory-probe.cjs [--bare] [--requests N] [--root <repo>]
//
// Requires express, @slakit/core and @slakit/express-middleware (their BUILT dist, resolved from bench/), calls
// createTelemetry({ providers: 'own' }) + instrument({ tracing: off, logging: off }), serves N requests (default
// 2000), runs the gc and prints process.memoryUsage() (MB), the number of modules loaded and whether any module
// path containing /zod/ was loaded. `--bare` measures the same server without slakit. `--root` resolves the
// packages from another checkout (e.g. /work/main) to compare.
'use strict';
const Module = require('node:module');
const http = require('node:http');
const path = require('node:path');

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const value = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const root = path.resolve(value('--root', path.join(__dirname, '..')));
const requests = Number(value('--requests', '2000'));
const bare = flag('--bare');

const loaded = new Set();
const originalLoad = Module._load;
Module._load = function load(request, parent, isMain) {
  const result = originalLoad.apply(this, [request, parent, isMain]);
  try {
    loaded.add(Module._resolveFilename(request, parent, isMain));
  } catch {
    // a builtin
  }
  return result;
};
const req = Module.createRequire(path.join(root, 'bench', 'package.json'));

const mb = (n) => Math.round((n / 1024 / 1024) * 10) / 10;
function usage() {
  global.gc?.();
  global.gc?.();
  const m = process.memoryUsage();
  return { rss: mb(m.rss), heapUsed: mb(m.heapUsed), heapTotal: mb(m.heapTotal), external: mb(m.external) };
}

function get(port) {
  return new Promise((resolve, reject) => {
    http
      .get({ port, path: '/', agent: keepAlive }, (res) => {
        res.resume();
        res.on('end', resolve);
      })
      .on('error', reject);
  });
}
const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 16 });

async function main() {
  if (!global.gc) console.error('run with node --expose-gc for stable figures');
  const start = usage();
  const express = req('express');
  const app = express();
  let telemetry;
  if (!bare) {
    const { createTelemetry } = req('@slakit/core');
    const { instrument } = req('@slakit/express-middleware');
    telemetry = createTelemetry({ serviceName: 'probe', providers: 'own', metrics: { port: 0 } });
    app.use(instrument({ telemetry, tracing: { enabled: false }, logging: { enabled: false } }));
  }
  app.get('/', (_req, res) => res.send('hello'));
  const server = await new Promise((resolve) => {
    const s = app.listen(0, () => resolve(s));
  });
  const { port } = server.address();
  const afterSetup = usage();
  for (let i = 0; i < requests; i += 16) await Promise.all(Array.from({ length: 16 }, () => get(port)));
  const afterLoad = usage();
  const zod = [...loaded].filter((f) => f.includes(`${path.sep}zod${path.sep}`));
  console.log(
    JSON.stringify(
      {
        mode: bare ? 'bare express' : 'express + slakit metrics-only',
        root,
        requests,
        start,
        afterSetup,
        afterLoad,
        modules: loaded.size,
        zodLoaded: zod.length > 0,
        zodModules: zod.length,
      },
      null,
      2,
    ),
  );
  keepAlive.destroy();
  server.close();
  await telemetry?.shutdown();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
