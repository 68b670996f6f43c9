// The four severities (info < warning < error < critical) end to end in core: rank, minSeverity, default routes,
// explicit routes, escalations, the alerts_active gauge and each sink's rendering of the level.
import { afterEach, describe, expect, it } from 'vitest';
import { LABEL_CATALOGUE } from '../catalogue/labels.js';
import { SEVERITIES, type Severity } from '../env.js';
import { SlakitError } from '../errors.js';
import { createLogger } from '../logger.js';
import { createTestTelemetry } from '../testing/test-telemetry.js';
import { type AlerterOptions, createAlerter } from './alerter.js';
import type { AlertSink, SinkKind } from './delivery.js';
import { type Alert, type AlertNotification, severityRank, validateAlert } from './model.js';
import { DEFAULT_ROUTE_KINDS, passesMinSeverity } from './routing.js';
import { logSink } from './sinks/log.js';
import { pagerDutyEvent, pagerDutySeverity } from './sinks/pagerduty.js';
import { sentrySink } from './sinks/sentry.js';
import { slackMessage } from './sinks/slack.js';
import { telegramText } from './sinks/telegram.js';

const KINDS: SinkKind[] = ['log', 'chat', 'pager', 'sentry', 'webhook', 'alertmanager', 'custom'];

function recordingSink(kind: SinkKind) {
  const received: AlertNotification[] = [];
  const sink: AlertSink = { name: kind, kind, delivery: { retries: 0 }, send: async (n) => void received.push(n) };
  return { sink, received };
}

const alertOf = (severity: Severity, subject: string = severity): Alert => ({
  labels: { alertname: 'OrdersStuck', severity, queue: subject },
  annotations: { summary: `orders stuck (${severity})` },
});

const notification = (severity: string | undefined, status: 'firing' | 'resolved' = 'firing'): AlertNotification => ({
  status,
  reason: 'new',
  fingerprint: '0123456789abcdef',
  labels: { alertname: 'OrdersStuck', ...(severity === undefined ? {} : { severity }), service: 'shop' },
  annotations: { summary: 'orders stuck' },
  values: {},
  startsAt: new Date(0),
  endsAt: undefined,
  at: new Date(0),
});

const kits: ReturnType<typeof createTestTelemetry>[] = [];
afterEach(async () => {
  await Promise.all(kits.splice(0).map((k) => k.close()));
});

function setup(options: Partial<AlerterOptions> = {}) {
  const kit = createTestTelemetry({ serviceName: 'shop' });
  kits.push(kit);
  const sinks = Object.fromEntries(KINDS.map((k) => [k, recordingSink(k)])) as Record<SinkKind, ReturnType<typeof recordingSink>>;
  const alerter = createAlerter({
    sinks: KINDS.map((k) => sinks[k].sink),
    telemetry: kit.telemetry,
    clock: kit.clock,
    env: {},
    ...options,
  });
  return { kit, alerter, sinks, clock: kit.clock };
}

describe('four severities', () => {
  it('are info < warning < error < critical, the same list in the label catalogue', () => {
    expect(SEVERITIES).toEqual(['info', 'warning', 'error', 'critical']);
    expect(SEVERITIES.map(severityRank)).toEqual([0, 1, 2, 3]);
    expect(LABEL_CATALOGUE.severity.values).toEqual(SEVERITIES);
    expect(passesMinSeverity('error', 'error')).toBe(true);
    expect(passesMinSeverity('warning', 'error')).toBe(false);
    expect(passesMinSeverity('critical', 'error')).toBe(true);
    expect(passesMinSeverity('error', 'critical')).toBe(false);
    expect(validateAlert(alertOf('error')).severity).toBe('error');
    expect(() => validateAlert(alertOf('fatal' as Severity))).toThrowError(
      expect.objectContaining({ code: 'ERR_SLAKIT_INVALID_ALERT', accepted: 'info, warning, error, critical' }),
    );
  });

  it('route by default: error reaches chat and the ticket-like sinks like a warning, never the pager', async () => {
    const { alerter, sinks } = setup({ minSeverity: 'info' });
    for (const s of SEVERITIES) expect(alerter.fire(alertOf(s)).action, s).toBe('notified');
    await alerter.idle();
    const got = (k: SinkKind) => sinks[k].received.map((n) => n.labels.severity);
    expect(got('log')).toEqual(['info', 'warning', 'error', 'critical']);
    for (const k of ['chat', 'sentry', 'webhook', 'alertmanager', 'custom'] as const)
      expect(got(k), k).toEqual(['warning', 'error', 'critical']);
    expect(got('pager')).toEqual(['critical']);
    for (const s of SEVERITIES)
      for (const k of KINDS)
        expect(DEFAULT_ROUTE_KINDS[s].includes(k), `${s} → ${k}`).toBe(sinks[k].received.some((n) => n.labels.severity === s));
  });

  it('ALERT_MIN_SEVERITY=error keeps error and critical only; minSeverity wins over it', async () => {
    const { alerter, sinks } = setup({ env: { ALERT_MIN_SEVERITY: 'error' } });
    expect(SEVERITIES.map((s) => alerter.fire(alertOf(s)).action)).toEqual(['filtered', 'filtered', 'notified', 'notified']);
    await alerter.idle();
    expect(sinks.log.received.map((n) => n.labels.severity)).toEqual(['error', 'critical']);
    const explicit = setup({ env: { ALERT_MIN_SEVERITY: 'error' }, minSeverity: 'warning' });
    expect(explicit.alerter.fire(alertOf('warning')).action).toBe('notified');
    expect(() => setup({ env: { ALERT_MIN_SEVERITY: 'fatal' } })).toThrowError(
      expect.objectContaining({ code: 'ERR_SLAKIT_INVALID_ENV', field: 'ALERT_MIN_SEVERITY' }),
    );
    expect(() => setup({ minSeverity: 'fatal' as Severity })).toThrowError(SlakitError);
  });

  it('take an explicit route and an escalation of their own', async () => {
    const { alerter, sinks, clock } = setup({
      routes: { error: ['webhook'] },
      escalations: [{ afterSeconds: 3600, severity: 'error', sinks: ['pager'] }],
      tickSeconds: 60,
    });
    alerter.fire(alertOf('error'));
    alerter.fire(alertOf('warning'));
    await alerter.idle();
    expect(sinks.webhook.received.map((n) => n.labels.severity)).toEqual(['error', 'warning']);
    expect(sinks.chat.received.map((n) => n.labels.severity)).toEqual(['warning']);
    await clock.advance(3600_000 + 60_000);
    await alerter.idle();
    expect(sinks.pager.received.map((n) => [n.labels.severity, n.reason])).toEqual([['error', 'escalation']]);
    await alerter.close();
    expect(() => setup({ routes: { fatal: ['log'] } as never })).toThrowError(SlakitError);
  });

  it('count in alerts_active per severity, error included', async () => {
    const { alerter, kit } = setup();
    alerter.fire(alertOf('error', 'a'));
    alerter.fire(alertOf('error', 'b'));
    await alerter.idle();
    expect(await kit.metrics.value('alerts_active', { severity: 'error' })).toBe(2);
    expect(await kit.metrics.value('alerts_active', { severity: 'critical' })).toBe(0);
  });
});

describe('each sink shows the four levels', () => {
  it('PagerDuty: one to one (critical, error, warning, info); anything else is a warning', () => {
    for (const s of SEVERITIES) expect(pagerDutySeverity(s)).toBe(s);
    for (const other of [undefined, 'fatal', 'constructor', '__proto__', 'ERROR'])
      expect(pagerDutySeverity(other), String(other)).toBe('warning');
    const event = pagerDutyEvent(notification('error'), 'key') as { payload: { severity: string } };
    expect(event.payload.severity).toBe('error');
  });

  it('Slack, Telegram: a distinct title and emoji per level', () => {
    const slack = SEVERITIES.map((s) => slackMessage(notification(s)) as { text: string; blocks: { text?: { text: string } }[] });
    expect(slack.map((m) => m.text.split(':')[0])).toEqual(['INFO', 'WARNING', 'ERROR', 'CRITICAL']);
    const emoji = slack.map((m) => m.blocks[1]?.text?.text.split(' ')[0]);
    expect(emoji).toEqual([':information_source:', ':warning:', ':large_orange_circle:', ':red_circle:']);
    const heads = SEVERITIES.map((s) => telegramText(notification(s)).split(':')[0]);
    expect(heads).toEqual(['<b>ℹ️ INFO', '<b>⚠️ WARNING', '<b>🟠 ERROR', '<b>🔴 CRITICAL']);
    expect(telegramText(notification('constructor')).startsWith('<b>⚠️ WARNING')).toBe(true);
    expect(telegramText(notification('error', 'resolved')).startsWith('<b>✅ RESOLVED')).toBe(true);
  });

  it('Sentry: fatal, error, warning, info; the log sink: error at pino level error', async () => {
    const levels: unknown[] = [];
    const sink = sentrySink({ captureMessage: (_m, c) => levels.push(c?.level) });
    for (const s of [...SEVERITIES, 'constructor']) await sink.send(notification(s), new AbortController().signal);
    expect(levels).toEqual(['info', 'warning', 'error', 'fatal', 'warning']);
    const lines: { level: number; msg: string }[] = [];
    const logger = createLogger({ level: 'info', destination: { write: (l: string) => void lines.push(JSON.parse(l)) } });
    await logSink(logger).send(notification('error'), new AbortController().signal);
    expect(lines[0]).toMatchObject({ level: 50, msg: 'ERROR OrdersStuck: orders stuck' });
  });
});
