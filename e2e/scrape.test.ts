// A real Prometheus (exemplar storage on) scrapes slakit's /metrics twice over: directly, as Prometheus asks
// (OpenMetrics, gzip), and through a proxy that asks for the 0.0.4 text (gzip). Both ingest the values slakit's text
// format shows, and the exemplars (trace ids of sampled requests and job runs) come back from query_exemplars.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTelemetry, METRIC_CATALOGUE as M, type Telemetry } from '@slakit/core';
import { parsePrometheusText } from '@slakit/core/testing';
import { memoryLeases, withSla } from '@slakit/job-wrapper';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binary, waitFor } from '../test-support/services.js';
import { type Proc, query, startPrometheus } from './stack.js';

const TRACE = '5b8efff798038103d269b633813fc60c';
const SPAN = 'eee19b7ec3c1b174';

let dir: string;
let telemetry: Telemetry;
let metricsServer: Server;
let proxy: Server;
let prom: Proc & { configFile: string };
let jobTrace: string;
const seen: { accept: string; encoding: unknown; type: unknown }[] = [];

const listen = (server: Server) =>
  new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));

/** slakit's /metrics as a given client asks for it: decompressed body and headers. */
async function scrape(headers: Record<string, string>): Promise<{ body: string; type: string | null }> {
  const { port } = metricsServer.address() as AddressInfo;
  const res = await fetch(`http://127.0.0.1:${port}/metrics`, { headers });
  return { body: await res.text(), type: res.headers.get('content-type') };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'slakit-scrape-'));
  const ended: string[] = [];
  telemetry = createTelemetry({
    serviceName: 'e2e-scrape',
    env: {},
    providers: 'own',
    registerGlobal: false,
    logger: { level: 'silent' },
    traces: {
      batch: false,
      exporter: {
        export(spans, done) {
          for (const s of spans) ended.push(s.spanContext().traceId);
          done({ code: 0 });
        },
        shutdown: async () => {},
      },
    },
  });
  const http = telemetry.fast.histogram(M.httpDuration.otel, {
    unit: 's',
    description: M.httpDuration.help,
    boundaries: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1],
  });
  const ok = http.bind({ 'http.request.method': 'GET', 'http.route': '/users/:id', 'http.response.status_code': 200 });
  for (let i = 0; i < 40; i++) ok.record(0.003 + i * 0.0001);
  ok.record(0.07, { traceId: TRACE, spanId: SPAN, traceFlags: 1 });
  ok.record(0.3, { traceId: 'f'.repeat(32), spanId: SPAN, traceFlags: 0 }); // not sampled: no exemplar
  http
    .bind({ 'http.request.method': 'POST', 'http.route': '/orders', 'http.response.status_code': 503, 'error.type': '503' })
    .record(2);
  telemetry.meter.createCounter('e2e.scrape.checks').add(7, { kind: 'meter-api' });
  const job = withSla('e2e_scrape_job', async () => ({ processed: 1 }), {
    budgetSeconds: 60,
    telemetry,
    leases: memoryLeases(),
    env: {},
  });
  await job();
  jobTrace = ended.at(-1) as string;

  metricsServer = createServer((req, res) => {
    // Records what the handler answered (headers given to writeHead are not readable with getHeader()).
    const writeHead = res.writeHead.bind(res) as (status: number, headers: Record<string, string>) => typeof res;
    res.writeHead = ((status: number, headers: Record<string, string>) => {
      seen.push({ accept: String(req.headers.accept), encoding: headers['content-encoding'], type: headers['content-type'] });
      return writeHead(status, headers);
    }) as typeof res.writeHead;
    telemetry.metricsHandler(req, res);
  });
  const metricsPort = await listen(metricsServer);
  // Asks for the 0.0.4 text whatever Prometheus accepts (Prometheus 2.42 cannot be told to), passes the rest through.
  proxy = createServer((req, res) => {
    const headers = { ...req.headers, accept: 'text/plain;version=0.0.4' };
    request({ host: '127.0.0.1', port: metricsPort, path: req.url, headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    }).end();
  });
  const proxyPort = await listen(proxy);
  prom = await startPrometheus(dir, {
    target: [],
    labels: {},
    ruleFiles: [],
    flags: ['--enable-feature=exemplar-storage'],
    scrapeConfigs: [
      { job_name: 'openmetrics', static_configs: [{ targets: [`127.0.0.1:${metricsPort}`] }] },
      { job_name: 'text', static_configs: [{ targets: [`127.0.0.1:${proxyPort}`] }] },
    ],
  });
  await waitFor(
    'both targets scraped with the job histogram',
    async () => {
      const r = await query(prom.url, 'count by (job) (job_run_duration_seconds_count)');
      return r.length === 2 ? true : undefined;
    },
    30_000,
  );
}, 60_000);

afterAll(async () => {
  await prom?.stop();
  await new Promise((r) => proxy?.close(r));
  metricsServer?.closeAllConnections();
  await new Promise((r) => metricsServer?.close(r));
  await telemetry?.shutdown();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a real Prometheus scraping slakit', () => {
  it('asked for OpenMetrics and gzip, and was served both (and the 0.0.4 text through the proxy)', async () => {
    const targets = (await (await fetch(`${prom.url}/api/v1/targets`)).json()) as {
      data: { activeTargets: { labels: { job: string }; health: string; lastError: string }[] };
    };
    for (const t of targets.data.activeTargets)
      expect({ job: t.labels.job, health: t.health, error: t.lastError }).toEqual({ job: t.labels.job, health: 'up', error: '' });
    const om = seen.find((s) => s.accept.startsWith('application/openmetrics-text'));
    expect(om).toMatchObject({ encoding: 'gzip', type: 'application/openmetrics-text; version=1.0.0; charset=utf-8' });
    const text = seen.find((s) => s.accept === 'text/plain;version=0.0.4');
    expect(text).toMatchObject({ encoding: 'gzip', type: 'text/plain; version=0.0.4; charset=utf-8' });
  });

  it('stores, for both formats, exactly the values the text format shows', async () => {
    const { body } = await scrape({});
    const expected = parsePrometheusText(body)
      .flatMap((f) => f.samples)
      .filter((s) => /^(http_server_request_duration_seconds|job_run_duration_seconds|e2e_scrape_checks_total)/.test(s.name));
    expect(expected.length).toBeGreaterThan(30);
    for (const job of ['openmetrics', 'text']) {
      const got = await query(
        prom.url,
        `{__name__=~"http_server_request_duration_seconds.*|job_run_duration_seconds.*|e2e_scrape_checks_total", job="${job}"}`,
      );
      const key = (name: string, labels: Record<string, string>) =>
        `${name}${JSON.stringify(
          Object.entries(labels)
            .filter(([k]) => k !== 'job' && k !== 'instance' && k !== '__name__')
            // OpenMetrics normalises le to a float text ("1" → "1.0"); compare as numbers
            .map(([k, v]) => [k, k === 'le' ? String(Number(v)) : v])
            .sort(),
        )}`;
      const stored = new Map(got.map((r) => [key(r.metric.__name__ as string, r.metric), Number(r.value[1])]));
      const want = new Map(expected.map((s) => [key(s.name, s.labels), s.value]));
      expect(stored, job).toEqual(want);
    }
  });

  it('returns the trace ids of the sampled request and job run from query_exemplars, on the right buckets', async () => {
    const now = Date.now() / 1000;
    const exemplars = async (q: string) => {
      const res = await fetch(
        `${prom.url}/api/v1/query_exemplars?${new URLSearchParams({ query: q, start: String(now - 600), end: String(now + 60) })}`,
      );
      const json = (await res.json()) as {
        data: { seriesLabels: Record<string, string>; exemplars: { labels: Record<string, string>; value: string }[] }[];
      };
      return json.data.flatMap((s) => s.exemplars.map((e) => ({ series: s.seriesLabels, ...e })));
    };
    const http = await exemplars('http_server_request_duration_seconds_bucket{job="openmetrics"}');
    expect(http).toHaveLength(1);
    expect(http[0]).toMatchObject({
      labels: { trace_id: TRACE, span_id: SPAN },
      value: '0.07',
      series: { le: '0.075', http_route: '/users/:id' },
    });
    const jobs = await exemplars('job_run_duration_seconds_bucket{job="openmetrics"}');
    expect(jobs.map((e) => e.labels.trace_id)).toEqual([jobTrace]);
    expect(jobs[0]?.series).toMatchObject({ job_name: 'e2e_scrape_job', outcome: 'succeeded' });
    // the 0.0.4 text carries none
    expect(await exemplars('http_server_request_duration_seconds_bucket{job="text"}')).toEqual([]);
  });

  it('passes promtool: `check metrics` on the 0.0.4 text, the OpenMetrics parser of `tsdb create-blocks-from openmetrics`', async () => {
    const promtool = binary('promtool', 'prometheus');
    const text = (await scrape({})).body;
    expect(execFileSync(promtool, ['check', 'metrics'], { input: text, encoding: 'utf8' })).toBe('');
    const om = await scrape({ accept: 'application/openmetrics-text;version=1.0.0' });
    expect(om.type).toContain('application/openmetrics-text');
    // promtool 2.42's `check metrics` reads only the 0.0.4 format (it rejects every exemplar), so the OpenMetrics
    // body goes through promtool's OpenMetrics parser instead: the backfill needs a timestamp on every sample.
    const ts = Math.floor(Date.now() / 1000);
    const stamped = om.body
      .split('\n')
      .map((line) => {
        if (line === '' || line.startsWith('#')) return line;
        const at = line.indexOf(' # {');
        return at < 0 ? `${line} ${ts}` : `${line.slice(0, at)} ${ts}${line.slice(at)}`;
      })
      .join('\n');
    expect(stamped).toContain(` ${ts} # {trace_id="${TRACE}"`);
    const file = join(dir, 'scrape.om');
    writeFileSync(file, stamped);
    const out = execFileSync(promtool, ['tsdb', 'create-blocks-from', 'openmetrics', file, join(dir, 'blocks')], {
      encoding: 'utf8',
    });
    expect(out).toMatch(/NUM SAMPLES/);
  });
});
