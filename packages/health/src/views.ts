import type { Clock } from '@slakit/core';
import type { CheckStatus, Role } from './check.js';
import type { HealthOptions } from './options.js';
import type { CheckState } from './runner.js';
import type { HealthBody, HealthCheckEntry, HealthState } from './types.js';

/** A view: `/health` (every check) or one probe role. */
export type View = 'health' | Role;

/** What the bodies are computed from. */
export interface ViewContext {
  states: ReadonlyMap<string, CheckState>;
  lifecycle: { readonly state: HealthState };
  /** Whether startup is complete (asked only while starting). */
  startupPassed: () => boolean;
  /** The IETF `version`, `releaseId`, `serviceId` and `description` (default: the telemetry's service name). */
  options: Pick<HealthOptions, 'version' | 'releaseId' | 'serviceId' | 'description' | 'telemetry'>;
  clock: Clock;
  /** When the instance started (epoch ms), for `uptime`. */
  startedAt: number;
}

const RANK: Readonly<Record<CheckStatus, number>> = Object.freeze({ pass: 0, warn: 1, fail: 2 });

/**
 * The IETF draft-inadarei-api-health-check-06 body and HTTP status of a view: pass/warn → 200, fail → 503. Probe
 * views carry `status` (and `output` while the lifecycle holds them failing); `/health` and one check add the
 * service fields and `checks`, with details only when `detailed`.
 */
export function evaluateView(
  ctx: ViewContext,
  view: View,
  opts: { detailed?: boolean; check?: string } = {},
): { status: number; body: HealthBody } {
  const detailed = opts.detailed === true;
  const involved = [...ctx.states.values()].filter((s) =>
    opts.check ? s.check.name === opts.check : view === 'health' || s.check.roles.includes(view),
  );
  let status = worstStatus(involved, view);
  const output = lifecycleOutput(ctx, view);
  if (output) status = 'fail';
  const body: HealthBody = { status };
  if (output) body.output = output;
  if (view === 'health' || opts.check) {
    const { options } = ctx;
    if (options.version) body.version = options.version;
    if (options.releaseId) body.releaseId = options.releaseId;
    const serviceId = options.serviceId ?? options.telemetry?.service.name;
    if (serviceId) body.serviceId = serviceId;
    if (options.description) body.description = options.description;
    body.checks = checkEntries(involved, detailed);
    if (detailed || !opts.check) body.checks.uptime = [uptimeEntry(ctx.clock, ctx.startedAt)];
  }
  return { status: status === 'fail' ? 503 : 200, body };
}

/** The worst status of the involved checks; a degraded check's failure counts as `warn`. */
function worstStatus(involved: CheckState[], view: View): CheckStatus {
  let status: CheckStatus = 'pass';
  for (const s of involved) {
    const r = s.result;
    // No result yet: not ready (readiness/startup), but never a reason to restart (liveness).
    const st: CheckStatus = r ? r.status : view === 'liveness' ? 'pass' : 'fail';
    const effective: CheckStatus = st === 'fail' && s.check.severity === 'degraded' ? 'warn' : st;
    if (RANK[effective] > RANK[status]) status = effective;
  }
  return status;
}

/**
 * The `output` that makes a view fail because of the lifecycle, or undefined: readiness and `/health` fail unless
 * ready (or starting with startup passed); startup fails while starting and startup has not passed.
 */
function lifecycleOutput(ctx: ViewContext, view: View): string | undefined {
  const { state } = ctx.lifecycle;
  if ((view === 'readiness' || view === 'health') && state !== 'ready') {
    if (state !== 'starting' || !ctx.startupPassed()) return state === 'starting' ? 'STARTING' : state.toUpperCase();
  }
  if (view === 'startup' && state === 'starting' && !ctx.startupPassed()) return 'STARTING';
  return undefined;
}

/** `checks` of the body: `<name>:<measurement>` per check, plus `<name>:responseTime` with the run's latency when detailed. */
function checkEntries(involved: CheckState[], detailed: boolean): Record<string, HealthCheckEntry[]> {
  const checks: Record<string, HealthCheckEntry[]> = {};
  for (const s of involved) {
    const own = entry(s, detailed);
    checks[`${s.check.name}:${s.check.measurement}`] = [own];
    if (!detailed || s.latencyMs === undefined) continue;
    const latency = Math.round(s.latencyMs * 1000) / 1000;
    if (s.check.measurement === 'responseTime') {
      // The check's own entry already is its `responseTime` entry: it keeps its status and output (`TIMEOUT`),
      // and the run's latency is its value only when the check reported none.
      if (own.observedValue === undefined) {
        own.observedValue = latency;
        own.observedUnit = 'ms';
      }
      continue;
    }
    const e: HealthCheckEntry = {
      componentId: s.check.name,
      componentType: s.check.componentType,
      observedValue: latency,
      observedUnit: 'ms',
      status: s.result?.status ?? 'fail',
    };
    if (s.time !== undefined) e.time = new Date(s.time).toISOString();
    checks[`${s.check.name}:responseTime`] = [e];
  }
  return checks;
}

/** One check's entry: its component type and status; id, value, unit, output (`PENDING` before a result) and time when detailed. */
function entry(s: CheckState, detailed: boolean): HealthCheckEntry {
  const r = s.result;
  const e: HealthCheckEntry = { componentType: s.check.componentType, status: r?.status ?? 'fail' };
  if (detailed) {
    e.componentId = s.check.name;
    if (r?.observedValue !== undefined) e.observedValue = r.observedValue;
    if (r?.observedUnit !== undefined) e.observedUnit = r.observedUnit;
    e.output = r ? (r.output ?? '') : 'PENDING';
    if (s.time !== undefined) e.time = new Date(s.time).toISOString();
  }
  return e;
}

/** The `uptime` entry: whole seconds since `startedAt`. */
function uptimeEntry(clock: Clock, startedAt: number): HealthCheckEntry {
  return {
    componentType: 'system',
    observedValue: Math.round((clock.now() - startedAt) / 1000),
    observedUnit: 's',
    status: 'pass',
    time: new Date(clock.now()).toISOString(),
  };
}
