import type { Resource } from '@opentelemetry/resources';
import { loadResources, loadSemconv } from '../deps.js';
import type { EnvConfig } from '../env.js';
import type { Telemetry, TelemetryOptions } from './types.js';

const ATTR_DEPLOYMENT_ENVIRONMENT_NAME = 'deployment.environment.name';

/** The service identity: options first, then `OTEL_SERVICE_NAME` / `OTEL_RESOURCE_ATTRIBUTES`, then `NODE_ENV`. */
export function resolveService(options: TelemetryOptions, otel: EnvConfig['otel']): Telemetry['service'] {
  const attrs = otel.resourceAttributes;
  return {
    name: options.serviceName ?? otel.serviceName ?? 'unknown_service:node',
    version: options.serviceVersion ?? attrs['service.version'],
    environment:
      options.environment ??
      attrs[ATTR_DEPLOYMENT_ENVIRONMENT_NAME] ??
      attrs['deployment.environment'] ??
      (options.env ?? process.env).NODE_ENV,
  };
}

/**
 * The SDK resource: the SDK's default one, merged with `OTEL_RESOURCE_ATTRIBUTES`, `options.resourceAttributes` and
 * the service identity. Loads `@opentelemetry/resources`: only call it when slakit starts an SDK provider.
 */
export function buildResource(service: Telemetry['service'], options: TelemetryOptions, otel: EnvConfig['otel']): Resource {
  const { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } = loadSemconv();
  const resourceAttrs: Record<string, string> = {
    ...otel.resourceAttributes,
    ...options.resourceAttributes,
    [ATTR_SERVICE_NAME]: service.name,
  };
  if (service.version) resourceAttrs[ATTR_SERVICE_VERSION] = service.version;
  if (service.environment) resourceAttrs[ATTR_DEPLOYMENT_ENVIRONMENT_NAME] = service.environment;
  const { defaultResource, resourceFromAttributes } = loadResources();
  return defaultResource().merge(resourceFromAttributes(resourceAttrs));
}
