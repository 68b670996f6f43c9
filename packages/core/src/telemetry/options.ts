import { invalidOption } from '../errors.js';
import { validateOptions as validateSchema } from '../validation/options.js';
import { telemetryOptionsSchema } from '../validation/schemas.js';
import type { TelemetryOptions } from './types.js';

/**
 * Validates `createTelemetry()` options: the schema (unknown keys, types), then the ranges it cannot express.
 * @throws SlakitError `ERR_SLAKIT_UNKNOWN_OPTION` / `ERR_SLAKIT_INVALID_OPTION`
 */
export function validateTelemetryOptions(options: TelemetryOptions): void {
  validateSchema(telemetryOptionsSchema, options);
  const { metrics, traces } = options;
  if (options.providers !== undefined && !['auto', 'host', 'own'].includes(options.providers)) {
    throw invalidOption('providers', options.providers, 'one of auto, host, own');
  }
  if (metrics?.port !== undefined && (!Number.isInteger(metrics.port) || metrics.port < 0 || metrics.port > 65535)) {
    throw invalidOption('metrics.port', metrics.port, 'an integer port from 0 to 65535');
  }
  if (traces?.sampleRatio !== undefined && !(traces.sampleRatio >= 0 && traces.sampleRatio <= 1)) {
    throw invalidOption('traces.sampleRatio', traces.sampleRatio, 'a number from 0 to 1');
  }
  if (traces?.endpoint !== undefined) {
    let ok = false;
    try {
      ok = ['http:', 'https:'].includes(new URL(traces.endpoint).protocol);
    } catch {}
    if (!ok) throw invalidOption('traces.endpoint', traces.endpoint, 'an http(s) URL');
  }
  for (const key of ['maxQueueSize', 'exportTimeoutMs'] as const) {
    const v = traces?.[key];
    if (v !== undefined && (!Number.isInteger(v) || v <= 0)) throw invalidOption(`traces.${key}`, v, 'an integer > 0');
  }
  const t = options.shutdownTimeoutMs;
  if (t !== undefined && (!Number.isFinite(t) || t <= 0)) throw invalidOption('shutdownTimeoutMs', t, 'a number of ms > 0');
}
