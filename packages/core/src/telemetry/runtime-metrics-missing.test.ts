import { describe, expect, it, vi } from 'vitest';

// The optional peer dependencies as not installed (a logic test: the real libraries are devDependencies here).
vi.mock('../deps.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../deps.js')>();
  const missing = (name: string) => () => {
    throw Object.assign(new Error(`Cannot find module '${name}'`), { code: 'MODULE_NOT_FOUND' });
  };
  return {
    ...actual,
    loadRuntimeNode: missing('@opentelemetry/instrumentation-runtime-node'),
    loadHostMetrics: missing('@opentelemetry/instrumentation-host-metrics'),
  };
});

const { createTelemetry } = await import('../telemetry.js');

describe('runtime metrics without their libraries', () => {
  it('throws a SlakitError naming the group and the library to install, before starting anything', () => {
    const attempt = (runtimeMetrics: unknown) => {
      try {
        createTelemetry({ serviceName: 'rt', providers: 'own', registerGlobal: false, runtimeMetrics } as never);
      } catch (error) {
        return error as { code: string; field: string; accepted: string };
      }
      throw new Error('no error');
    };
    expect(attempt({ cpu: true, eventLoop: false, heap: false, gc: false })).toMatchObject({
      code: 'ERR_SLAKIT_INVALID_OPTION',
      field: 'runtimeMetrics.cpu',
      accepted: expect.stringContaining('@opentelemetry/instrumentation-host-metrics installed (MODULE_NOT_FOUND)'),
    });
    expect(attempt(true)).toMatchObject({
      field: 'runtimeMetrics',
      accepted: expect.stringContaining('@opentelemetry/instrumentation-runtime-node'),
    });
  });

  it('needs neither library when runtimeMetrics is off', async () => {
    const telemetry = createTelemetry({ serviceName: 'rt', providers: 'own', registerGlobal: false, runtimeMetrics: false });
    expect(await telemetry.scrape()).not.toContain('nodejs_eventloop');
    await telemetry.shutdown();
  });
});
