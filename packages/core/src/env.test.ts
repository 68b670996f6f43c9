import { describe, expect, it } from 'vitest';
import { ENV_VARIABLES, type EnvConfig, loadEnvConfig } from './env.js';
import { SlakitError } from './errors.js';

type Case = { name: string; get: (c: EnvConfig) => unknown; fallback: unknown; valid: [string, unknown]; invalid: string[] };

const cases: Case[] = [
  {
    name: 'SLA_WARNING_THRESHOLD_PERCENT',
    get: (c) => c.sla.warningPercent,
    fallback: 80,
    valid: ['70', 70],
    invalid: ['abc', '0', '-5', '1001'],
  },
  {
    name: 'SLA_CRITICAL_THRESHOLD_PERCENT',
    get: (c) => c.sla.criticalPercent,
    fallback: 100,
    valid: ['120', 120],
    invalid: ['x', '0', '2000'],
  },
  {
    name: 'SLA_SUCCESS_RATE_THRESHOLD',
    get: (c) => c.sla.successRateThreshold,
    fallback: 0.95,
    valid: ['0.99', 0.99],
    invalid: ['95', '0', '-0.1', 'high'],
  },
  {
    name: 'MRQ_DEPTH_WARNING',
    get: (c) => c.queue.depthWarning,
    fallback: 100,
    valid: ['50', 50],
    invalid: ['0', '1.5', 'many'],
  },
  {
    name: 'MRQ_DEPTH_CRITICAL',
    get: (c) => c.queue.depthCritical,
    fallback: 500,
    valid: ['1000', 1000],
    invalid: ['0', '2.5', 'lots'],
  },
  {
    name: 'MRQ_AGE_WARNING_HOURS',
    get: (c) => c.queue.ageWarningHours,
    fallback: 48,
    valid: ['24', 24],
    invalid: ['0', '-1', 'old'],
  },
  {
    name: 'MRQ_AGE_ESCALATION_HOURS',
    get: (c) => c.queue.ageEscalationHours,
    fallback: 168,
    valid: ['200', 200],
    invalid: ['0', 'week'],
  },
  {
    name: 'ALERT_DEDUP_WINDOW_SEC',
    get: (c) => c.alerts.dedupWindowSeconds,
    fallback: 300,
    valid: ['60', 60],
    invalid: ['-1', '1.5', '999999999', 'soon'],
  },
  {
    name: 'ALERT_MIN_SEVERITY',
    get: (c) => c.alerts.minSeverity,
    fallback: 'warning',
    valid: ['Error', 'error'],
    invalid: ['fatal', 'err', 'warn', 'errors'],
  },
  {
    name: 'AUTO_REMEDIATION_ENABLED',
    get: (c) => c.remediation.enabled,
    fallback: false,
    valid: ['true', true],
    invalid: ['maybe', '2'],
  },
  {
    name: 'AUTO_REMEDIATION_MAX_RETRIES',
    get: (c) => c.remediation.maxRetries,
    fallback: 3,
    valid: ['5', 5],
    invalid: ['-1', '101', '2.5'],
  },
  {
    name: 'MONITORING_INTERVAL_MINUTES',
    get: (c) => c.monitoringIntervalMinutes,
    fallback: 15,
    valid: ['5', 5],
    invalid: ['0', '1441', 'often'],
  },
  { name: 'OTEL_SDK_DISABLED', get: (c) => c.otel.sdkDisabled, fallback: false, valid: ['TRUE', true], invalid: ['disabled'] },
  {
    name: 'OTEL_SERVICE_NAME',
    get: (c) => c.otel.serviceName,
    fallback: undefined,
    valid: ['checkout', 'checkout'],
    invalid: [],
  },
  {
    name: 'OTEL_RESOURCE_ATTRIBUTES',
    get: (c) => c.otel.resourceAttributes,
    fallback: {},
    valid: ['service.version=1.2.3,team=a%20b', { 'service.version': '1.2.3', team: 'a b' }],
    invalid: ['novalue'],
  },
  {
    name: 'OTEL_EXPORTER_OTLP_ENDPOINT',
    get: (c) => c.otel.tracesEndpoint,
    fallback: undefined,
    valid: ['http://collector:4318/', 'http://collector:4318/v1/traces'],
    invalid: ['collector:4318', 'ftp://x'],
  },
  {
    name: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
    get: (c) => c.otel.tracesEndpoint,
    fallback: undefined,
    valid: ['https://x.example/traces', 'https://x.example/traces'],
    invalid: ['not a url'],
  },
  {
    name: 'OTEL_EXPORTER_OTLP_HEADERS',
    get: (c) => c.otel.tracesHeaders,
    fallback: {},
    valid: ['api-key=abc', { 'api-key': 'abc' }],
    invalid: ['secretvalue'],
  },
  {
    name: 'OTEL_EXPORTER_OTLP_TRACES_HEADERS',
    get: (c) => c.otel.tracesHeaders,
    fallback: {},
    valid: ['a=1', { a: '1' }],
    invalid: ['b'],
  },
  {
    name: 'OTEL_TRACES_SAMPLER',
    get: (c) => c.otel.tracesSampler,
    fallback: 'parentbased_traceidratio',
    valid: ['always_on', 'always_on'],
    invalid: ['jaeger_remote'],
  },
  {
    name: 'OTEL_TRACES_SAMPLER_ARG',
    get: (c) => c.otel.tracesSamplerArg,
    fallback: 1,
    valid: ['0.1', 0.1],
    invalid: ['2', '-0.5', 'ten'],
  },
  {
    name: 'OTEL_EXPORTER_PROMETHEUS_HOST',
    get: (c) => c.otel.prometheusHost,
    fallback: '0.0.0.0',
    valid: ['127.0.0.1', '127.0.0.1'],
    invalid: [],
  },
  {
    name: 'OTEL_EXPORTER_PROMETHEUS_PORT',
    get: (c) => c.otel.prometheusPort,
    fallback: undefined,
    valid: ['9464', 9464],
    invalid: ['70000', 'http', '-1'],
  },
];

describe('loadEnvConfig', () => {
  it('covers every variable it reads', () => {
    expect(cases.map((c) => c.name).sort()).toEqual([...ENV_VARIABLES].sort());
  });

  describe.each(cases)('$name', ({ name, get, fallback, valid }) => {
    it('has its default when unset or empty', () => {
      expect(get(loadEnvConfig({}))).toEqual(fallback);
      expect(get(loadEnvConfig({ [name]: '' }))).toEqual(fallback);
    });
    it('accepts a valid override', () => {
      expect(get(loadEnvConfig({ [name]: valid[0] }))).toEqual(valid[1]);
    });
  });

  describe.each(cases.filter((c) => c.invalid.length > 0))('$name', ({ name, invalid }) => {
    it('rejects invalid values with a SlakitError naming it', () => {
      for (const bad of invalid) {
        let error: unknown;
        try {
          loadEnvConfig({ [name]: bad });
        } catch (e) {
          error = e;
        }
        expect(error, `${name}=${bad}`).toBeInstanceOf(SlakitError);
        const e = error as SlakitError;
        expect(e.code).toBe('ERR_SLAKIT_INVALID_ENV');
        expect(e.field).toBe(name);
        expect(e.message).toContain(name);
        expect(e.message).toContain(e.accepted as string);
        if (!name.includes('HEADERS')) expect(e.message).toContain(JSON.stringify(bad));
      }
    });
  });

  it('ALERT_MIN_SEVERITY accepts each of the four severities, trimmed and case-insensitive', () => {
    for (const [raw, parsed] of [
      ['info', 'info'],
      [' WARNING ', 'warning'],
      ['error', 'error'],
      ['Critical', 'critical'],
    ]) {
      expect(loadEnvConfig({ ALERT_MIN_SEVERITY: raw }).alerts.minSeverity, raw).toBe(parsed);
    }
  });

  it('ALERT_MIN_SEVERITY=fatal names the variable, the value and the four accepted values', () => {
    expect(() => loadEnvConfig({ ALERT_MIN_SEVERITY: 'fatal' })).toThrowError(
      expect.objectContaining({
        code: 'ERR_SLAKIT_INVALID_ENV',
        field: 'ALERT_MIN_SEVERITY',
        value: 'fatal',
        accepted: 'one of info, warning, error, critical',
        message: 'ALERT_MIN_SEVERITY must be one of info, warning, error, critical, got "fatal"',
      }),
    );
  });

  it('never echoes header values (they carry credentials)', () => {
    expect(() => loadEnvConfig({ OTEL_EXPORTER_OTLP_HEADERS: 'supersecrettoken' })).toThrowError(/\[redacted\]/);
    try {
      loadEnvConfig({ OTEL_EXPORTER_OTLP_HEADERS: 'supersecrettoken' });
    } catch (e) {
      expect((e as Error).message).not.toContain('supersecrettoken');
    }
  });

  it.each([
    ['SLA_WARNING_THRESHOLD_PERCENT', '100', 'SLA_CRITICAL_THRESHOLD_PERCENT', '100'],
    ['SLA_WARNING_THRESHOLD_PERCENT', '120', 'SLA_CRITICAL_THRESHOLD_PERCENT', '100'],
    ['MRQ_DEPTH_WARNING', '600', 'MRQ_DEPTH_CRITICAL', '500'],
    ['MRQ_AGE_WARNING_HOURS', '200', 'MRQ_AGE_ESCALATION_HOURS', '168'],
  ])('rejects %s=%s with %s=%s (warning must be below critical)', (low, lowValue, high, highValue) => {
    expect(() => loadEnvConfig({ [low]: lowValue, [high]: highValue })).toThrowError(
      expect.objectContaining({ code: 'ERR_SLAKIT_THRESHOLD_ORDER', field: low }),
    );
  });

  it('derives the traces endpoint and merges header lists (traces-specific wins)', () => {
    const c = loadEnvConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318',
      OTEL_EXPORTER_OTLP_HEADERS: 'a=1,b=2',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'b=3',
      OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-attrs',
    });
    expect(c.otel.tracesEndpoint).toBe('http://c:4318/v1/traces');
    expect(c.otel.tracesHeaders).toEqual({ a: '1', b: '3' });
    expect(c.otel.serviceName).toBe('from-attrs');
  });

  it('reads process.env by default', () => {
    const before = process.env.MRQ_DEPTH_WARNING;
    process.env.MRQ_DEPTH_WARNING = '42';
    try {
      expect(loadEnvConfig().queue.depthWarning).toBe(42);
    } finally {
      if (before === undefined) delete process.env.MRQ_DEPTH_WARNING;
      else process.env.MRQ_DEPTH_WARNING = before;
    }
  });
});
