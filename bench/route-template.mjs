// bench/route-template: cost of one route template read (what the recorder calls once per request), on requests
// captured from real Express 4 and 5 apps when their response finished — against the template code before mount
// chains (baseUrl split + req.params, copied below) in the same run.
// Run: pnpm build && pnpm --filter @slakit/bench route-template      (BENCH_TIME_MS)
import { routeTemplateInfo } from '@slakit/express-middleware';
import express5 from 'express';
import express4 from 'express4';
import { Bench } from 'tinybench';

// The route template before mount chains (packages/express-middleware/src/route.ts until 2026-12-06).
const ID_LIKE = /^(?:\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{16,}|[A-Za-z0-9_-]{24,})$/i;
function before(req) {
  const route = req.route;
  if (!route) return 'unmatched';
  const tail = typeof route.path === 'string' ? route.path : String(route.path);
  let base = req.baseUrl ?? '';
  if (base) {
    const params = req.params;
    const segments = base.split('/');
    for (let i = 1; i < segments.length; i++) {
      const seg = segments[i];
      let replaced = false;
      if (params) {
        for (const key in params) {
          if (params[key] === seg && seg !== '') {
            segments[i] = `:${key}`;
            replaced = true;
            break;
          }
        }
      }
      if (!replaced && ID_LIKE.test(seg)) segments[i] = ':id';
    }
    base = segments.join('/');
  }
  const full = base + (tail === '/' && base ? '' : tail);
  return full === '' ? '/' : full;
}

/** Requests of `app` for `paths`, as they are when their response finished. */
async function capture(express, build, paths) {
  const app = express();
  const reqs = new Map();
  app.use((req, res, next) => {
    res.on('finish', () => reqs.set(req.originalUrl, req));
    next();
  });
  build(express, app);
  const server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${server.address().port}`;
  for (const p of paths) await (await fetch(url + p)).arrayBuffer();
  await new Promise((r) => setTimeout(r, 50));
  server.close();
  return paths.map((p) => reqs.get(p));
}

const ok = (_req, res) => res.send('ok');
const build = (express, app) => {
  app.get('/users/:id', ok);
  const api = express.Router();
  api.get('/orders/:id', ok);
  app.use('/api/v1', api);
  const tenant = express.Router();
  tenant.get('/dashboard', ok);
  app.use('/t/:tenant', tenant);
  const either = express.Router();
  either.get('/z', ok);
  app.use(['/a/:x', '/b'], either);
};
const cases = [
  ['top-level route /users/:id', '/users/42'],
  ['static mount /api/v1 + /orders/:id', '/api/v1/orders/7'],
  ['parametrized mount /t/:tenant + /dashboard', '/t/acme/dashboard'],
  ['array mount [/a/:x, /b] + /z', '/a/1/z'],
];

const templates = [];
const bench = new Bench({ time: Number(process.env.BENCH_TIME_MS ?? 500), warmupTime: 200 });
for (const [version, express] of [
  ['Express 4', express4],
  ['Express 5', express5],
]) {
  const reqs = await capture(
    express,
    build,
    cases.map((c) => c[1]),
  );
  cases.forEach(([name], i) => {
    const req = reqs[i];
    templates.push(`\`${routeTemplateInfo(req).route}\` (before: \`${before(req)}\`)`);
    bench.add(`${version} ${name} | before`, () => before(req));
    bench.add(`${version} ${name} | now`, () => routeTemplateInfo(req));
  });
}
await bench.run();
console.log(`\nbench/route-template — node ${process.version}\n`);
console.log('| request | before ns/op | now ns/op | now ÷ before | template |');
console.log('|---|---:|---:|---:|---|');
for (let i = 0; i < bench.tasks.length; i += 2) {
  const b = bench.tasks[i];
  const n = bench.tasks[i + 1];
  const ns = (t) => t.result.latency.mean * 1e6;
  const name = b.name.replace(' | before', '');
  console.log(`| ${name} | ${ns(b).toFixed(0)} | ${ns(n).toFixed(0)} | ${(ns(n) / ns(b)).toFixed(2)} | ${templates[i / 2]} |`);
}
