import { SEVERITIES, type Severity } from '../env.js';
import { describeValue, invalidOption, SlakitError } from '../errors.js';
import type { AlertSink, SinkKind } from './delivery.js';
import { severityRank } from './model.js';
import { type AlerterOptions, checkPositive, type Escalation } from './options.js';

/**
 * Default route of each severity, by sink kind (`docs/alerts.md`). `error` means "needs action today": it reaches the
 * same chat and ticket-like sinks (Sentry issues, webhooks into a tracker) as a warning, but never the pager — only
 * `critical` wakes someone up. Route `error` to a pager explicitly (`routes.error`) or escalate it after a delay.
 */
export const DEFAULT_ROUTE_KINDS: Readonly<Record<Severity, readonly SinkKind[]>> = {
  info: ['log'],
  warning: ['log', 'chat', 'sentry', 'webhook', 'alertmanager', 'custom'],
  error: ['log', 'chat', 'sentry', 'webhook', 'alertmanager', 'custom'],
  critical: ['log', 'pager', 'chat', 'sentry', 'webhook', 'alertmanager', 'custom'],
};

/** An escalation with its delay in ms and its sinks checked. */
export interface ResolvedEscalation {
  afterMs: number;
  severity: Severity | undefined;
  sinks: string[];
}

/** Where notifications go: the sinks by name, the sink names per severity, the escalations. */
export interface Routing {
  readonly byName: ReadonlyMap<string, AlertSink>;
  readonly routes: Readonly<Record<Severity, string[]>>;
  readonly escalations: readonly ResolvedEscalation[];
}

/**
 * The store keys a notification claims, so replicas sharing a store send each one once per window: the first
 * notification and repeats claim `firing`, each escalation its own key, the resolution `resolved`.
 */
export const CLAIM_FIRING = 'firing';
export const CLAIM_RESOLVED = 'resolved';
export const claimEscalation = (index: number): string => `escalation:${index}`;

/** The shared-store key of one claim of an alert. */
export const storeKey = (fingerprint: string, claim: string): string => `${fingerprint}:${claim}`;

/** Whether an alert of `severity` passes the `minSeverity` filter. */
export function passesMinSeverity(severity: Severity, minSeverity: Severity): boolean {
  return severityRank(severity) >= severityRank(minSeverity);
}

/**
 * Checks the sinks and indexes them by name.
 * @throws SlakitError `ERR_SLAKIT_INVALID_OPTION` (not a sink), `ERR_SLAKIT_DUPLICATE_NAME` (two sinks, one name)
 */
export function indexSinks(sinks: readonly AlertSink[]): Map<string, AlertSink> {
  const byName = new Map<string, AlertSink>();
  sinks.forEach((sink, i) => {
    if (!sink || typeof sink.send !== 'function' || typeof sink.name !== 'string' || !sink.name) {
      throw invalidOption(`sinks[${i}]`, sink, 'a sink with a name and a send() function');
    }
    if (byName.has(sink.name)) {
      throw new SlakitError('ERR_SLAKIT_DUPLICATE_NAME', `sinks[${i}].name ${describeValue(sink.name)} is used by two sinks`, {
        field: `sinks[${i}].name`,
        value: sink.name,
        accepted: 'a name no other sink uses (pass { name } to the sink factory)',
      });
    }
    byName.set(sink.name, sink);
  });
  return byName;
}

/**
 * `names` if it is an array of configured sink names.
 * @throws SlakitError `ERR_SLAKIT_INVALID_OPTION` (not an array), `ERR_SLAKIT_UNKNOWN_REFERENCE` (a name not configured)
 */
function knownSinks(byName: ReadonlyMap<string, AlertSink>, field: string, names: unknown): string[] {
  if (!Array.isArray(names)) throw invalidOption(field, names, 'an array of sink names');
  names.forEach((name, i) => {
    if (!byName.has(name)) {
      throw new SlakitError(
        'ERR_SLAKIT_UNKNOWN_REFERENCE',
        `${field}[${i}] names sink ${describeValue(name)}, which is not configured`,
        {
          field: `${field}[${i}]`,
          value: name,
          accepted: `one of ${[...byName.keys()].join(', ') || '(no sinks)'}`,
        },
      );
    }
  });
  return names as string[];
}

/** The sink names of each severity: the explicit route, else the sinks whose kind the default route lists. */
function resolveRoutes(
  sinks: readonly AlertSink[],
  byName: ReadonlyMap<string, AlertSink>,
  explicitRoutes: AlerterOptions['routes'],
): Record<Severity, string[]> {
  const routes = {} as Record<Severity, string[]>;
  for (const severity of SEVERITIES) {
    const explicit = explicitRoutes?.[severity];
    routes[severity] =
      explicit !== undefined
        ? knownSinks(byName, `routes.${severity}`, explicit)
        : sinks.filter((s) => DEFAULT_ROUTE_KINDS[severity].includes(s.kind)).map((s) => s.name);
  }
  for (const key of Object.keys(explicitRoutes ?? {})) {
    if (!SEVERITIES.includes(key as Severity)) throw invalidOption(`routes.${key}`, key, `a severity: ${SEVERITIES.join(', ')}`);
  }
  return routes;
}

function resolveEscalations(byName: ReadonlyMap<string, AlertSink>, escalations: readonly Escalation[]): ResolvedEscalation[] {
  return escalations.map((e, i) => {
    checkPositive(`escalations[${i}].afterSeconds`, e?.afterSeconds);
    if (typeof e?.afterSeconds !== 'number')
      throw invalidOption(`escalations[${i}].afterSeconds`, e?.afterSeconds, 'a number > 0');
    if (e.severity !== undefined && !SEVERITIES.includes(e.severity)) {
      throw invalidOption(`escalations[${i}].severity`, e.severity, SEVERITIES.join(', '));
    }
    return {
      afterMs: e.afterSeconds * 1000,
      severity: e.severity,
      sinks: knownSinks(byName, `escalations[${i}].sinks`, e.sinks),
    };
  });
}

/**
 * Checks sinks, routes and escalations (in that order) and returns the routing table.
 * @throws SlakitError `ERR_SLAKIT_INVALID_OPTION`, `ERR_SLAKIT_DUPLICATE_NAME`, `ERR_SLAKIT_UNKNOWN_REFERENCE`
 */
export function createRouting(sinks: readonly AlertSink[], options: Pick<AlerterOptions, 'routes' | 'escalations'>): Routing {
  const byName = indexSinks(sinks);
  const routes = resolveRoutes(sinks, byName, options.routes);
  const escalations = resolveEscalations(byName, options.escalations ?? []);
  return { byName, routes, escalations };
}

/** Whether escalation `index` is due for an alert of `severity` firing since `startsAt` and not escalated yet. */
export function escalationDue(
  escalation: ResolvedEscalation,
  alert: { severity: Severity; startsAt: number; escalated: ReadonlySet<number> },
  index: number,
  now: number,
): boolean {
  if (alert.escalated.has(index)) return false;
  if (escalation.severity && escalation.severity !== alert.severity) return false;
  return now - alert.startsAt >= escalation.afterMs;
}
