import { execFileSync } from 'node:child_process';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { binary } from '../../../../test-support/services.js';
import { SlakitError } from '../errors.js';
import { createTelemetry, type Telemetry } from '../telemetry.js';
import { acceptsGzip, negotiateFormat, OPENMETRICS_CONTENT_TYPE, PROMETHEUS_CONTENT_TYPE } from './handler.js';

const PROMETHEUS_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

const opened: Telemetry[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((t) => t.shutdown()));
});

function logLines() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _e, done) {
      for (const l of chunk.toString().split('\n')) if (l.trim()) lines.push(JSON.parse(l));
      done();
    },
  });
  return { lines, destination };
}

async function serving(options: { seriesBudget?: number; series?: number } = {}) {
  const log = logLines();
  const t = createTelemetry({
    serviceName: 'svc',
    env: {},
    providers: 'own',
    registerGlobal: false,
    logger: { destination: log.destination },
    metrics: { port: 0, ...(options.seriesBudget ? { seriesBudget: options.seriesBudget } : {}) },
  });
  opened.push(t);
  const h = t.fast.histogram('http.server.request.duration', { unit: 's', boundaries: [0.1, 1] });
  for (let i = 0; i < (options.series ?? 3); i++) h.bind({ 'http.route': `/r/${i}` }).record(0.05);
  let address: AddressInfo | undefined;
  for (let i = 0; i < 100 && !address; i++) {
    await new Promise((r) => setTimeout(r, 10));
    address = t.metricsAddress();
  }
  return { t, log, port: (address as AddressInfo).port };
}

/** A raw GET (no automatic decompression): status, headers and body bytes. */
function get(port: number, headers: Record<string, string>, method = 'GET') {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/metrics', method, headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('content negotiation', () => {
  it('serves OpenMetrics when Accept ranks it at least as high as the text format, else 0.0.4', () => {
    expect(negotiateFormat(PROMETHEUS_ACCEPT)).toBe('openmetrics');
    expect(negotiateFormat(undefined)).toBe('text');
    expect(negotiateFormat('*/*')).toBe('text');
    expect(negotiateFormat('text/plain;version=0.0.4,application/openmetrics-text;q=0.5')).toBe('text');
    expect(negotiateFormat('application/openmetrics-text;q=0')).toBe('text');
    expect(negotiateFormat(['text/plain;q=0.2', 'Application/OpenMetrics-Text'])).toBe('openmetrics');
    expect(acceptsGzip('gzip')).toBe(true);
    expect(acceptsGzip('deflate, gzip;q=0.5')).toBe(true);
    expect(acceptsGzip('gzip;q=0, br')).toBe(false);
    expect(acceptsGzip(undefined)).toBe(false);
  });
});

describe('the /metrics handler', () => {
  it('compresses with gzip when asked, and the text is the uncompressed one', async () => {
    const { port } = await serving();
    const plain = await get(port, {});
    const zipped = await get(port, { 'accept-encoding': 'gzip' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers['content-type']).toBe(PROMETHEUS_CONTENT_TYPE);
    expect(zipped.headers['content-encoding']).toBe('gzip');
    const unzipped = gunzipSync(zipped.body).toString();
    const withoutGauges = (s: string) => s.replace(/# HELP slakit_scrape[\s\S]*$/, '');
    expect(withoutGauges(unzipped)).toBe(withoutGauges(plain.body.toString()));
    expect(unzipped).toContain('http_server_request_duration_seconds_bucket{http_route="/r/2",le="0.1"} 1\n');
  });

  it('answers OpenMetrics (gzipped) to Prometheus’ headers, and HEAD with headers only', async () => {
    const { port } = await serving();
    const om = await get(port, { accept: PROMETHEUS_ACCEPT, 'accept-encoding': 'gzip' });
    expect(om.headers['content-type']).toBe(OPENMETRICS_CONTENT_TYPE);
    expect(gunzipSync(om.body).toString().endsWith('# EOF\n')).toBe(true);
    const head = await get(port, { accept: PROMETHEUS_ACCEPT }, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-type']).toBe(OPENMETRICS_CONTENT_TYPE);
    expect(head.body.length).toBe(0);
  });

  it('survives scrapers that hang up mid-stream, and serves the next scrape whole', async () => {
    const { port } = await serving({ series: 20_000 });
    for (let i = 0; i < 3; i++) {
      await new Promise<void>((resolve) => {
        const req = request({ host: '127.0.0.1', port, path: '/metrics' }, (res) => {
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        });
        req.end();
      });
    }
    const whole = await get(port, { 'accept-encoding': 'gzip' });
    const text = gunzipSync(whole.body).toString();
    expect(text.split('\n').filter((l) => l.startsWith('http_server_request_duration_seconds_count{')).length).toBe(20_000);
  });

  it('logs one warning when a scrape exceeds metrics.seriesBudget, naming the count and the budget', async () => {
    const { port, log } = await serving({ seriesBudget: 10, series: 3 });
    await get(port, {});
    await get(port, {});
    const warnings = log.lines.filter((l) => String(l.msg).includes('metrics.seriesBudget'));
    expect(warnings).toHaveLength(1);
    // 3 series × (2 buckets + +Inf + sum + count) + target_info
    expect(warnings[0]).toMatchObject({ level: 40, series: 16, seriesBudget: 10 });
  });

  it('says nothing while scrapes stay within the budget', async () => {
    const { port, log } = await serving({ seriesBudget: 16, series: 3 });
    await get(port, {});
    expect(log.lines.filter((l) => String(l.msg).includes('seriesBudget'))).toHaveLength(0);
  });

  it('refuses a series budget that is not an integer ≥ 1', () => {
    for (const seriesBudget of [0, -1, 1.5, '10']) {
      const error = (() => {
        try {
          createTelemetry({
            env: {},
            providers: 'own',
            registerGlobal: false,
            metrics: { seriesBudget: seriesBudget as number },
          });
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(SlakitError);
      expect((error as SlakitError).code).toBe('ERR_SLAKIT_INVALID_OPTION');
      expect((error as SlakitError).message).toContain('metrics.seriesBudget');
    }
  });
});

describe('promtool check metrics (real promtool)', () => {
  it('finds nothing to report in the 0.0.4 text, scrape gauges included', async () => {
    const { port } = await serving();
    await get(port, {});
    const body = (await get(port, {})).body;
    expect(body.toString()).toContain('slakit_scrape_series');
    const out = execFileSync(binary('promtool', 'prometheus'), ['check', 'metrics'], { input: body, encoding: 'utf8' });
    expect(out).toBe('');
  });
});
