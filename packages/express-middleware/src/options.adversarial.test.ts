import { createTestTelemetry } from '@slakit/core/testing';
import { describe, expect, it } from 'vitest';
import { expectNoSecret, slakitErrorOf } from '../../../test-support/slakit-errors.js';
import { instrument } from './instrument.js';
import { metricsRoute } from './metrics-route.js';

describe('item 18: express-middleware options are validated', () => {
  it('instrument({ ignorePaths: "/health" }) is a SlakitError, not a TypeError', async () => {
    const t = createTestTelemetry();
    try {
      const e = await slakitErrorOf(() => instrument({ telemetry: t.telemetry, ignorePaths: '/health' as never }));
      expect(e.code).toBe('ERR_SLAKIT_INVALID_OPTION');
      expect(e.field).toBe('ignorePaths');
      expect(e.message).toContain('got "/health"');
    } finally {
      await t.telemetry.shutdown();
    }
  });

  it('unknown keys are refused with a did-you-mean', async () => {
    const t = createTestTelemetry();
    try {
      const cases: [() => unknown, string, string][] = [
        [() => instrument({ telemetry: t.telemetry, ignorePath: ['/x'] } as never), 'ignorePath', 'ignorePaths'],
        [() => instrument({ telemetry: t.telemetry, tracing: { sampleRate: 1 } } as never), 'tracing.sampleRate', 'sampleRatio'],
        [() => metricsRoute(t.telemetry, { paths: '/m' } as never), 'paths', 'path'],
      ];
      for (const [call, field, suggestion] of cases) {
        const e = await slakitErrorOf(call);
        expect(e.code).toBe('ERR_SLAKIT_UNKNOWN_OPTION');
        expect(e.field).toBe(field);
        expect(e.message).toContain(`did you mean ${suggestion}?`);
      }
    } finally {
      await t.telemetry.shutdown();
    }
  });

  it('a telemetry stand-in with an exporter URL keeps its credentials out of the error (item 9)', async () => {
    const e = await slakitErrorOf(() =>
      instrument({ telemetry: { endpoint: 'https://otel:Te1emetryPass@collector/v1' } as never }),
    );
    expect(e.field).toBe('telemetry');
    expectNoSecret(e, 'Te1emetryPass');
  });
});
