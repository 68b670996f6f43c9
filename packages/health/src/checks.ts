import { statfs } from 'node:fs/promises';
import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import {
  checkHeaders,
  invalidOption,
  outboundRequest,
  type RedisClientLike,
  redisCommand,
  splitUrlCredentials,
  validateOptions,
} from '@slakit/core';
import type { CheckResult, HealthCheck } from './check.js';
import { CHECK_OPTION_SCHEMAS } from './options-schema.js';

type Options = Omit<HealthCheck, 'run' | 'kind'>;

/** The part of a `pg` Pool/Client the postgres check uses. */
export interface PgLike {
  query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

/**
 * PostgreSQL: `SELECT 1`, then (optionally) required indexes from `pg_indexes` and required tables/columns from
 * `information_schema` (seed 000 checks 1, 4, 7). Failures are codes: `ECONNREFUSED`, `AUTH_FAILED`, `TIMEOUT`,
 * `INDEX_MISSING:<name>`, `TABLE_MISSING:<name>`, `COLUMN_MISSING:<table>.<column>` — never driver messages.
 * Observed value: round-trip ms. A dependency check: readiness/startup only.
 */
export function postgres(
  pool: PgLike,
  options: Options & { requiredIndexes?: string[]; requiredTables?: { name: string; columns?: string[] }[] } = {},
): HealthCheck {
  validateOptions(CHECK_OPTION_SCHEMAS.postgres, options);
  if (!pool || typeof pool.query !== 'function') throw invalidOption('pool', pool, 'a pg Pool or Client');
  const { requiredIndexes = [], requiredTables = [], ...rest } = options;
  return {
    componentType: 'datastore',
    measurement: 'connections',
    ...rest,
    kind: 'dependency',
    async run() {
      const t = performance.now();
      await pool.query('SELECT 1');
      const ms = Math.round((performance.now() - t) * 1000) / 1000;
      if (requiredIndexes.length > 0) {
        const { rows } = await pool.query('SELECT indexname FROM pg_indexes WHERE indexname = ANY($1::text[])', [
          requiredIndexes,
        ]);
        const found = new Set(rows.map((r) => String(r.indexname)));
        const missing = requiredIndexes.find((i) => !found.has(i));
        if (missing) return { status: 'fail', output: `INDEX_MISSING:${missing}`, observedValue: ms, observedUnit: 'ms' };
      }
      for (const table of requiredTables) {
        const [schema, name] = table.name.includes('.') ? table.name.split('.', 2) : ['public', table.name];
        const { rows } = await pool.query(
          'SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2',
          [schema, name],
        );
        if (rows.length === 0)
          return { status: 'fail', output: `TABLE_MISSING:${table.name}`, observedValue: ms, observedUnit: 'ms' };
        const columns = new Set(rows.map((r) => String(r.column_name)));
        const missing = (table.columns ?? []).find((c) => !columns.has(c));
        if (missing)
          return { status: 'fail', output: `COLUMN_MISSING:${table.name}.${missing}`, observedValue: ms, observedUnit: 'ms' };
      }
      return { status: 'pass', observedValue: ms, observedUnit: 'ms' };
    },
  };
}

/**
 * Redis (ioredis or node-redis): `PING`; with `lockRoundTrip`, also takes and releases a probe lock
 * (`SET key token NX PX` + compare-and-delete) — "can acquire/release locks". Observed value: round-trip ms.
 */
export function redis(
  client: RedisClientLike,
  options: Options & { lockRoundTrip?: boolean; probeKey?: string } = {},
): HealthCheck {
  validateOptions(CHECK_OPTION_SCHEMAS.redis, options);
  const command = redisCommand(client);
  const { lockRoundTrip = false, probeKey = 'slakit:health:probe', ...rest } = options;
  return {
    componentType: 'datastore',
    measurement: 'responseTime',
    ...rest,
    kind: 'dependency',
    async run() {
      const t = performance.now();
      const pong = await command(['PING']);
      if (pong !== 'PONG') return { status: 'fail', output: 'UNEXPECTED_REPLY' };
      if (lockRoundTrip) {
        const token = `${process.pid}:${Date.now()}:${Math.random()}`;
        const key = `${probeKey}:${process.pid}`;
        if ((await command(['SET', key, token, 'NX', 'PX', 5000])) !== 'OK')
          return { status: 'fail', output: 'LOCK_UNAVAILABLE' };
        const released = await command([
          'EVAL',
          "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
          1,
          key,
          token,
        ]);
        if (released !== 1) return { status: 'fail', output: 'LOCK_RELEASE_FAILED' };
      }
      return { status: 'pass', observedValue: Math.round((performance.now() - t) * 1000) / 1000, observedUnit: 'ms' };
    },
  };
}

/** Most response-body bytes the `http()` check reads; the rest is not downloaded (the connection is dropped). */
const HTTP_CHECK_MAX_BODY_BYTES = 64 * 1024;

/**
 * HTTP dependency: a request with the check's deadline (connect, headers and body); fails with `HTTP_<status>` or the
 * network error code (`TIMEOUT` when the deadline passes, also for a server that trickles its body). Redirects are
 * never followed: a 3xx is the answer (it passes the default `expectStatus`, 200–399; set `expectStatus: 200` to
 * fail on it). At most 64 KiB of the body is read, then the connection is dropped: the status decides.
 * `user:password@` in the URL is sent as basic auth.
 * @throws SlakitError `ERR_SLAKIT_INVALID_OPTION` for a URL that is not http(s) or an invalid header (neither echoed)
 */
export function http(
  url: string,
  options: Options & {
    method?: string;
    headers?: Record<string, string>;
    expectStatus?: number | ((status: number) => boolean);
  } = {},
): HealthCheck {
  validateOptions(CHECK_OPTION_SCHEMAS.http, options);
  if (!splitUrlCredentials(url)) throw invalidOption('url', '[url]', 'an http(s) URL');
  const { method = 'GET', headers: rawHeaders, expectStatus, ...rest } = options;
  const headers = checkHeaders('headers', rawHeaders);
  const ok =
    typeof expectStatus === 'function'
      ? expectStatus
      : (s: number) => (expectStatus === undefined ? s >= 200 && s < 400 : s === expectStatus);
  return {
    componentType: 'http',
    measurement: 'responseTime',
    ...rest,
    kind: 'dependency',
    async run(signal) {
      const t = performance.now();
      const res = await outboundRequest(url, {
        method,
        headers,
        signal,
        maxBodyBytes: HTTP_CHECK_MAX_BODY_BYTES,
        overflow: 'truncate',
      });
      const ms = Math.round((performance.now() - t) * 1000) / 1000;
      return ok(res.status)
        ? { status: 'pass', observedValue: ms, observedUnit: 'ms' }
        : { status: 'fail', output: `HTTP_${res.status}`, observedValue: ms, observedUnit: 'ms' };
    },
  };
}

/** Required environment variables (names reported, values never): `ENV_MISSING:<NAME>`, `ENV_INVALID:<NAME>`. */
export function env(
  names: string[],
  options: Options & { formats?: Record<string, 'url' | 'nonEmpty' | RegExp>; source?: Record<string, string | undefined> } = {},
): HealthCheck {
  validateOptions(CHECK_OPTION_SCHEMAS.env, options);
  if (!Array.isArray(names) || names.some((n) => typeof n !== 'string' || n === ''))
    throw invalidOption('names', names, 'an array of variable names');
  const { formats = {}, source, ...rest } = options;
  return {
    componentType: 'system',
    measurement: 'variables',
    ...rest,
    run() {
      const vars = source ?? process.env;
      for (const name of names) {
        const v = vars[name];
        if (v === undefined || v === '') return { status: 'fail', output: `ENV_MISSING:${name}` };
        const f = formats[name];
        let valid = true;
        if (f === 'url') {
          try {
            new URL(v);
          } catch {
            valid = false;
          }
        } else if (f instanceof RegExp) valid = f.test(v);
        if (!valid) return { status: 'fail', output: `ENV_INVALID:${name}` };
      }
      return { status: 'pass', observedValue: names.length, observedUnit: 'variables' };
    },
  };
}

/** Event-loop delay (p99 since the last run, ms): warn above `warnMs` (100), fail above `failMs` (1000). A liveness check. */
export function eventLoopDelay(options: Options & { warnMs?: number; failMs?: number } = {}): HealthCheck {
  validateOptions(CHECK_OPTION_SCHEMAS.eventLoopDelay, options);
  const { warnMs = 100, failMs = 1000, ...rest } = options;
  let histogram: IntervalHistogram | undefined;
  return {
    componentType: 'system',
    measurement: 'eventLoopDelay',
    roles: ['liveness'],
    ...rest,
    run() {
      if (!histogram) {
        histogram = monitorEventLoopDelay({ resolution: 20 });
        histogram.enable();
        return { status: 'pass', observedValue: 0, observedUnit: 'ms' };
      }
      const p99 = Math.round((histogram.percentile(99) / 1e6) * 100) / 100;
      histogram.reset();
      const status = p99 > failMs ? 'fail' : p99 > warnMs ? 'warn' : 'pass';
      return status === 'pass'
        ? { status, observedValue: p99, observedUnit: 'ms' }
        : { status, observedValue: p99, observedUnit: 'ms', output: 'EVENT_LOOP_DELAY_HIGH' };
    },
  };
}

/** Heap used / heap limit: warn above `heapRatioWarn` (0.85), fail above `heapRatioFail` (0.95). A liveness check. */
export function memory(options: Options & { heapRatioWarn?: number; heapRatioFail?: number } = {}): HealthCheck {
  validateOptions(CHECK_OPTION_SCHEMAS.memory, options);
  const { heapRatioWarn = 0.85, heapRatioFail = 0.95, ...rest } = options;
  if (!(heapRatioWarn < heapRatioFail))
    throw invalidOption(
      'heapRatioWarn',
      heapRatioWarn,
      `a ratio lower than heapRatioFail (${heapRatioFail})`,
      'ERR_SLAKIT_THRESHOLD_ORDER',
    );
  return {
    componentType: 'system',
    measurement: 'heapUsage',
    roles: ['liveness'],
    ...rest,
    run() {
      const h = getHeapStatistics();
      const ratio = Math.round((h.used_heap_size / h.heap_size_limit) * 10000) / 10000;
      const status = ratio > heapRatioFail ? 'fail' : ratio > heapRatioWarn ? 'warn' : 'pass';
      return status === 'pass'
        ? { status, observedValue: ratio, observedUnit: 'ratio' }
        : { status, observedValue: ratio, observedUnit: 'ratio', output: 'HEAP_HIGH' };
    },
  };
}

/** Free disk space at `path` (bytes): fail below `minFreeBytes` (default 100 MiB). */
export function diskSpace(path: string, options: Options & { minFreeBytes?: number } = {}): HealthCheck {
  validateOptions(CHECK_OPTION_SCHEMAS.diskSpace, options);
  const { minFreeBytes = 100 * 1024 * 1024, ...rest } = options;
  return {
    componentType: 'system',
    measurement: 'freeBytes',
    ...rest,
    async run() {
      const s = await statfs(path);
      const free = Number(s.bavail) * Number(s.bsize);
      return free < minFreeBytes
        ? { status: 'fail', observedValue: free, observedUnit: 'bytes', output: 'DISK_LOW' }
        : { status: 'pass', observedValue: free, observedUnit: 'bytes' };
    },
  };
}

/** Anything with `listLeases()` (a job-wrapper LeaseStore): no import of job-wrapper needed. */
export interface LeaseLister {
  listLeases(): Promise<{ key: string; state: string; heartbeatAt: Date; owner: { host: string; pid: number } }[]>;
}

/**
 * Stale ("zombie") leases (seed check 8): leases that expired without being released, or are held with a heartbeat
 * older than `maxAgeSeconds` (default 300). Warns with `STALE_LEASES:<n>` (degraded by default).
 */
export function staleLeases(
  store: LeaseLister,
  options: Options & { maxAgeSeconds?: number; now?: () => number } = {},
): HealthCheck {
  validateOptions(CHECK_OPTION_SCHEMAS.staleLeases, options);
  if (!store || typeof store.listLeases !== 'function') throw invalidOption('store', store, 'an object with listLeases()');
  const { maxAgeSeconds = 300, now = Date.now, ...rest } = options;
  return {
    componentType: 'component',
    measurement: 'staleLeases',
    severity: 'degraded',
    ...rest,
    async run(): Promise<CheckResult> {
      const leases = await store.listLeases();
      const t = now();
      const stale = leases.filter(
        (l) => l.state === 'expired' || (l.state === 'held' && t - l.heartbeatAt.getTime() > maxAgeSeconds * 1000),
      );
      return stale.length === 0
        ? { status: 'pass', observedValue: 0, observedUnit: 'leases' }
        : { status: 'fail', observedValue: stale.length, observedUnit: 'leases', output: `STALE_LEASES:${stale.length}` };
    },
  };
}

/** A check from a function returning a result, a boolean, or throwing. */
export function custom(
  fn: (signal: AbortSignal) => Promise<CheckResult | boolean> | CheckResult | boolean,
  options: Options & { kind?: 'dependency' | 'local' } = {},
): HealthCheck {
  validateOptions(CHECK_OPTION_SCHEMAS.custom, options);
  if (typeof fn !== 'function') throw invalidOption('fn', fn, 'a function');
  return {
    ...options,
    async run(signal) {
      const r = await fn(signal);
      return typeof r === 'boolean' ? { status: r ? 'pass' : 'fail' } : r;
    },
  };
}
