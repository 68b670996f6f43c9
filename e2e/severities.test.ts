// The four severities in the generated Alertmanager config, checked by the real amtool (check-config, one
// `config routes test` per severity) and by a real Alertmanager routing and inhibiting alerts a slakit alerter posts.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateAlertmanagerConfig, toYaml } from '@slakit/cli';
import { type Alerter, alertmanagerSink, createAlerter, defineConfig, SEVERITIES, type Severity } from '@slakit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binary, waitFor } from '../test-support/services.js';
import { type Hook, type Proc, startAlertmanager, startHook } from './stack.js';

const amtool = binary('amtool', 'prometheus-alertmanager');
const dir = mkdtempSync(join(tmpdir(), 'slakit-severities-'));
let hook: Hook;
let am: Proc | undefined;
let alerter: Alerter | undefined;

const config = (pager: string, chat: string) =>
  defineConfig({
    service: 'shop',
    alerting: {
      pager: { type: 'webhook', url: pager },
      chat: { type: 'webhook', url: chat },
      groupWait: '1s',
      groupInterval: '1s',
    },
  });

function run(args: string[]): { code: number; stdout: string; out: string } {
  const r = spawnSync(amtool, args, { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout, out: `${r.stdout}${r.stderr}` };
}

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

beforeAll(async () => {
  hook = await startHook();
});

afterAll(async () => {
  await alerter?.close();
  await am?.stop();
  await hook?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('generated Alertmanager config × amtool', () => {
  const file = () =>
    write('am.yml', toYaml(generateAlertmanagerConfig(config('http://127.0.0.1:9/pager', 'http://127.0.0.1:9/chat'))));

  it('amtool check-config accepts it, with the default PagerDuty/Slack receivers (env filled) too', () => {
    expect(run(['check-config', file()])).toMatchObject({ code: 0, out: expect.stringContaining('SUCCESS') });
    const env = toYaml(generateAlertmanagerConfig(defineConfig({ service: 'shop' })));
    const filled = env.replace(/\$\{([A-Z_][A-Z0-9_]*)\}/g, (_m, name: string) =>
      name === 'SLACK_WEBHOOK_URL' ? 'https://hooks.slack.com/services/T/B/x' : 'routing-key',
    );
    expect(run(['check-config', write('am-env.yml', filled)])).toMatchObject({
      code: 0,
      out: expect.stringContaining('SUCCESS'),
    });
    expect(
      run([
        'check-config',
        write('am-files.yml', toYaml(generateAlertmanagerConfig(defineConfig({ service: 'shop' }), { secrets: 'file' }))),
      ]).code,
    ).toBe(0);
  });

  const expected: [string, string[], string, string | undefined][] = [
    // label set, receiver, the route that matched (its matchers as amtool prints them)
    ['critical', ['service=shop', 'severity=critical'], 'pager', '{service="shop",severity="critical"}'],
    ['error', ['service=shop', 'severity=error'], 'chat', '{service="shop",severity="error"}'],
    ['warning', ['service=shop', 'severity=warning'], 'chat', '{service="shop",severity="warning"}'],
    ['info', ['service=shop', 'severity=info'], 'null', '{service="shop",severity="info"}'],
    ['no severity', ['service=shop', 'alertname=Custom'], 'chat', undefined],
    ['an unknown severity', ['service=shop', 'severity=fatal'], 'chat', undefined],
    ['another service', ['service=billing', 'severity=critical'], 'chat', undefined],
  ];

  it('covers every severity of SEVERITIES', () => {
    expect(
      expected
        .map(([name]) => name)
        .filter((n) => (SEVERITIES as readonly string[]).includes(n))
        .sort(),
    ).toEqual([...SEVERITIES].sort());
  });

  it.each(expected)('amtool config routes test: %s → %s', (_name, labels, receiver, route) => {
    const path = file();
    const r = run(['config', 'routes', 'test', `--config.file=${path}`, `--verify.receivers=${receiver}`, ...labels]);
    expect(r, r.out).toMatchObject({ code: 0 });
    expect(r.stdout.trim()).toBe(receiver);
    // The tree names the route that matched: error has its own (its repeat interval), not warning's.
    const tree = run(['config', 'routes', 'test', `--config.file=${path}`, '--tree', ...labels]).stdout;
    const matched = tree.split('\n').filter((l) => l.includes('receiver:'));
    expect(matched, tree).toEqual([expect.stringContaining(route ? `${route}  receiver: ${receiver}` : `default-route`)]);
    // And a wrong expectation fails, so the check above can fail.
    const wrong = receiver === 'pager' ? 'chat' : 'pager';
    expect(run(['config', 'routes', 'test', `--config.file=${path}`, `--verify.receivers=${wrong}`, ...labels]).code).not.toBe(0);
  });
});

describe('a real Alertmanager with the generated config', () => {
  const fire = (severity: Severity, queue: string, alertname = 'OrdersStuck') =>
    alerter?.fire({ labels: { alertname, severity, queue }, annotations: { summary: `${queue} ${severity}` } });
  const got = (path: string) =>
    hook.received
      .filter((r) => r.path === path)
      .flatMap((r) => r.body.alerts.map((a) => `${a.labels.severity}:${a.labels.queue}`));

  it('delivers an error alert to chat (never the pager); critical inhibits error, error inhibits warning', async () => {
    write('am-live.yml', toYaml(generateAlertmanagerConfig(config(`${hook.url}/pager`, `${hook.url}/chat`))));
    am = await startAlertmanager(dir, join(dir, 'am-live.yml'));
    alerter = createAlerter({ sinks: [alertmanagerSink(am.url, { refreshSeconds: 30 })], service: 'shop', env: {} });

    fire('error', 'alone');
    await alerter.idle();
    const first = await waitFor('the error notification', () => hook.received.find((r) => r.path === '/chat'));
    expect(first.body.receiver).toBe('chat');
    expect(first.body.commonLabels).toMatchObject({
      alertname: 'OrdersStuck',
      severity: 'error',
      service: 'shop',
      queue: 'alone',
    });

    // A critical about queue "hot" is firing; its error and warning (same alert, same subject) are silenced, the
    // error of "cold" is not, and the error of "cold" silences its own warning.
    fire('critical', 'hot');
    await alerter.idle();
    await waitFor('the critical at the pager', () => (got('/pager').includes('critical:hot') ? true : undefined));
    fire('error', 'hot');
    fire('warning', 'hot');
    fire('error', 'cold');
    await alerter.idle();
    await waitFor('the error of cold', () => (got('/chat').includes('error:cold') ? true : undefined));
    fire('warning', 'cold');
    fire('warning', 'free');
    await alerter.idle();
    await waitFor('the uninhibited warning', () => (got('/chat').includes('warning:free') ? true : undefined));
    // Alertmanager reports the silenced ones as suppressed, inhibited by the alert above them.
    const states = (await (await fetch(`${am.url}/api/v2/alerts`)).json()) as {
      labels: Record<string, string>;
      status: { state: string; inhibitedBy: string[] };
    }[];
    const state = (severity: string, queue: string) =>
      states.find((s) => s.labels.severity === severity && s.labels.queue === queue)?.status;
    expect(state('error', 'hot')).toMatchObject({ state: 'suppressed', inhibitedBy: [expect.any(String)] });
    expect(state('warning', 'hot')?.state).toBe('suppressed');
    expect(state('warning', 'cold')).toMatchObject({ state: 'suppressed', inhibitedBy: [expect.any(String)] });
    expect(state('error', 'cold')?.state).toBe('active');
    expect(state('warning', 'free')?.state).toBe('active');

    expect(got('/pager')).toEqual(expect.arrayContaining(['critical:hot']));
    expect(got('/pager').filter((a) => !a.startsWith('critical:'))).toEqual([]);
    const chat = got('/chat');
    for (const silenced of ['error:hot', 'warning:hot', 'warning:cold']) expect(chat, silenced).not.toContain(silenced);
    expect(chat).toEqual(expect.arrayContaining(['error:alone', 'error:cold', 'warning:free']));
    const errorRoute = hook.received.find((r) => r.body.commonLabels.severity === 'error');
    expect(errorRoute?.body.receiver).toBe('chat');
  }, 60_000);
});
