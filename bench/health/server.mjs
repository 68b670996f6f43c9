// One /readiness server per process: node health/server.mjs <variant> <port>. Every variant checks the same two
// dependencies (Postgres SELECT 1, Redis PING) on 127.0.0.1.
import { createServer } from 'node:http';
import { Redis } from 'ioredis';
import pg from 'pg';

const [variant, portText] = process.argv.slice(2);
const port = Number(portText);
const pool = new pg.Pool({ host: '127.0.0.1', user: 'postgres', database: 'test', max: 10 });
const redis = new Redis({ host: '127.0.0.1', port: 6379 });
const checkDependencies = async () => {
  await pool.query('SELECT 1');
  await redis.ping();
};
const ready = () => process.stdout.write('ready\n');

if (variant === 'slakit') {
  const { createHealth, postgres, redis: redisCheck } = await import('@slakit/health');
  const health = createHealth({
    checks: { db: postgres(pool), cache: redisCheck(redis) },
    logger: (await import('pino')).default({ level: 'silent' }),
  });
  health.markReady();
  createServer((req, res) => {
    if (!health.handle(req, res)) {
      res.writeHead(404);
      res.end();
    }
  }).listen(port, '127.0.0.1', ready);
} else if (variant === 'terminus') {
  const { createTerminus } = await import('@godaddy/terminus');
  const server = createServer((_req, res) => {
    res.writeHead(404);
    res.end();
  });
  // terminus runs the checks on every probe request.
  createTerminus(server, { healthChecks: { '/readiness': checkDependencies }, useExit0: true });
  server.listen(port, '127.0.0.1', ready);
} else if (variant === 'lightship') {
  const lightshipModule = await import('lightship');
  const createLightship = lightshipModule.createLightship ?? lightshipModule.default.createLightship;
  // lightship serves a state; the checks run on an interval (10 s, like slakit's default TTL) and set it.
  const lightship = await createLightship({ port, detectKubernetes: false, terminate: () => process.exit(0) });
  const refresh = () =>
    checkDependencies().then(
      () => lightship.signalReady(),
      () => lightship.signalNotReady(),
    );
  await refresh();
  setInterval(refresh, 10_000).unref();
  ready();
}
for (const s of ['SIGINT', 'SIGTERM']) process.once(s, () => process.exit(0));
