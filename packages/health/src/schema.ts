/**
 * JSON Schema (draft 2020-12) of the `application/health+json` bodies slakit serves — IETF
 * draft-inadarei-api-health-check-06. Also shipped as `@slakit/health/health-check.schema.json`.
 */
export const healthCheckSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://slakit.dev/schemas/health-check-06.json',
  title: 'Health Check Response Format for HTTP APIs (draft-inadarei-api-health-check-06)',
  type: 'object',
  required: ['status'],
  properties: {
    status: { enum: ['pass', 'warn', 'fail'] },
    version: { type: 'string' },
    releaseId: { type: 'string' },
    notes: { type: 'array', items: { type: 'string' } },
    output: { type: 'string' },
    serviceId: { type: 'string' },
    description: { type: 'string' },
    links: { type: 'object', additionalProperties: { type: 'string' } },
    checks: {
      type: 'object',
      propertyNames: { pattern: '^[^:]+(:[^:]+)?$' },
      additionalProperties: {
        type: 'array',
        items: {
          type: 'object',
          required: ['status'],
          properties: {
            componentId: { type: 'string' },
            componentType: { type: 'string' },
            observedValue: { type: ['number', 'string', 'boolean', 'object', 'array'] },
            observedUnit: { type: 'string' },
            status: { enum: ['pass', 'warn', 'fail'] },
            affectedEndpoints: { type: 'array', items: { type: 'string' } },
            time: { type: 'string', format: 'date-time' },
            output: { type: 'string' },
            links: { type: 'object', additionalProperties: { type: 'string' } },
          },
          additionalProperties: false,
        },
      },
    },
  },
  additionalProperties: false,
} as const;
