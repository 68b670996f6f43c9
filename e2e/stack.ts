// Real Prometheus and Alertmanager processes on free loopback ports, plus a webhook receiver, for the e2e suite.
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { binary, freePort, waitFor } from '../test-support/services.js';

export interface Proc {
  url: string;
  log: () => string;
  stop: () => Promise<void>;
}

async function startProcess(
  name: string,
  bin: string,
  args: string[],
  readyUrl: (port: number) => string,
  port: number,
): Promise<Proc> {
  let log = '';
  const child: ChildProcess = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (c) => (log += c));
  child.stderr?.on('data', (c) => (log += c));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    `${name} to be ready`,
    async () => {
      if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${log}`);
      return (await fetch(readyUrl(port))).ok ? true : undefined;
    },
    30_000,
  ).catch((error) => {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${log.slice(-4000)}`);
  });
  return {
    url,
    log: () => log,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}

/** Starts Alertmanager with the given config file (YAML) on a free port. */
export async function startAlertmanager(dir: string, configFile: string): Promise<Proc> {
  const port = await freePort();
  return startProcess(
    'Alertmanager',
    binary('prometheus-alertmanager', 'prometheus-alertmanager'),
    [
      `--config.file=${configFile}`,
      `--storage.path=${join(dir, 'am-data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
    ],
    (p) => `http://127.0.0.1:${p}/-/ready`,
    port,
  );
}

/** Starts Prometheus scraping `target` (one or several replicas) every second with the given rule files, alerting to `alertmanager`. */
export async function startPrometheus(
  dir: string,
  options: {
    target: string | string[];
    labels: Record<string, string>;
    ruleFiles: string[];
    alertmanager?: string;
    /** Extra command-line flags (e.g. `--enable-feature=exemplar-storage`). */
    flags?: string[];
    /** Scrape configs replacing the default `slakit-e2e` job. */
    scrapeConfigs?: object[];
  },
): Promise<Proc & { configFile: string }> {
  const port = await freePort();
  const config = {
    global: { scrape_interval: '1s', evaluation_interval: '1s' },
    rule_files: options.ruleFiles,
    ...(options.alertmanager
      ? { alerting: { alertmanagers: [{ static_configs: [{ targets: [options.alertmanager.replace(/^https?:\/\//, '')] }] }] } }
      : {}),
    scrape_configs: options.scrapeConfigs ?? [
      {
        job_name: 'slakit-e2e',
        // A default scrape: `honor_labels` unset (false). The job series carry the job name in `job_name`, which no
        // target label overrides.
        static_configs: [{ targets: [options.target].flat(), labels: options.labels }],
      },
    ],
  };
  const configFile = join(dir, 'prometheus.yml');
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  const proc = await startProcess(
    'Prometheus',
    binary('prometheus', 'prometheus'),
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dir, 'prom-data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--rules.alert.resend-delay=1s',
      ...(options.flags ?? []),
    ],
    (p) => `http://127.0.0.1:${p}/-/ready`,
    port,
  );
  return { ...proc, configFile };
}

export interface Hook {
  url: string;
  received: { path: string; body: WebhookPayload }[];
  close: () => Promise<void>;
}

export interface WebhookPayload {
  status: 'firing' | 'resolved';
  receiver: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  alerts: { status: string; labels: Record<string, string>; annotations: Record<string, string> }[];
}

/** A webhook receiver recording every Alertmanager notification with its path. */
export async function startHook(): Promise<Hook> {
  const received: Hook['received'] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: JSON.parse(body) as WebhookPayload });
      res.end();
    });
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** An instant query against Prometheus; returns the result vector. */
export async function query(
  prometheus: string,
  expr: string,
): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const res = await fetch(`${prometheus}/api/v1/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ query: expr }),
  });
  const json = (await res.json()) as { status: string; error?: string; data: { resultType: string; result: unknown } };
  if (json.status !== 'success') throw new Error(`query failed: ${json.error}\n${expr}`);
  if (json.data.resultType === 'scalar') return [{ metric: {}, value: json.data.result as [number, string] }];
  return json.data.result as { metric: Record<string, string>; value: [number, string] }[];
}
