import type { ClientRequest, IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { loadHttp, loadHttps } from './deps.js';
import { SlakitError } from './errors.js';

/**
 * A failed outbound request. `code` is short and secret-free — never the URL (which may carry a token), a header or
 * a response body: `TIMEOUT`, `ABORTED`, `BODY_TOO_LARGE`, `UNSUPPORTED_PROTOCOL`, `INVALID_URL`, or the socket/parser
 * error code (`ECONNREFUSED`, `ECONNRESET`, `ENOTFOUND`, `HPE_HEADER_OVERFLOW`, …; `NETWORK_ERROR` when there is none).
 */
export class OutboundError extends Error {
  readonly code: string;
  constructor(code: string) {
    super(`outbound request failed: ${code}`);
    this.name = 'OutboundError';
    this.code = code;
  }
}

/** Options of {@link outboundRequest}. */
export interface OutboundRequestOptions {
  /** HTTP method; default `POST` with a body, `GET` without. */
  method?: string;
  /** Request headers. An `authorization` header wins over credentials in the URL. */
  headers?: Record<string, string>;
  /** Request body; sent with its `content-length`. */
  body?: string | Uint8Array;
  /** Aborts the request (connection destroyed); the promise rejects with `TIMEOUT` (or the reason's code). */
  signal?: AbortSignal;
  /** Deadline of the whole exchange (connect, headers, body) in ms, in addition to `signal`; default none. */
  timeoutMs?: number;
  /** Most response-body bytes read; default 4096 (enough for an error detail). */
  maxBodyBytes?: number;
  /**
   * What happens past `maxBodyBytes`: `fail` (default) destroys the connection and rejects with `BODY_TOO_LARGE`;
   * `truncate` destroys the connection and resolves with the first `maxBodyBytes` bytes (`truncated: true`).
   */
  overflow?: 'fail' | 'truncate';
}

/** The answer to an {@link outboundRequest}: any final status, 3xx included (redirects are never followed). */
export interface OutboundResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body, at most `maxBodyBytes` bytes. Never decompressed (no `accept-encoding` is sent). */
  body: Buffer;
  /** True when the body was cut at `maxBodyBytes` (only with `overflow: 'truncate'`). */
  truncated: boolean;
}

/** Default bound of a response body read by {@link outboundRequest}. */
export const OUTBOUND_MAX_BODY_BYTES = 4096;

const MAX_TIMER_MS = 2 ** 31 - 1;
const CODE = /^[A-Z][A-Z0-9_]{1,40}$/;

/** A short code for a socket, parser or abort error; never its message. */
function errorCode(error: unknown): string {
  const e = error as { code?: unknown; cause?: { code?: unknown }; name?: unknown } | undefined;
  const code = e?.code ?? e?.cause?.code;
  if (typeof code === 'string' && CODE.test(code)) return code;
  if (e?.name === 'TimeoutError') return 'TIMEOUT';
  return 'NETWORK_ERROR';
}

/** The code of an abort: `TIMEOUT` for deadlines, the reason's own code when it has one, else `ABORTED`. */
function abortCode(signal: AbortSignal): string {
  const reason = signal.reason as { code?: unknown; name?: unknown } | undefined;
  if (typeof reason?.code === 'string' && CODE.test(reason.code)) return reason.code;
  if (reason?.name === 'TimeoutError') return 'TIMEOUT';
  return 'ABORTED';
}

/**
 * Splits `user:password@` out of an http(s) URL: the URL without credentials (safe to print, never a query string or
 * fragment either when `forDisplay`) and the matching `Basic` authorization value, if any.
 * @returns `undefined` when `url` is not a valid http(s) URL
 */
export function splitUrlCredentials(
  url: string | URL,
): { url: URL; authorization: string | undefined; display: string } | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  let authorization: string | undefined;
  if (parsed.username !== '' || parsed.password !== '') {
    let user = parsed.username;
    let pass = parsed.password;
    try {
      user = decodeURIComponent(user);
      pass = decodeURIComponent(pass);
    } catch {}
    authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    parsed.username = '';
    parsed.password = '';
  }
  return { url: parsed, authorization, display: `${parsed.origin}${parsed.pathname}` };
}

/**
 * Checks request headers while configuring: a plain object of valid header names and string values without CR, LF
 * or NUL (no header injection).
 * @throws SlakitError `ERR_SLAKIT_INVALID_OPTION` naming the header (never echoing its value, which is often a secret)
 */
export function checkHeaders(field: string, headers: unknown): Record<string, string> | undefined {
  if (headers === undefined) return undefined;
  if (headers === null || typeof headers !== 'object' || Array.isArray(headers)) {
    throw new SlakitError('ERR_SLAKIT_INVALID_OPTION', `${field} must be an object of header names to string values`, {
      field,
      accepted: 'an object of header names to string values',
    });
  }
  const out: Record<string, string> = {};
  const http = loadHttp();
  for (const [name, value] of Object.entries(headers)) {
    const path = `${field}[${JSON.stringify(name.slice(0, 40))}]`;
    try {
      http.validateHeaderName(name);
    } catch {
      throw new SlakitError('ERR_SLAKIT_INVALID_OPTION', `${path} is not a valid HTTP header name`, {
        field: path,
        accepted: 'an HTTP header name (token characters)',
      });
    }
    let valid = typeof value === 'string';
    if (valid) {
      try {
        http.validateHeaderValue(name, value);
      } catch {
        valid = false;
      }
    }
    if (!valid) {
      throw new SlakitError(
        'ERR_SLAKIT_INVALID_OPTION',
        `${path} must be a string without CR, LF or NUL (the value is not shown)`,
        { field: path, accepted: 'a header value string without control characters' },
      );
    }
    out[name] = value as string;
  }
  return out;
}

/**
 * One HTTP(S) request with the guarantees every outbound call of slakit needs (alert sinks, `slakit report`, the
 * health `http()` check, the Pushgateway push):
 * - only `http:`/`https:` (else `UNSUPPORTED_PROTOCOL`); `user:password@` in the URL becomes a `Basic`
 *   authorization header and never appears in the request line;
 * - **redirects are never followed**: a 3xx resolves like any other status (callers treat it as a failure);
 * - the response body is read up to `maxBodyBytes` (default 4096), then the connection is destroyed
 *   (`BODY_TOO_LARGE`, or a truncated body with `overflow: 'truncate'`); a `content-length` over the bound fails
 *   before the body is read; bodies are never decompressed;
 * - response headers are bounded by Node's parser (16 KiB, strict parsing: `HPE_*` codes);
 * - `signal`/`timeoutMs` bound the whole exchange, so a silent or trickling server ends in `TIMEOUT`.
 * Never throws synchronously; rejects only with an {@link OutboundError}.
 */
export function outboundRequest(url: string | URL, options: OutboundRequestOptions = {}): Promise<OutboundResponse> {
  return new Promise<OutboundResponse>((resolve, reject) => {
    const target = splitUrlCredentials(url);
    if (!target) {
      let code = 'INVALID_URL';
      try {
        new URL(url);
        code = 'UNSUPPORTED_PROTOCOL';
      } catch {}
      reject(new OutboundError(code));
      return;
    }
    const { signal } = options;
    if (signal?.aborted) {
      reject(new OutboundError(abortCode(signal)));
      return;
    }
    const max = Math.max(0, options.maxBodyBytes ?? OUTBOUND_MAX_BODY_BYTES);
    const truncate = options.overflow === 'truncate';
    const body = options.body === undefined ? undefined : Buffer.from(options.body);
    const headers: Record<string, string> = {};
    let hasAuthorization = false;
    for (const [k, v] of Object.entries(options.headers ?? {})) {
      if (k.toLowerCase() === 'authorization') hasAuthorization = true;
      headers[k] = v;
    }
    if (target.authorization && !hasAuthorization) headers.authorization = target.authorization;
    if (body) headers['content-length'] = String(body.length);

    let settled = false;
    let req: ClientRequest | undefined;
    let timer: NodeJS.Timeout | undefined;
    const cleanup = () => {
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const fail = (code: string) => {
      if (settled) return;
      settled = true;
      cleanup();
      req?.destroy();
      reject(new OutboundError(code));
    };
    const succeed = (res: IncomingMessage, chunks: Buffer[], truncated: boolean) => {
      if (settled) return;
      settled = true;
      cleanup();
      if (truncated) req?.destroy();
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), truncated });
    };
    function onAbort() {
      fail(abortCode(signal as AbortSignal));
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    if (options.timeoutMs !== undefined) {
      timer = setTimeout(() => fail('TIMEOUT'), Math.min(Math.max(0, options.timeoutMs), MAX_TIMER_MS));
      timer.unref();
    }

    const u = target.url;
    try {
      req = (u.protocol === 'https:' ? loadHttps().request : loadHttp().request)({
        protocol: u.protocol,
        hostname: u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname,
        port: u.port === '' ? undefined : Number(u.port),
        path: `${u.pathname}${u.search}`,
        method: options.method ?? (body ? 'POST' : 'GET'),
        headers,
        maxHeaderSize: 16 * 1024,
        insecureHTTPParser: false,
      });
    } catch (error) {
      fail(errorCode(error));
      return;
    }
    // Errors may still arrive after the promise settled (a destroyed socket, trailing garbage): always listened to.
    req.on('error', (error) => fail(errorCode(error)));
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      fail(`HTTP_${res.statusCode ?? 101}`);
    });
    req.on('response', (res) => {
      res.on('error', (error) => fail(errorCode(error)));
      const declared = Number(res.headers['content-length']);
      if (!truncate && Number.isFinite(declared) && declared > max) {
        fail('BODY_TOO_LARGE');
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if (settled) return;
        if (size + chunk.length > max) {
          if (!truncate) {
            fail('BODY_TOO_LARGE');
            return;
          }
          chunks.push(chunk.subarray(0, max - size));
          succeed(res, chunks, true);
          return;
        }
        size += chunk.length;
        chunks.push(chunk);
      });
      res.on('end', () => (res.complete ? succeed(res, chunks, false) : fail('ECONNRESET')));
    });
    req.end(body);
  });
}
