// bench/http-check: before benchmarking, checks that every variant's server of every framework answers the two bench
// routes with the expected JSON and — for the instrumented ones — that its /metrics shows the request it just served
// (a peer that silently records nothing would look fast). Run: pnpm build && pnpm --filter @slakit/bench http:check
// (BENCH_FRAMEWORKS=express,fastify,… picks frameworks; BENCH_VARIANTS picks variants.)
import { startServer } from './lib.mjs';

const script = new URL('./http/server.cjs', import.meta.url).pathname;
const all = {
  express: ['bare', 'bare-close', 'slakit-metrics', 'slakit-full', 'prom-bundle', 'otel'],
  fastify: ['bare', 'bare-close', 'slakit-metrics', 'slakit-full', 'fastify-metrics', 'fastify-metrics-histogram', 'otel'],
  koa: ['bare', 'bare-close', 'slakit-metrics', 'slakit-full', 'otel'],
  hono: ['bare', 'bare-close', 'slakit-metrics', 'slakit-full', 'hono-prometheus', 'hono-otel'],
  node: ['bare', 'bare-close', 'slakit-metrics', 'slakit-full', 'otel'],
};
const frameworks = (process.env.BENCH_FRAMEWORKS ?? Object.keys(all).join(',')).split(',');
const only = process.env.BENCH_VARIANTS?.split(',');
// What each instrumented variant's /metrics must contain once GET /users/42 was served.
const expected = (variant) =>
  variant.startsWith('slakit-')
    ? /http_server_request_duration_seconds_count\{[^}]*http_route="\/users\/:id"[^}]*\} 1\b/
    : variant === 'otel' || variant === 'hono-otel'
      ? /http_server_(request_)?duration[^\n]*_count\{/
      : variant === 'prom-bundle'
        ? /path="\/users\/#val"\} 1\b/
        : /\/users\/:id/;

let failures = 0;
for (const framework of frameworks) {
  for (const variant of all[framework].filter((v) => !only || only.includes(v))) {
    const env = { ...process.env, BENCH_FRAMEWORK: framework };
    let started;
    try {
      started = await startServer(script, variant, { env });
      const base = `http://127.0.0.1:${started.port}`;
      const user = await fetch(`${base}/users/42`);
      const userJson = await user.json();
      const order = await (await fetch(`${base}/orders/7`)).json();
      const problems = [];
      if (user.status !== 200 || userJson.id !== '42' || userJson.name !== 'Ada')
        problems.push(`/users/42 → ${JSON.stringify(userJson)}`);
      if (order.items?.length !== 20 || order.id !== '7') problems.push('/orders/7 → wrong body');
      if (!variant.startsWith('bare')) {
        await new Promise((r) => setTimeout(r, 100)); // completion handlers run after the response was written
        const metrics = await (await fetch(`${base}/metrics`)).text();
        if (!expected(variant).test(metrics)) problems.push(`/metrics lacks ${expected(variant)}:\n${metrics.slice(0, 1500)}`);
      }
      if (problems.length > 0) {
        failures++;
        console.log(`FAIL ${framework} ${variant}: ${problems.join('; ')}`);
      } else console.log(`ok   ${framework} ${variant}`);
    } catch (error) {
      failures++;
      console.log(`FAIL ${framework} ${variant}: ${error.message}`);
    } finally {
      if (started) {
        started.server.kill('SIGTERM');
        await new Promise((r) => (started.server.exitCode === null ? started.server.once('exit', r) : r()));
      }
    }
  }
}
process.exitCode = failures > 0 ? 1 : 0;
