import { createRequire } from 'node:module';

/**
 * Dependencies loaded on first use instead of at import, so `import('@slakit/core')` costs little more than
 * `import('@opentelemetry/api')`: zod (the option schemas, built on first validation), the OpenTelemetry SDK
 * (loaded by `createTelemetry()` only for the signals slakit runs itself), the OTLP exporter (only with an endpoint),
 * the Prometheus serializer, pino and croner.
 *
 * Loading is synchronous (`createRequire`), so every factory stays synchronous and throws its errors at the call;
 * Node caches each module, so the second call is a cache lookup. The ESM build resolves through
 * `createRequire(import.meta.url)` (tsup shims `import.meta.url` in the CJS build) and therefore loads the CommonJS
 * build of these packages; they reach the OpenTelemetry globals through the API's global registry, which every copy
 * of `@opentelemetry/api` shares. Each loader names its package literally so bundlers that follow `createRequire`
 * (webpack) still see the dependency.
 */
function nodeRequire(): NodeJS.Require {
  return createRequire(import.meta.url);
}

export const loadZod = (): typeof import('zod') => nodeRequire()('zod');
export const loadSdkMetrics = (): typeof import('@opentelemetry/sdk-metrics') => nodeRequire()('@opentelemetry/sdk-metrics');
export const loadSdkTrace = (): typeof import('@opentelemetry/sdk-trace-base') => nodeRequire()('@opentelemetry/sdk-trace-base');
export const loadResources = (): typeof import('@opentelemetry/resources') => nodeRequire()('@opentelemetry/resources');
export const loadOtelCore = (): typeof import('@opentelemetry/core') => nodeRequire()('@opentelemetry/core');
export const loadContextAsyncHooks = (): typeof import('@opentelemetry/context-async-hooks') =>
  nodeRequire()('@opentelemetry/context-async-hooks');
export const loadOtlpTraceExporter = (): typeof import('@opentelemetry/exporter-trace-otlp-http') =>
  nodeRequire()('@opentelemetry/exporter-trace-otlp-http');
export const loadPrometheusExporter = (): typeof import('@opentelemetry/exporter-prometheus') =>
  nodeRequire()('@opentelemetry/exporter-prometheus');
export const loadPino = (): typeof import('pino') => nodeRequire()('pino');
export const loadCroner = (): typeof import('croner') => nodeRequire()('croner');
export const loadSemconv = (): typeof import('@opentelemetry/semantic-conventions') =>
  nodeRequire()('@opentelemetry/semantic-conventions');
/** node:http and node:https, loaded by the first outbound call or metrics server (hosts load them anyway; a bare import does not). */
export const loadHttp = (): typeof import('node:http') => nodeRequire()('node:http');
export const loadHttps = (): typeof import('node:https') => nodeRequire()('node:https');
/** Optional peer dependencies of the runtime metrics (`createTelemetry({ runtimeMetrics })`), loaded only for them. */
export const loadRuntimeNode = (): typeof import('@opentelemetry/instrumentation-runtime-node') =>
  nodeRequire()('@opentelemetry/instrumentation-runtime-node');
export const loadHostMetrics = (): typeof import('@opentelemetry/instrumentation-host-metrics') =>
  nodeRequire()('@opentelemetry/instrumentation-host-metrics');
export const loadV8 = (): typeof import('node:v8') => nodeRequire()('node:v8');
