// Helpers for tests that need the machine's real services and binaries. A service that is down is started with the
// machine's own start command; if it still cannot be reached the test fails loudly — it is never skipped.
import { execSync } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { findBinary } from './provision.js';

function reachable(port: number, host = '127.0.0.1', timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function ensure(name: string, port: number, start: string): Promise<void> {
  if (await reachable(port)) return;
  try {
    execSync(start, { stdio: 'pipe', timeout: 60_000 });
  } catch (error) {
    throw new Error(
      `${name} is down on 127.0.0.1:${port} and could not be started with \`${start}\`: ${(error as Error).message}`,
    );
  }
  for (let i = 0; i < 60; i++) {
    if (await reachable(port)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${name} is still unreachable on 127.0.0.1:${port} after \`${start}\``);
}

/** Makes sure Redis answers on 127.0.0.1:6379, starting it if needed. Throws (never skips) otherwise. */
export const ensureRedis = () =>
  ensure(
    'Redis',
    6379,
    'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log',
  );

/** Makes sure PostgreSQL answers on 127.0.0.1:5432, starting it if needed. Throws (never skips) otherwise. */
export const ensurePostgres = () =>
  ensure('PostgreSQL', 5432, 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start');

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Absolute path of a Debian-packaged binary (provisioned by test-support/provision.ts); throws with the install command when it is missing. */
export function binary(name: string, debianPackage: string): string {
  const path = findBinary(name);
  if (path) return path;
  throw new Error(
    `${name} is not installed: run \`apt-get update && apt-get install -y ${debianPackage}\` (the test command does this as root)`,
  );
}

/** Polls `check` until it returns a value other than undefined, or throws after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
  everyMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}
