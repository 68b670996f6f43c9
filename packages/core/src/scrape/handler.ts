import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Writable } from 'node:stream';
import { loadZlib } from '../deps.js';
import type { PrometheusConventionReader } from '../prometheus.js';
import type { ExpositionFormat } from './render-fast.js';

/** Content type of the Prometheus text exposition format served by slakit (the default). */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
/** Content type of the OpenMetrics text served when the scraper asks for it (Prometheus does). */
export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

/** The node:http request handler signature shared by Express, Fastify (`reply.raw`) and bare servers. */
export type MetricsHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** `q` of each media range / coding of an `Accept` or `Accept-Encoding` header, by lower-cased name. */
function qualities(header: string | string[] | undefined): Map<string, number> {
  const out = new Map<string, number>();
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  for (const part of text.split(',')) {
    const [name, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    if (!name) continue;
    const q = params.find((p) => p.startsWith('q='));
    const value = q === undefined ? 1 : Number(q.slice(2));
    out.set(name, Math.max(out.get(name) ?? 0, Number.isFinite(value) ? value : 0));
  }
  return out;
}

/** OpenMetrics when the `Accept` header ranks it above (or as high as) the 0.0.4 text format; else 0.0.4. */
export function negotiateFormat(accept: string | string[] | undefined): ExpositionFormat {
  const q = qualities(accept);
  const om = q.get('application/openmetrics-text') ?? 0;
  return om > 0 && om >= (q.get('text/plain') ?? 0) ? 'openmetrics' : 'text';
}

/** Whether `Accept-Encoding` accepts gzip (explicitly, with q > 0). */
export function acceptsGzip(acceptEncoding: string | string[] | undefined): boolean {
  return (qualities(acceptEncoding).get('gzip') ?? 0) > 0;
}

/** Resolves once `out` drained, or once `res` closed (a scraper that went away). */
function drained(out: Writable, res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      out.off('drain', done);
      res.off('close', done);
      resolve();
    };
    out.on('drain', done);
    res.on('close', done);
  });
}

async function serve(
  reader: PrometheusConventionReader,
  req: IncomingMessage,
  res: ServerResponse,
  onError: (error: unknown) => void,
): Promise<void> {
  const headers = req.headers ?? {};
  const format = negotiateFormat(headers.accept);
  const gzip = acceptsGzip(headers['accept-encoding']);
  const chunks = reader.chunks(format, onError);
  let next: IteratorResult<Buffer, void>;
  try {
    next = await chunks.next();
  } catch (error) {
    onError(error);
    if (res.writableEnded || res.destroyed) return;
    res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('metrics collection failed\n');
    return;
  }
  const gone = () => res.writableEnded || res.destroyed;
  if (gone() || req.method === 'HEAD') {
    await chunks.return();
    if (!gone()) {
      res.writeHead(200, { 'content-type': format === 'text' ? PROMETHEUS_CONTENT_TYPE : OPENMETRICS_CONTENT_TYPE });
      res.end();
    }
    return;
  }
  res.writeHead(200, {
    'content-type': format === 'text' ? PROMETHEUS_CONTENT_TYPE : OPENMETRICS_CONTENT_TYPE,
    'cache-control': 'no-store',
    vary: 'accept, accept-encoding',
    ...(gzip ? { 'content-encoding': 'gzip' } : {}),
  });
  let out: Writable = res;
  if (gzip) {
    // Compression runs on libuv's thread pool; level 1 keeps its CPU cost low (the text is highly repetitive).
    const zlib = loadZlib().createGzip({ level: 1 });
    zlib.on('error', (error) => res.destroy(error));
    zlib.pipe(res);
    out = zlib;
  }
  try {
    while (!next.done) {
      if (gone()) {
        await chunks.return();
        out.destroy();
        return;
      }
      if (!out.write(next.value)) await drained(out, res);
      next = await chunks.next();
    }
    out.end();
  } catch (error) {
    // Headers are out: a truncated body must not pass for a scrape, so the connection is cut.
    onError(error);
    out.destroy();
    res.destroy();
  }
}

/**
 * Builds the `/metrics` handler over a reader. Serves the 0.0.4 text format by default and OpenMetrics (with
 * exemplars) when `Accept` asks for `application/openmetrics-text`, gzip-compressed (streaming) when
 * `Accept-Encoding` allows it. The body is streamed as it is rendered, in slices with the event loop free between
 * them. It never throws: a collection failure answers 500 and is reported through `onError`.
 */
export function createMetricsHandler(
  reader: PrometheusConventionReader | undefined,
  onError: (error: unknown) => void,
): MetricsHandler {
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
      res.end('method not allowed\n');
      return;
    }
    if (!reader) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end("slakit: metrics are exported by the host's MeterProvider; mount its exporter instead\n");
      return;
    }
    serve(reader, req, res, onError).catch(onError);
  };
}
