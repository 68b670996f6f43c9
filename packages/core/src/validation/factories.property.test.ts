import { describe, expect, it } from 'vitest';
import { checkFactory, type FactoryTarget } from '../../../../test-support/factory-property.js';
import { createAlerter } from '../alerts/alerter.js';
import { alertmanagerSink } from '../alerts/sinks/alertmanager.js';
import { logSink } from '../alerts/sinks/log.js';
import { pagerDutySink } from '../alerts/sinks/pagerduty.js';
import { sentrySink } from '../alerts/sinks/sentry.js';
import { slackSink } from '../alerts/sinks/slack.js';
import { telegramSink } from '../alerts/sinks/telegram.js';
import { webhookSink } from '../alerts/sinks/webhook.js';
import { memoryAlertStore, redisAlertStore } from '../alerts/store.js';
import { httpDurationBuckets } from '../buckets.js';
import { jobSchedule, jobSla, queueThresholds, runbookUrl, sloLatencyThresholds } from '../config/runtime.js';
import { defineConfig } from '../config/schema.js';
import { ENV_VARIABLES, type EnvSection, loadEnvConfig, loadEnvSections } from '../env.js';
import { SLAKIT_ERROR_CODES } from '../errors.js';
import * as core from '../index.js';
import { createLogger } from '../logger.js';
import { createTelemetry } from '../telemetry.js';
import { createFakeClock } from '../testing/fake-clock.js';

const CODES = Object.keys(SLAKIT_ERROR_CODES);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const silent = createLogger({ level: 'silent' });
const fakeRedis = { call: async () => null };
const sink = { name: 'fake', kind: 'custom' as const, send: async () => undefined };
const config = (extra: Record<string, unknown>) => ({ service: 'shop', ...extra });

const DELIVERY = [
  'delivery.timeoutMs',
  'delivery.retries',
  'delivery.backoffMs',
  'delivery.maxBackoffMs',
  'delivery.maxQueue',
  'delivery.concurrency',
];
const JOB_KEYS = [
  'budgetSeconds',
  'schedule',
  'timezone',
  'graceSeconds',
  'warningPercent',
  'criticalPercent',
  'successRateThreshold',
  'throughputRatio',
  'consecutiveFailures',
  'description',
];

/** No network, no global registration: drop what would open a port or export (validated by the adversarial tests). */
function offline(options: unknown): unknown {
  if (!isObject(options)) return options;
  const out: Record<string, unknown> = { ...options, env: {} };
  if (out.providers === undefined || out.providers === 'auto' || out.providers === 'host') out.providers = 'own';
  if (isObject(out.metrics)) out.metrics = { ...out.metrics, port: undefined };
  if (isObject(out.traces)) out.traces = { ...out.traces, endpoint: undefined };
  return out;
}

/** Every public factory of @slakit/core that takes options. */
export const CORE_FACTORIES: FactoryTarget[] = [
  {
    name: 'createTelemetry',
    keys: [
      'serviceName',
      'serviceVersion',
      'environment',
      'resourceAttributes',
      'env',
      'providers',
      'registerGlobal',
      'meterProvider',
      'tracerProvider',
      'metrics.port',
      'metrics.host',
      'metrics.readers',
      'traces.endpoint',
      'traces.headers',
      'traces.sampleRatio',
      'traces.exporter',
      'traces.batch',
      'traces.maxQueueSize',
      'traces.exportTimeoutMs',
      'logger',
      'shutdownTimeoutMs',
    ],
    call: (o) => createTelemetry(offline(o) as never),
  },
  {
    name: 'createLogger',
    keys: ['serviceName', 'serviceVersion', 'environment', 'level', 'logger', 'destination', 'redact', 'context'],
    call: (o) => createLogger(o as never),
  },
  {
    name: 'createAlerter',
    keys: [
      'sinks',
      'routes.info',
      'routes.warning',
      'routes.critical',
      'dedupWindowSeconds',
      'resendIntervalSeconds',
      'minSeverity',
      'escalations',
      'remediations',
      'remediation.enabled',
      'remediation.maxRetries',
      'remediation.backoffMs',
      'remediation.timeoutMs',
      'store',
      'telemetry',
      'logger',
      'service',
      'historyLimit',
      'tickSeconds',
      'closeTimeoutMs',
      'clock',
      'env',
    ],
    call: (o) => createAlerter(o as never),
  },
  { name: 'logSink', keys: ['name', ...DELIVERY], call: (o) => logSink(silent, o as never) },
  {
    name: 'webhookSink',
    keys: ['name', 'headers', 'sendResolved', ...DELIVERY],
    call: (o) => webhookSink('https://example.com/hook', o as never),
  },
  {
    name: 'slackSink',
    keys: ['name', 'sendResolved', ...DELIVERY],
    call: (o) => slackSink('https://hooks.slack.com/services/x', o as never),
  },
  { name: 'pagerDutySink', keys: ['routingKey', 'name', 'url', 'source', ...DELIVERY], call: (o) => pagerDutySink(o as never) },
  {
    name: 'alertmanagerSink',
    keys: ['name', 'generatorURL', 'refreshSeconds', 'headers', ...DELIVERY],
    call: (o) => alertmanagerSink('https://am.example.com', o as never),
  },
  {
    name: 'sentrySink',
    keys: ['name', 'sendResolved', ...DELIVERY],
    call: (o) => sentrySink({ captureMessage: () => 'id' }, o as never),
  },
  {
    name: 'telegramSink',
    keys: ['botToken', 'chatIds', 'name', 'apiUrl', 'sendResolved', ...DELIVERY],
    call: (o) => telegramSink(o as never),
  },
  { name: 'memoryAlertStore', keys: ['maxKeys', 'now'], call: (o) => memoryAlertStore(o as never) },
  { name: 'redisAlertStore', keys: ['prefix'], call: (o) => redisAlertStore(fakeRedis, o as never) },
  { name: 'redisAlertStore(client)', keys: ['call', 'sendCommand'], call: (o) => redisAlertStore(o as never) },
  {
    name: 'defineConfig',
    keys: [
      'service',
      'prometheus.selector',
      'prometheus.evaluationInterval',
      'slos',
      'jobs',
      'queues',
      'health.criticalChecks',
      'health.failingFor',
      'alerting.runbookBaseUrl',
      'alerting.pager',
      'alerting.chat',
      'alerting.groupWait',
    ],
    call: (o) => defineConfig(o as never),
  },
  { name: 'jobSla (config.jobs.<name>)', keys: JOB_KEYS, call: (o) => jobSla(config({ jobs: { j: o } }) as never, 'j') },
  { name: 'jobSchedule', keys: JOB_KEYS, call: (o) => jobSchedule(config({ jobs: { j: o } }) as never, 'j') },
  {
    name: 'jobSla (job name)',
    keys: [],
    call: (o) => jobSla(config({ jobs: { j: { budgetSeconds: 1 } } }) as never, o as never),
  },
  {
    name: 'queueThresholds',
    keys: [
      'depthWarning',
      'depthCritical',
      'ageWarningHours',
      'ageEscalationHours',
      'resolutionRateRatio',
      'resolutionBaselineHours',
      'resolutionMinHistoryHours',
      'description',
    ],
    call: (o) => queueThresholds(config({ queues: { q: o } }) as never, 'q'),
  },
  {
    name: 'runbookUrl',
    keys: ['runbookBaseUrl', 'pager', 'chat'],
    call: (o) => runbookUrl(config({ alerting: o }) as never, 'JobSlaBreachCritical'),
  },
  {
    name: 'sloLatencyThresholds',
    keys: ['name', 'kind', 'objective', 'window', 'thresholdSeconds'],
    call: (o) => sloLatencyThresholds(config({ slos: [o] }) as never),
  },
  { name: 'httpDurationBuckets', keys: [], call: (o) => httpDurationBuckets(o as never) },
  { name: 'loadEnvConfig', keys: ENV_VARIABLES, call: (o) => loadEnvConfig(o as never) },
  {
    name: 'loadEnvSections',
    keys: ENV_VARIABLES,
    call: (o) =>
      loadEnvSections(o as never, ['sla', 'queue', 'alerts', 'remediation', 'monitoringIntervalMinutes', 'otel'] as EnvSection[]),
  },
];

const GOOD = [silent, createFakeClock(0), fakeRedis, [sink], { enabled: false }, 'warning', 'https://example.com/x', 5, 1000];

describe('property: every public factory of @slakit/core → a SlakitError naming a field, or a working object', () => {
  it('the table lists every exported factory of @slakit/core', () => {
    const listed = new Set(CORE_FACTORIES.map((t) => t.name.split(' ')[0]));
    // not option-taking factories: fast-metrics plumbing (internal to createTelemetry) and schema builders
    const NOT_FACTORIES = new Set(['createAggregatingFastMetrics', 'createDelegatingFastMetrics', 'runbookUrlOption']);
    const factories = Object.entries(core)
      .filter(
        ([name, value]) =>
          typeof value === 'function' && /^(create|define|load|job|queue|runbook|slo|http)|Sink$|Store$/.test(name),
      )
      .filter(([name]) => !NOT_FACTORIES.has(name))
      .map(([name]) => name);
    expect(factories.filter((name) => !listed.has(name))).toEqual([]);
  });

  it.each(CORE_FACTORIES.map((t) => [t.name, t] as const))('%s', async (_name, target) => {
    const seen = await checkFactory(target, CODES, { numRuns: 1000, goodValues: GOOD });
    expect(seen.error + seen.object).toBe(1000);
    expect(seen.error).toBeGreaterThan(0);
  });
});
