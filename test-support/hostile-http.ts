// Hostile HTTP peers for the outbound adversarial tests (sinks, `slakit report`, health http(), Pushgateway push):
// servers that redirect, stream endless bodies, trickle bytes, never answer, or speak raw bytes.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';

export interface Recorded {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface TestServer {
  url: string;
  port: number;
  requests: Recorded[];
  /** Connections the server saw (counted on `connection`, so a request never completed still counts). */
  connections: () => number;
  close: () => Promise<void>;
}

/** An HTTP server on 127.0.0.1 that records every request (after reading its body) and lets `respond` answer. */
export async function httpServer(
  respond: (req: Recorded, res: ServerResponse, raw: IncomingMessage) => void = (_r, res) => res.end('ok'),
): Promise<TestServer> {
  const requests: Recorded[] = [];
  let connections = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      body += c;
    });
    req.on('end', () => {
      const r = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      requests.push(r);
      respond(r, res, req);
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A raw TCP server: `onConnection` writes whatever bytes it likes (status lines, headers, garbage). */
export async function rawServer(onConnection: (socket: Socket) => void): Promise<TestServer> {
  let connections = 0;
  const sockets = new Set<Socket>();
  const server: NetServer = createNetServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests: [],
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * Streams `totalBytes` of `x` lazily (64 KiB chunks, honouring back-pressure) and stops as soon as the client goes
 * away. Returns a counter of the bytes actually written.
 */
export function streamHugeBody(
  res: ServerResponse,
  totalBytes: number,
  status = 200,
  headers: Record<string, string> = { 'content-type': 'application/json' },
): { written: () => number } {
  const chunk = Buffer.alloc(64 * 1024, 'x');
  let written = 0;
  let stopped = false;
  res.on('close', () => {
    stopped = true;
  });
  res.writeHead(status, headers);
  const pump = () => {
    while (!stopped && written < totalBytes) {
      written += chunk.length;
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
    if (!stopped) res.end();
  };
  pump();
  return { written: () => written };
}

/** Writes one byte every `intervalMs` forever (until the client disconnects): a trickling body. */
export function trickle(res: ServerResponse, intervalMs = 50, status = 200): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  const timer = setInterval(() => res.write(' '), intervalMs);
  res.on('close', () => clearInterval(timer));
}

/** A target server that records what reaches it, and a redirector answering `status` with a Location to it. */
export async function redirectPair(
  status = 307,
  path = '/stolen',
): Promise<{
  redirector: TestServer;
  target: TestServer;
  close: () => Promise<void>;
}> {
  const target = await httpServer((_r, res) => res.end('{"status":"success"}'));
  const redirector = await httpServer((_r, res) => {
    res.writeHead(status, { location: `${target.url}${path}`, 'content-type': 'text/plain' });
    res.end('moved');
  });
  return { redirector, target, close: async () => void (await Promise.all([redirector.close(), target.close()])) };
}

/** Resident set size in MB, after a GC when the process runs with --expose-gc. */
export function rssMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss / 1024 / 1024;
}

/**
 * Registers the hooks every hostile-server test file needs: after each test the servers passed to `track` are closed
 * and no unhandled rejection may have happened. Call once at the top level of a test file.
 */
export function trackServers(): <T extends { close: () => Promise<void> }>(server: T) => T {
  const rejections: unknown[] = [];
  const onRejection = (r: unknown) => rejections.push(r);
  const servers: { close: () => Promise<void> }[] = [];
  beforeAll(() => process.on('unhandledRejection', onRejection));
  afterAll(() => process.off('unhandledRejection', onRejection));
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
    expect(rejections).toEqual([]);
  });
  return (server) => {
    servers.push(server);
    return server;
  };
}

/** Closes node:http servers at once: their keep-alive connections too (the teardown of a test file). */
export async function closeServers(servers: Server[]): Promise<void> {
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise<void>((r) => {
          s.closeAllConnections();
          s.close(() => r());
        }),
    ),
  );
}
