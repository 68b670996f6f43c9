import { describe, expect, it } from 'vitest';
import { createAlerter } from './alerts/alerter.js';
import { loadEnvConfig, loadEnvSections } from './env.js';
import { createTelemetry } from './telemetry.js';

const silent = { level: 'silent' } as const;

describe('env read per section', () => {
  it('a bad MRQ_DEPTH_WARNING does not make createTelemetry() or createAlerter() throw', async () => {
    const env = { MRQ_DEPTH_WARNING: 'many', SLA_WARNING_THRESHOLD_PERCENT: 'abc' };
    const t = createTelemetry({ env, providers: 'own', logger: silent });
    await t.shutdown();
    const alerter = createAlerter({ env, sinks: [] });
    await alerter.close();
  });

  it('the queue section that reads MRQ_DEPTH_WARNING still rejects it, with the same error as loadEnvConfig', () => {
    const env = { MRQ_DEPTH_WARNING: 'many' };
    const expected = expect.objectContaining({ code: 'ERR_SLAKIT_INVALID_ENV', field: 'MRQ_DEPTH_WARNING' });
    expect(() => loadEnvSections(env, ['queue'])).toThrowError(expected);
    expect(() => loadEnvConfig(env)).toThrowError(expected);
    expect(() => loadEnvSections(env, ['otel', 'alerts', 'remediation', 'sla', 'monitoringIntervalMinutes'])).not.toThrow();
  });

  it('createTelemetry() still rejects a bad OTEL_* variable', () => {
    expect(() => createTelemetry({ env: { OTEL_TRACES_SAMPLER_ARG: '2' }, providers: 'own', logger: silent })).toThrowError(
      expect.objectContaining({ code: 'ERR_SLAKIT_INVALID_ENV', field: 'OTEL_TRACES_SAMPLER_ARG' }),
    );
  });

  it('createAlerter() still rejects a bad ALERT_* variable', () => {
    expect(() => createAlerter({ env: { ALERT_MIN_SEVERITY: 'loud' }, sinks: [] })).toThrowError(
      expect.objectContaining({ code: 'ERR_SLAKIT_INVALID_ENV', field: 'ALERT_MIN_SEVERITY' }),
    );
  });

  it('rejects sections it does not know', () => {
    expect(() => loadEnvSections({}, ['nope'] as never)).toThrowError(
      expect.objectContaining({ code: 'ERR_SLAKIT_INVALID_OPTION', field: 'sections' }),
    );
  });

  it('returns only the sections asked for', () => {
    expect(Object.keys(loadEnvSections({}, ['otel', 'queue'])).sort()).toEqual(['otel', 'queue']);
  });
});
