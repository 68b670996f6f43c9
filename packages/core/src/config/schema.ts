import type { z } from 'zod';
import { describeValue, SlakitError } from '../errors.js';
import { lazySchema, zod } from '../validation/lazy.js';
import { knownKeysError, unknownKeyText } from '../validation/options.js';
import { alerting, HEALTH_FAILING_FOR, health, job, NAME, namedRecord, prometheus, queue, SERVICE } from './sections.js';
import { slo } from './slo-section.js';

/** The zod schema of the slakit config (exported for tooling; prefer {@link defineConfig} / {@link validateConfig}). */
export const configSchema = lazySchema(() =>
  zod()
    .strictObject(
      {
        /** Service name (the `service` label of every generated alert). */
        service: zod()
          .string()
          .regex(SERVICE, { error: `must be a service name matching ${SERVICE}` }),
        prometheus: prometheus.default({ selector: '', groupBy: [], evaluationInterval: '30s' }),
        slos: zod().array(slo).default([]),
        jobs: namedRecord(NAME, 'job', job).default({}),
        queues: namedRecord(NAME, 'queue', queue).default({}),
        health: health.default({ failingFor: HEALTH_FAILING_FOR }),
        alerting: alerting.prefault({}),
      },
      { error: knownKeysError(['service', 'prometheus', 'slos', 'jobs', 'queues', 'health', 'alerting']) },
    )
    .superRefine((value, ctx) => {
      const seen = new Set<string>();
      value.slos.forEach((s, i) => {
        if (seen.has(s.name))
          ctx.addIssue({ code: 'custom', path: ['slos', i, 'name'], message: 'must be unique', input: s.name });
        seen.add(s.name);
      });
    }),
);

/** The config as written (defaults optional). */
export type SlakitConfigInput = z.input<typeof configSchema>;
/** The validated config with every default filled in. */
export type SlakitConfig = z.output<typeof configSchema>;
export type SloConfig = SlakitConfig['slos'][number];
export type JobConfig = SlakitConfig['jobs'][string];
export type QueueConfig = SlakitConfig['queues'][string];
export type ReceiverConfig = SlakitConfig['alerting']['pager'];

/** Formats a config path the way users write it: `slos[1].objective`, `jobs.cleanup_pdfs.budgetSeconds`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out || '(root)';
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let cur = input;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, key)) return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

/**
 * Validates a config object and fills in the defaults.
 * @param source where the config came from, named in the error (e.g. the file path)
 * @throws SlakitError `ERR_SLAKIT_INVALID_CONFIG` naming every invalid path: `slos[1].objective must be < 100, got 100`
 */
export function validateConfig(input: unknown, source?: string): SlakitConfig {
  if (input instanceof Object && (input as { [VALIDATED]?: true })[VALIDATED]) return input as SlakitConfig;
  let result: ReturnType<typeof configSchema.safeParse>;
  try {
    result = configSchema.safeParse(input);
  } catch {
    // a hostile getter or proxy
    throw new SlakitError(
      'ERR_SLAKIT_INVALID_CONFIG',
      `${source ? `${source}: ` : ''}invalid slakit config: must be a plain object`,
      {
        field: '(root)',
        accepted: 'see docs/configuration.md',
      },
    );
  }
  if (!result.success) {
    // A misspelt option explains a missing one: unknown keys are reported first.
    const issues = [...result.error.issues].sort(
      (a, b) => Number(b.code === 'unrecognized_keys') - Number(a.code === 'unrecognized_keys'),
    );
    const problems = issues.map((issue) => {
      let path = issue.path;
      let message = issue.message;
      const isKey = (issue as { params?: { key?: boolean } }).params?.key === true;
      if (issue.code === 'unrecognized_keys') {
        const key = String(issue.keys[0]);
        path = [...issue.path, key];
        return { field: formatPath(path), text: `${formatPath(path)} ${unknownKeyText(key, issue.message)}` };
      }
      if (issue.code === 'invalid_type' && valueAt(input, path) === undefined) message = 'is required';
      else if (issue.code === 'invalid_key') message = issue.issues[0]?.message ?? message;
      else if (issue.code === 'custom' && valueAt(input, path) === undefined && !isKey && issue.input === undefined)
        message = 'is required';
      // Shared option schemas (validation/fields.ts) describe what they accept: "a number of seconds > 0".
      if (!/^(must|is|has) /.test(message)) message = `must be ${message}`;
      if (isKey) {
        // A bad name is a property of its parent (`jobs`), not a field named by the bad value itself.
        const parent = formatPath(path.slice(0, -1));
        const key = describeValue(path[path.length - 1]);
        return { field: parent, text: `${parent} keys must each ${message.replace(/^must /, '')}, got key ${key}` };
      }
      return {
        field: formatPath(path),
        text: `${formatPath(path)} ${message}, got ${describeValue(valueAt(input, path), formatPath(path))}`,
      };
    });
    const first = problems[0] as { field: string };
    throw new SlakitError(
      'ERR_SLAKIT_INVALID_CONFIG',
      `${source ? `${source}: ` : ''}invalid slakit config: ${problems.map((p) => p.text).join('; ')}`,
      { field: first.field, value: valueAt(input, issues[0]?.path ?? []), accepted: 'see docs/configuration.md' },
    );
  }
  Object.defineProperty(result.data, VALIDATED, { value: true, enumerable: false });
  return result.data;
}

const VALIDATED = Symbol.for('slakit.config.validated');

/**
 * Declares the service's SLO/SLA config — the one source of truth for the runtime (`withSla` budgets, queue
 * thresholds, HTTP buckets) and the generated Prometheus rules, Alertmanager config and Grafana dashboards.
 * Validates at once and returns the config with defaults filled in.
 *
 * @example
 * export default defineConfig({
 *   service: 'orders',
 *   slos: [{ name: 'availability', kind: 'availability', objective: 99.9 }],
 *   jobs: { cleanup_pdfs: { budgetSeconds: 600, schedule: '0 3 * * *' } },
 * });
 * @throws SlakitError `ERR_SLAKIT_INVALID_CONFIG` naming the invalid path, its value and what is accepted
 */
export function defineConfig(config: SlakitConfigInput): SlakitConfig {
  return validateConfig(config);
}
