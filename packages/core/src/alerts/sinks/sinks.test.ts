import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestTelemetry } from '../../testing/test-telemetry.js';
import { createAlerter } from '../alerter.js';
import type { AlertSink } from '../delivery.js';
import type { Alert } from '../model.js';
import { alertmanagerSink } from './alertmanager.js';
import { logSink } from './log.js';
import { pagerDutySink } from './pagerduty.js';
import { sentrySink } from './sentry.js';
import { slackSink } from './slack.js';
import { telegramSink } from './telegram.js';
import { webhookSink } from './webhook.js';

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

/** A local HTTP server that records requests; `respond` decides the answer (or never answers). */
async function receiver(respond: (req: Received, res: ServerResponse, n: number) => void = (_r, res) => res.end('ok')) {
  const requests: Received[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const r = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: raw ? JSON.parse(raw) : undefined };
      requests.push(r);
      respond(r, res, requests.length);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const alert: Alert = {
  labels: { alertname: 'JobSlaBreachWarning', severity: 'warning', job_name: 'cleanup_quiz_responses' },
  annotations: {
    summary: 'Cleanup job approaching SLA limit (81.9% utilization)',
    description: 'cleanup_quiz_responses ran 2950 s of its 3600 s budget',
    runbook_url: 'https://runbooks.example/sla-breach',
    recommended_action: 'Review batch size, check database load, verify indexes',
  },
  values: { sla_budget_seconds: 3600, actual_duration_seconds: 2950, utilization_percent: 81.9, threshold_percent: 80 },
};

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const fast = { retries: 2, backoffMs: 10, timeoutMs: 300 };
const kits: ReturnType<typeof createTestTelemetry>[] = [];
const rejections: unknown[] = [];
const onRejection = (r: unknown) => rejections.push(r);
beforeAll(() => process.on('unhandledRejection', onRejection));
afterAll(() => process.off('unhandledRejection', onRejection));
afterEach(async () => {
  await Promise.all(kits.splice(0).map((k) => k.close()));
  expect(rejections).toEqual([]);
});

async function deliver(sink: AlertSink, a: Alert = alert, resolve = true) {
  const kit = createTestTelemetry({ serviceName: 'quiz-api' });
  kits.push(kit);
  const alerter = createAlerter({
    sinks: [sink],
    routes: { warning: [sink.name], critical: [sink.name] },
    telemetry: kit.telemetry,
    env: {},
  });
  const fired = alerter.fire(a);
  await alerter.idle();
  if (resolve) {
    alerter.resolve({ alertname: a.labels.alertname });
    await alerter.idle();
  }
  await alerter.close();
  return { kit, fingerprint: fired.fingerprint as string };
}

describe('webhookSink', () => {
  it('posts the seed 000 payload plus labels, fingerprint, status and times', async () => {
    const r = await receiver();
    try {
      const { fingerprint } = await deliver(
        webhookSink(`${r.url}/hook`, { headers: { authorization: 'Bearer hook-secret' }, delivery: fast }),
      );
      expect(r.requests).toHaveLength(2);
      const [firing, resolved] = r.requests as [Received, Received];
      expect(firing.method).toBe('POST');
      expect(firing.url).toBe('/hook');
      expect(firing.headers['content-type']).toBe('application/json');
      expect(firing.headers.authorization).toBe('Bearer hook-secret');
      const body = firing.body as Record<string, unknown>;
      expect(body).toMatchObject({
        alert_type: 'job_sla_breach_warning',
        severity: 'warning',
        job: 'cleanup_quiz_responses',
        sla_budget_seconds: 3600,
        actual_duration_seconds: 2950,
        utilization_percent: 81.9,
        threshold_percent: 80,
        message: 'Cleanup job approaching SLA limit (81.9% utilization)',
        recommended_action: 'Review batch size, check database load, verify indexes',
        runbook: 'https://runbooks.example/sla-breach',
        status: 'firing',
        reason: 'new',
        fingerprint,
        labels: {
          alertname: 'JobSlaBreachWarning',
          severity: 'warning',
          job_name: 'cleanup_quiz_responses',
          service: 'quiz-api',
        },
        endsAt: null,
      });
      expect(body.startsAt).toMatch(ISO);
      const done = resolved.body as Record<string, unknown>;
      expect(done).toMatchObject({ status: 'resolved', fingerprint, startsAt: body.startsAt });
      expect(done.endsAt).toMatch(ISO);
    } finally {
      await r.close();
    }
  });
});

describe('slackSink', () => {
  it('posts a Block Kit message with severity, summary, values and a runbook button', async () => {
    const r = await receiver();
    try {
      await deliver(slackSink(`${r.url}/services/T000/B000/XXXXSECRET`, { delivery: fast }), alert, false);
      const body = r.requests[0]?.body as { text: string; blocks: Record<string, unknown>[] };
      expect(body.text).toContain('WARNING: JobSlaBreachWarning');
      const types = body.blocks.map((b) => b.type);
      expect(types[0]).toBe('header');
      expect(types).toContain('actions');
      expect(types[types.length - 1]).toBe('context');
      const header = body.blocks[0] as { text: { type: string; text: string } };
      expect(header.text.type).toBe('plain_text');
      expect(header.text.text.length).toBeLessThanOrEqual(150);
      for (const block of body.blocks.filter((b) => b.type === 'section')) {
        const fields = (block.fields as { type: string; text: string }[] | undefined) ?? [];
        expect(fields.length).toBeLessThanOrEqual(10);
        for (const f of fields) expect(f.type).toBe('mrkdwn');
      }
      const allText = JSON.stringify(body.blocks);
      expect(allText).toContain('*utilization_percent*\\n81.9');
      expect(allText).toContain('*job*\\ncleanup_quiz_responses');
      expect(allText).toContain('Review batch size');
      const actions = body.blocks.find((b) => b.type === 'actions') as { elements: { type: string; url: string }[] };
      expect(actions.elements[0]).toMatchObject({ type: 'button', url: 'https://runbooks.example/sla-breach' });
    } finally {
      await r.close();
    }
  });
});

describe('pagerDutySink', () => {
  it('sends Events API v2 trigger and resolve with dedup_key = fingerprint', async () => {
    const r = await receiver((_req, res) => {
      res.writeHead(202, { 'content-type': 'application/json' });
      res.end('{"status":"success","message":"Event processed","dedup_key":"x"}');
    });
    try {
      const critical: Alert = { ...alert, labels: { ...alert.labels, alertname: 'JobSlaBreachCritical', severity: 'critical' } };
      const { fingerprint } = await deliver(
        pagerDutySink({ routingKey: 'R0UT1NGKEY', url: `${r.url}/v2/enqueue`, delivery: fast }),
        critical,
      );
      const [trigger, resolve] = r.requests.map((q) => q.body) as [Record<string, unknown>, Record<string, unknown>];
      // Required fields of a v2 trigger event.
      expect(trigger.routing_key).toBe('R0UT1NGKEY');
      expect(trigger.event_action).toBe('trigger');
      expect(trigger.dedup_key).toBe(fingerprint);
      const payload = trigger.payload as Record<string, unknown>;
      expect(typeof payload.summary).toBe('string');
      expect((payload.summary as string).length).toBeLessThanOrEqual(1024);
      expect(payload.summary).toContain('JobSlaBreachCritical');
      expect(payload.source).toBe('quiz-api');
      expect(['critical', 'error', 'warning', 'info']).toContain(payload.severity);
      expect(payload.severity).toBe('critical');
      expect(payload.timestamp).toMatch(ISO);
      expect(payload.component).toBe('cleanup_quiz_responses');
      expect(payload.class).toBe('JobSlaBreachCritical');
      expect((payload.custom_details as { values: Record<string, unknown> }).values.utilization_percent).toBe(81.9);
      expect(trigger.links).toEqual([{ href: 'https://runbooks.example/sla-breach', text: 'Runbook' }]);
      expect(resolve).toEqual({ routing_key: 'R0UT1NGKEY', event_action: 'resolve', dedup_key: fingerprint });
    } finally {
      await r.close();
    }
  });

  it('does not retry a 400 (permanent), and counts the failure', async () => {
    const r = await receiver((_req, res) => {
      res.writeHead(400);
      res.end('{"status":"invalid event"}');
    });
    try {
      const { kit } = await deliver(
        pagerDutySink({ routingKey: 'k', url: r.url, delivery: fast }),
        { ...alert, labels: { ...alert.labels, severity: 'critical' } },
        false,
      );
      expect(r.requests).toHaveLength(1);
      expect(await kit.metrics.value('alerts_notifications_total', { sink: 'pagerduty', result: 'failed' })).toBe(1);
    } finally {
      await r.close();
    }
  });
});

describe('alertmanagerSink', () => {
  it('posts API v2 alerts: labels, string annotations, startsAt/endsAt, generatorURL', async () => {
    const r = await receiver((_req, res) => res.end());
    try {
      const { fingerprint } = await deliver(
        alertmanagerSink(r.url, { generatorURL: 'http://quiz-api/ops/alerts', refreshSeconds: 30, delivery: fast }),
      );
      expect(fingerprint).toMatch(/^[0-9a-f]{16}$/);
      const [firing, resolved] = r.requests as [Received, Received];
      expect(firing.url).toBe('/api/v2/alerts');
      const [a] = firing.body as Record<string, unknown>[];
      expect(Object.keys(a as object).sort()).toEqual(['annotations', 'endsAt', 'generatorURL', 'labels', 'startsAt']);
      expect(a?.labels).toEqual({
        alertname: 'JobSlaBreachWarning',
        severity: 'warning',
        job_name: 'cleanup_quiz_responses',
        service: 'quiz-api',
      });
      for (const v of Object.values(a?.annotations as object)) expect(typeof v).toBe('string');
      expect((a?.annotations as Record<string, string> | undefined)?.utilization_percent).toBe('81.9');
      const startsAt = Date.parse(a?.startsAt as string);
      expect(Date.parse(a?.endsAt as string) - startsAt).toBeGreaterThanOrEqual(4 * 30_000 - 1000);
      const [b] = resolved.body as Record<string, unknown>[];
      expect(Date.parse(b?.endsAt as string)).toBeLessThanOrEqual(Date.now());
      expect(b?.startsAt).toBe(a?.startsAt);
    } finally {
      await r.close();
    }
  });
});

describe('telegramSink', () => {
  it('sends to every chat, retries only the chats that failed, and never logs the token', async () => {
    let failedOnce = false;
    const r = await receiver((req, res) => {
      const chat = (req.body as { chat_id: number }).chat_id;
      if (chat === 2 && !failedOnce) {
        failedOnce = true;
        res.writeHead(502);
        res.end();
        return;
      }
      res.end('{"ok":true}');
    });
    try {
      const { kit } = await deliver(
        telegramSink({ botToken: '123456:SECRET-TOKEN', chatIds: [1, 2], apiUrl: r.url, delivery: fast }),
        alert,
        false,
      );
      const chats = r.requests.map((q) => (q.body as { chat_id: number }).chat_id);
      expect(chats.sort()).toEqual([1, 2, 2]);
      expect(r.requests[0]?.url).toBe('/bot123456:SECRET-TOKEN/sendMessage');
      const body = r.requests[0]?.body as Record<string, unknown>;
      expect(body.parse_mode).toBe('HTML');
      expect(body.text).toContain('<b>⚠️ WARNING: JobSlaBreachWarning</b>');
      expect(body.text).toContain('utilization_percent: 81.9');
      expect(await kit.metrics.value('alerts_notifications_total', { sink: 'telegram', result: 'sent' })).toBe(1);
      expect(kit.logs.raw()).not.toContain('SECRET-TOKEN');
    } finally {
      await r.close();
    }
  });
});

describe('sentrySink', () => {
  it('captures a message with level, fingerprint and tags (duck-typed client)', async () => {
    const captured: [string, Record<string, unknown>][] = [];
    const sentry = { captureMessage: (m: string, c: Record<string, unknown>) => captured.push([m, c]) };
    const critical: Alert = { ...alert, labels: { ...alert.labels, severity: 'critical' } };
    const { fingerprint } = await deliver(sentrySink(sentry), critical);
    expect(captured).toHaveLength(1); // resolutions are not sent by default
    const [message, context] = captured[0] as [string, Record<string, unknown>];
    expect(message).toBe('JobSlaBreachWarning: Cleanup job approaching SLA limit (81.9% utilization)');
    expect(context).toMatchObject({
      level: 'fatal',
      fingerprint: [fingerprint],
      tags: { job_name: 'cleanup_quiz_responses', severity: 'critical' },
    });
  });
});

describe('logSink', () => {
  it('logs at the level of the severity, with labels and values', async () => {
    const kit = createTestTelemetry();
    kits.push(kit);
    const { kit: k2 } = await deliver(logSink(kit.telemetry.logger));
    expect(k2).toBeDefined();
    const [firing, resolved] = kit.logs.lines;
    expect(firing).toMatchObject({
      level: 40,
      msg: 'WARNING JobSlaBreachWarning: Cleanup job approaching SLA limit (81.9% utilization)',
    });
    expect((firing?.alert as { values: Record<string, number> } | undefined)?.values.utilization_percent).toBe(81.9);
    expect(resolved).toMatchObject({ level: 30, msg: expect.stringMatching(/^RESOLVED JobSlaBreachWarning/) });
  });
});

describe('delivery failures', () => {
  it('retries a 500 a bounded number of times, counts the failure, and other sinks still deliver', async () => {
    const failing = await receiver((_req, res) => {
      res.writeHead(500);
      res.end();
    });
    const ok = await receiver();
    try {
      const kit = createTestTelemetry();
      kits.push(kit);
      const alerter = createAlerter({
        sinks: [webhookSink(failing.url, { name: 'down', delivery: fast }), webhookSink(ok.url, { name: 'up', delivery: fast })],
        telemetry: kit.telemetry,
        env: {},
      });
      alerter.fire(alert);
      await alerter.idle();
      expect(failing.requests).toHaveLength(3); // 1 + retries (2)
      expect(ok.requests).toHaveLength(1);
      expect(await kit.metrics.value('alerts_notifications_total', { sink: 'down', result: 'failed' })).toBe(1);
      expect(await kit.metrics.value('alerts_notifications_total', { sink: 'up', result: 'sent' })).toBe(1);
      const warn = kit.logs.find('notification failed at sink down')[0];
      expect(warn?.code).toBe('HTTP_500');
      await alerter.close();
    } finally {
      await failing.close();
      await ok.close();
    }
  });

  it('gives up on a sink that never answers after timeouts and retries, without blocking fire()', async () => {
    const hang = await receiver(() => {});
    const ok = await receiver();
    try {
      const kit = createTestTelemetry();
      kits.push(kit);
      const alerter = createAlerter({
        sinks: [
          slackSink(`${hang.url}/services/SECRET/PATH`, { delivery: { retries: 1, backoffMs: 10, timeoutMs: 150 } }),
          webhookSink(ok.url, { delivery: fast }),
        ],
        telemetry: kit.telemetry,
        env: {},
      });
      const result = alerter.fire(alert); // synchronous: returns before any delivery
      expect(result.action).toBe('notified');
      await alerter.idle();
      expect(hang.requests).toHaveLength(2);
      expect(ok.requests).toHaveLength(1);
      expect(await kit.metrics.value('alerts_notifications_total', { sink: 'slack', result: 'failed' })).toBe(1);
      expect(kit.logs.find('notification failed at sink slack')[0]?.code).toBe('TIMEOUT');
      expect(kit.logs.raw()).not.toContain('SECRET');
      expect(JSON.stringify(alerter.history())).not.toContain('SECRET');
      await alerter.close();
    } finally {
      await hang.close();
      await ok.close();
    }
  });

  it('drops (and counts) notifications beyond the queue bound', async () => {
    const hang = await receiver(() => {});
    try {
      const kit = createTestTelemetry();
      kits.push(kit);
      const alerter = createAlerter({
        sinks: [webhookSink(hang.url, { delivery: { retries: 0, timeoutMs: 200, maxQueue: 2, concurrency: 1 } })],
        telemetry: kit.telemetry,
        env: {},
      });
      for (let i = 0; i < 6; i++) alerter.fire({ labels: { alertname: 'QueueDepth', severity: 'warning', queue: `q${i}` } });
      await alerter.idle();
      expect(await kit.metrics.value('alerts_notifications_total', { result: 'dropped' })).toBe(3);
      expect(await kit.metrics.value('alerts_notifications_total', { result: 'failed' })).toBe(3);
      await alerter.close();
    } finally {
      await hang.close();
    }
  });

  it('rejects sink URLs that are not http(s) without echoing them', () => {
    expect(() => slackSink('hooks.slack.com/services/T/B/SECRET')).toThrowError(
      expect.objectContaining({
        code: 'ERR_SLAKIT_INVALID_OPTION',
        field: 'webhookUrl',
        message: expect.not.stringContaining('SECRET'),
      }),
    );
    expect(() => pagerDutySink({ routingKey: '' })).toThrowError(expect.objectContaining({ field: 'routingKey' }));
    expect(() => telegramSink({ botToken: 't', chatIds: [] })).toThrowError(expect.objectContaining({ field: 'chatIds' }));
    expect(() => sentrySink({} as never)).toThrowError(expect.objectContaining({ field: 'sentry' }));
  });
});
