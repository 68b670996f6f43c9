import { invalidOption, validateOptions } from '@slakit/core';
import { parseOrigin } from './csrf.js';
import { opsRouterOptionsSchema } from './options-schema.js';
import type { OpsContext, OpsJob, OpsRouterOptions } from './types.js';

/**
 * Validates the options of the ops API and resolves them into the context the routes read.
 * @throws SlakitError for an invalid option
 */
export function resolveOptions(options: OpsRouterOptions): OpsContext {
  validateOptions(opsRouterOptionsSchema, options);
  const prefix = (options.prefix ?? '/ops').replace(/\/+$/, '');
  if (!/^\/[A-Za-z0-9._~/-]*$/.test(prefix)) throw invalidOption('prefix', options.prefix, 'a path such as /ops');
  for (const key of ['authorize', 'authorizeRead'] as const)
    if (options[key] !== undefined && typeof options[key] !== 'function')
      throw invalidOption(key, options[key], 'a function (req) => boolean');
  if (options.allowedOrigins !== undefined && !Array.isArray(options.allowedOrigins))
    throw invalidOption('allowedOrigins', options.allowedOrigins, 'an array of origins such as https://console.example.com');
  const allowedOrigins = new Set<string>();
  (options.allowedOrigins ?? []).forEach((o, i) => {
    const origin = parseOrigin(o);
    if (!origin)
      throw invalidOption(`allowedOrigins[${i}]`, o, 'an http(s) origin such as https://console.example.com (no path)');
    allowedOrigins.add(origin);
  });
  const jobs = new Map<string, OpsJob>();
  const list = Array.isArray(options.jobs) ? options.jobs : Object.values(options.jobs ?? {});
  list.forEach((job, i) => {
    if (typeof job !== 'function' || typeof job.jobName !== 'string')
      throw invalidOption(`jobs[${i}]`, job, 'a job returned by withSla()');
    jobs.set(job.jobName, job);
  });
  return {
    prefix,
    allowedOrigins,
    jobs,
    running: new Set<string>(),
    alerter: options.alerter,
    ledger: options.ledger,
    health: options.health,
    slo: options.slo,
    config: options.config,
    logger: options.logger,
    authorize: options.authorize,
    authorizeRead: options.authorizeRead,
  };
}
