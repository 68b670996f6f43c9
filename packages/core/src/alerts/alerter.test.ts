import { afterEach, describe, expect, it } from 'vitest';
import { createTestTelemetry } from '../testing/test-telemetry.js';
import { type AlerterOptions, createAlerter } from './alerter.js';
import { type AlertSink, SinkDeliveryError, type SinkKind } from './delivery.js';
import type { Alert, AlertNotification } from './model.js';
import { memoryAlertStore } from './store.js';

function recordingSink(
  name: string,
  kind: SinkKind = 'chat',
  behaviour: (n: AlertNotification) => Promise<void> = async () => {},
) {
  const received: AlertNotification[] = [];
  const sink: AlertSink = {
    name,
    kind,
    delivery: { retries: 0 },
    async send(n) {
      received.push(n);
      await behaviour(n);
    },
  };
  return { sink, received };
}

const breach = (severity: 'warning' | 'critical' | 'info' = 'warning', job = 'cleanup_pdfs'): Alert => ({
  labels: { alertname: 'JobSlaBudget', severity, job },
  annotations: {
    summary: `cleanup at ${severity}`,
    runbook_url: 'https://runbooks.example/sla',
    recommended_action: 'Review batch size',
  },
  values: { sla_budget_seconds: 3600, actual_duration_seconds: 2950, utilization_percent: 81.9, threshold_percent: 80 },
});

const kits: ReturnType<typeof createTestTelemetry>[] = [];
function setup(options: Partial<AlerterOptions> = {}) {
  const kit = createTestTelemetry({ serviceName: 'billing' });
  kits.push(kit);
  const chat = recordingSink('chat', 'chat');
  const pager = recordingSink('pager', 'pager');
  const log = recordingSink('log', 'log');
  const alerter = createAlerter({
    sinks: [log.sink, chat.sink, pager.sink],
    telemetry: kit.telemetry,
    clock: kit.clock,
    env: {},
    ...options,
  });
  return { kit, alerter, chat, pager, log, clock: kit.clock };
}

afterEach(async () => {
  await Promise.all(kits.splice(0).map((k) => k.close()));
});

describe('alert state machine', () => {
  it('notifies on fire, suppresses repeats inside the window, re-notifies after it, resolves and re-fires', async () => {
    const { alerter, chat, clock, kit } = setup({ dedupWindowSeconds: 300 });
    expect(alerter.fire(breach()).action).toBe('notified');
    await alerter.idle();
    expect(chat.received).toHaveLength(1);
    expect(chat.received[0]).toMatchObject({ status: 'firing', reason: 'new' });
    expect(chat.received[0]?.labels).toEqual({
      alertname: 'JobSlaBudget',
      severity: 'warning',
      job: 'cleanup_pdfs',
      service: 'billing',
    });

    await clock.advance(299_000);
    expect(alerter.fire(breach()).action).toBe('suppressed');
    expect(alerter.fire(breach()).action).toBe('suppressed');
    await alerter.idle();
    expect(chat.received).toHaveLength(1);
    expect(await kit.metrics.value('alerts_deduplicated_total', { alert: 'JobSlaBudget' })).toBe(2);

    await clock.advance(1_000);
    expect(alerter.fire(breach()).action).toBe('notified');
    await alerter.idle();
    expect(chat.received.map((n) => n.reason)).toEqual(['new', 'repeat']);

    expect(alerter.resolve({ alertname: 'JobSlaBudget', job: 'cleanup_pdfs' })).toHaveLength(1);
    await alerter.idle();
    const resolved = chat.received[2];
    expect(resolved).toMatchObject({ status: 'resolved', reason: 'resolved' });
    expect(resolved?.endsAt?.getTime()).toBe(clock.now());
    expect(alerter.active()).toEqual([]);
    expect(alerter.resolve({ alertname: 'JobSlaBudget' })).toEqual([]);

    await clock.advance(10_000);
    expect(alerter.fire(breach()).action).toBe('notified');
    await alerter.idle();
    expect(chat.received.map((n) => `${n.status}/${n.reason}`)).toEqual([
      'firing/new',
      'firing/repeat',
      'resolved/resolved',
      'firing/new',
    ]);
    expect(chat.received[3]?.startsAt.getTime()).toBe(clock.now());
  });

  it('keeps one fingerprint per label set: the same job at another severity is another alert', async () => {
    const { alerter } = setup();
    const w = alerter.fire(breach('warning'));
    const c = alerter.fire(breach('critical'));
    const other = alerter.fire(breach('warning', 'cleanup_blacklist'));
    expect(new Set([w.fingerprint, c.fingerprint, other.fingerprint]).size).toBe(3);
    expect(alerter.active()).toHaveLength(3);
    expect(alerter.resolve({ job: 'cleanup_pdfs' })).toHaveLength(2);
    expect(alerter.active().map((a) => a.labels.job)).toEqual(['cleanup_blacklist']);
  });

  it('re-sends a still-firing alert every resendIntervalSeconds', async () => {
    const { alerter, chat, clock } = setup({ resendIntervalSeconds: 3600, tickSeconds: 60 });
    alerter.fire(breach());
    await clock.advance(3599_000);
    await alerter.idle();
    expect(chat.received).toHaveLength(1);
    await clock.advance(61_000);
    await alerter.idle();
    expect(chat.received.map((n) => n.reason)).toEqual(['new', 'resend']);
    await clock.advance(3600_000);
    await alerter.idle();
    expect(chat.received.map((n) => n.reason)).toEqual(['new', 'resend', 'resend']);
  });

  it('escalates after its delay, once, and includes escalation sinks in the resolution', async () => {
    const lead = recordingSink('email_lead', 'custom');
    const { pager, chat, clock } = setup();
    const a = createAlerter({
      sinks: [chat.sink, pager.sink, lead.sink],
      routes: { warning: ['chat'], critical: ['pager', 'chat'] },
      escalations: [{ afterSeconds: 1800, severity: 'warning', sinks: ['email_lead'] }],
      clock,
      tickSeconds: 10,
      env: {},
    });
    a.fire(breach('warning'));
    a.fire(breach('critical')); // not escalated: the escalation is for warnings only
    await clock.advance(1790_000);
    await a.idle();
    expect(lead.received).toHaveLength(0);
    await clock.advance(20_000);
    await a.idle();
    expect(lead.received).toHaveLength(1);
    expect(lead.received[0]).toMatchObject({ reason: 'escalation', status: 'firing' });
    expect(lead.received[0]?.labels.severity).toBe('warning');
    await clock.advance(3600_000);
    await a.idle();
    expect(lead.received).toHaveLength(1);
    a.resolve({ severity: 'warning' });
    await a.idle();
    expect(lead.received.map((n) => n.status)).toEqual(['firing', 'resolved']);
    expect(chat.received.filter((n) => n.status === 'resolved')).toHaveLength(1);
    await a.close();
  });

  it('filters alerts below minSeverity (default from ALERT_MIN_SEVERITY)', async () => {
    const { alerter, log } = setup({ env: { ALERT_MIN_SEVERITY: 'critical' } });
    expect(alerter.fire(breach('warning')).action).toBe('filtered');
    expect(alerter.fire(breach('critical')).action).toBe('notified');
    await alerter.idle();
    expect(log.received.map((n) => n.labels.severity)).toEqual(['critical']);
    const info = setup({ minSeverity: 'info' });
    expect(info.alerter.fire(breach('info')).action).toBe('notified');
    const byDefault = setup();
    expect(byDefault.alerter.fire(breach('info')).action).toBe('filtered');
  });

  it('routes by severity: info → log, warning → chat, critical → pager + chat', async () => {
    const { alerter, log, chat, pager } = setup({ minSeverity: 'info' });
    alerter.fire(breach('info', 'a'));
    alerter.fire(breach('warning', 'b'));
    alerter.fire(breach('critical', 'c'));
    await alerter.idle();
    expect(log.received.map((n) => n.labels.job)).toEqual(['a', 'b', 'c']);
    expect(chat.received.map((n) => n.labels.job)).toEqual(['b', 'c']);
    expect(pager.received.map((n) => n.labels.job)).toEqual(['c']);
  });

  it('counts every notification by sink and result; a failing sink does not block the others', async () => {
    const broken = recordingSink('broken', 'chat', async () => {
      throw new SinkDeliveryError('HTTP_500', true);
    });
    const { chat, kit } = setup();
    const a = createAlerter({ sinks: [broken.sink, chat.sink], telemetry: kit.telemetry, clock: kit.clock, env: {} });
    a.fire(breach('critical'));
    await a.idle();
    expect(chat.received).toHaveLength(1);
    expect(await kit.metrics.value('alerts_notifications_total', { sink: 'broken', result: 'failed' })).toBe(1);
    expect(
      await kit.metrics.value('alerts_notifications_total', {
        sink: 'chat',
        result: 'sent',
        severity: 'critical',
        alert: 'JobSlaBudget',
      }),
    ).toBe(1);
    expect(kit.logs.find('notification failed at sink broken')).toHaveLength(1);
    const [entry] = a.history({ kind: 'notification' });
    expect(entry).toMatchObject({ kind: 'notification', sinks: { broken: 'failed', chat: 'sent' } });
    expect(await kit.metrics.value('alerts_active', { severity: 'critical' })).toBe(1);
  });

  it('ignores invalid alerts without throwing, and logs them', () => {
    const { alerter, kit } = setup();
    expect(alerter.fire({ labels: { alertname: 'bad name', severity: 'warning' } }).action).toBe('invalid');
    expect(alerter.fire({ labels: { alertname: 'X', severity: 'fatal' as never } }).action).toBe('invalid');
    expect(alerter.fire(undefined as never).action).toBe('invalid');
    expect(kit.logs.find('invalid alert ignored')).toHaveLength(3);
    expect(alerter.active()).toEqual([]);
  });

  it('records a bounded, filterable history', async () => {
    const { alerter, clock } = setup({ historyLimit: 3, minSeverity: 'info' });
    const t0 = new Date(clock.now());
    alerter.fire(breach('info', 'a'));
    await clock.advance(1000);
    alerter.fire(breach('warning', 'b'));
    alerter.fire(breach('critical', 'c'));
    alerter.fire(breach('critical', 'd'));
    expect(alerter.history().map((e) => (e.kind === 'notification' ? e.labels.job : ''))).toEqual(['d', 'c', 'b']);
    expect(
      alerter.history({ severity: 'critical', limit: 1 }).map((e) => (e.kind === 'notification' ? e.labels.job : '')),
    ).toEqual(['d']);
    expect(alerter.history({ since: new Date(t0.getTime() + 500) })).toHaveLength(3);
    expect(alerter.history({ kind: 'remediation' })).toEqual([]);
  });

  it('stops its timers when nothing fires and after close(); fire() after close() does nothing', async () => {
    const { alerter, clock } = setup({ resendIntervalSeconds: 60 });
    expect(clock.pending()).toBe(0);
    alerter.fire(breach());
    await alerter.idle();
    expect(clock.pending()).toBe(1); // the evaluation ticker, only while something fires
    alerter.resolve({ alertname: 'JobSlaBudget' });
    await alerter.idle();
    expect(clock.pending()).toBe(0);
    alerter.fire(breach());
    await alerter.close();
    expect(clock.pending()).toBe(0);
    expect(alerter.fire(breach('critical')).action).toBe('closed');
  });

  it('shares dedup through a store: two alerters notify once per window', async () => {
    const kit = createTestTelemetry();
    kits.push(kit);
    const store = memoryAlertStore({ now: () => kit.clock.now() });
    const chat = recordingSink('chat', 'chat');
    const make = () =>
      createAlerter({ sinks: [chat.sink], store, clock: kit.clock, env: {}, dedupWindowSeconds: 300, telemetry: kit.telemetry });
    const [a, b] = [make(), make()];
    a.fire(breach());
    b.fire(breach());
    await Promise.all([a.idle(), b.idle()]);
    expect(chat.received).toHaveLength(1);
    expect(await kit.metrics.value('alerts_deduplicated_total')).toBe(1);
  });
});

describe('remediation', () => {
  it('retries a failing action: failing twice then succeeding takes three attempts', async () => {
    let calls = 0;
    const { alerter, clock, kit } = setup({
      remediation: { enabled: true, backoffMs: 100 },
      remediations: {
        JobSlaBudget: {
          name: 'reduce_batch_size',
          run: async () => {
            calls += 1;
            if (calls < 3) throw Object.assign(new Error('db busy at postgres://user:pw@host'), { code: 'EBUSY' });
          },
        },
      },
    });
    alerter.fire(breach());
    await clock.advance(1000);
    await alerter.idle();
    expect(calls).toBe(3);
    const [record] = alerter.history({ kind: 'remediation' });
    expect(record).toMatchObject({
      kind: 'remediation',
      action: 'reduce_batch_size',
      attempts: 3,
      result: 'succeeded',
      trigger: 'auto',
    });
    expect(await kit.metrics.value('alerts_remediations_total', { action: 'reduce_batch_size', result: 'succeeded' })).toBe(1);
    expect(kit.logs.find('remediation attempt failed')).toHaveLength(2);
    expect(kit.logs.raw()).not.toContain('user:pw');
  });

  it('stops at maxRetries attempts (AUTO_REMEDIATION_MAX_RETRIES) and counts the failure', async () => {
    let calls = 0;
    const { alerter, clock, kit } = setup({
      env: { AUTO_REMEDIATION_ENABLED: 'true', AUTO_REMEDIATION_MAX_RETRIES: '4' },
      remediation: { backoffMs: 10 },
      remediations: {
        JobSlaBudget: async () => {
          calls += 1;
          throw new TypeError('nope');
        },
      },
    });
    alerter.fire(breach());
    await clock.advance(10_000);
    await alerter.idle();
    expect(calls).toBe(4);
    expect(alerter.history({ kind: 'remediation' })[0]).toMatchObject({ attempts: 4, result: 'failed', error: 'TypeError' });
    expect(await kit.metrics.value('alerts_remediations_total', { action: 'JobSlaBudget', result: 'failed' })).toBe(1);
  });

  it('does not run automatically when disabled, but remediate() runs it on demand', async () => {
    let calls = 0;
    const { alerter, clock } = setup({ remediations: { JobSlaBudget: () => void calls++ } });
    alerter.fire(breach());
    await clock.advance(1000);
    await alerter.idle();
    expect(calls).toBe(0);
    const record = await alerter.remediate('JobSlaBudget');
    expect(record).toMatchObject({ result: 'succeeded', attempts: 1, trigger: 'manual' });
    expect(record.fingerprint).toBe(alerter.active()[0]?.fingerprint);
    expect(calls).toBe(1);
    expect(await alerter.remediate('NoSuchAlert')).toMatchObject({ result: 'failed', error: 'NO_ACTION' });
  });

  it('aborts an attempt at its deadline', async () => {
    let aborted = false;
    const { alerter, clock } = setup({
      remediation: { enabled: true, maxRetries: 1, timeoutMs: 1000 },
      remediations: {
        JobSlaBudget: ({ signal }) =>
          new Promise(() => {
            signal.addEventListener('abort', () => {
              aborted = true;
            });
          }),
      },
    });
    alerter.fire(breach());
    await clock.advance(1500);
    await alerter.idle();
    expect(aborted).toBe(true);
    expect(alerter.history({ kind: 'remediation' })[0]).toMatchObject({ result: 'failed', error: 'TIMEOUT' });
  });
});

describe('configuration errors', () => {
  const sink = recordingSink('chat').sink;
  it.each<[string, Partial<AlerterOptions>, string, string]>([
    ['duplicate sink names', { sinks: [sink, sink] }, 'ERR_SLAKIT_DUPLICATE_NAME', 'sinks[1].name'],
    [
      'a route naming an unknown sink',
      { sinks: [sink], routes: { critical: ['pagerduty'] } },
      'ERR_SLAKIT_UNKNOWN_REFERENCE',
      'routes.critical[0]',
    ],
    [
      'an escalation naming an unknown sink',
      { sinks: [sink], escalations: [{ afterSeconds: 60, sinks: ['email'] }] },
      'ERR_SLAKIT_UNKNOWN_REFERENCE',
      'escalations[0].sinks[0]',
    ],
    [
      'a non-positive escalation delay',
      { sinks: [sink], escalations: [{ afterSeconds: 0, sinks: ['chat'] }] },
      'ERR_SLAKIT_INVALID_OPTION',
      'escalations[0].afterSeconds',
    ],
    ['a negative dedup window', { dedupWindowSeconds: -1 }, 'ERR_SLAKIT_INVALID_OPTION', 'dedupWindowSeconds'],
    ['an unknown minSeverity', { minSeverity: 'fatal' as never }, 'ERR_SLAKIT_INVALID_OPTION', 'minSeverity'],
    ['a bad remediation', { remediations: { X: 42 as never } }, 'ERR_SLAKIT_INVALID_OPTION', 'remediations.X'],
    [
      'a route for an unknown severity',
      { sinks: [sink], routes: { fatal: ['chat'] } as never },
      'ERR_SLAKIT_UNKNOWN_OPTION',
      'routes.fatal',
    ],
  ])('rejects %s', (_label, options, code, field) => {
    expect(() => createAlerter({ env: {}, ...options })).toThrowError(expect.objectContaining({ code, field }));
  });

  it('rejects a bad ALERT_DEDUP_WINDOW_SEC', () => {
    expect(() => createAlerter({ env: { ALERT_DEDUP_WINDOW_SEC: 'soon' } })).toThrowError(
      expect.objectContaining({ code: 'ERR_SLAKIT_INVALID_ENV' }),
    );
  });
});
