import { describeValue, invalidOption, SlakitError } from '@slakit/core';

/** Probe roles a check takes part in. */
export const ROLES = ['readiness', 'liveness', 'startup'] as const;
export type Role = (typeof ROLES)[number];

/** `critical`: a failure fails the probe (503). `degraded`: a failure only warns (200). */
export type CheckSeverity = 'critical' | 'degraded';

/** Status of one check, as in the IETF health draft. */
export type CheckStatus = 'pass' | 'warn' | 'fail';

/** What a check's `run` returns (or throws: a thrown error is `fail` with a code as output). */
export interface CheckResult {
  status: CheckStatus;
  observedValue?: number | string | boolean;
  observedUnit?: string;
  /** A short code (`ECONNREFUSED`, `TIMEOUT`, `INDEX_MISSING:idx_x`), never a raw driver message. */
  output?: string;
}

/** A health check. */
export interface HealthCheck {
  run(signal: AbortSignal): Promise<CheckResult> | CheckResult;
  /** Default `['readiness']`. */
  roles?: Role[];
  /** Default `critical`. */
  severity?: CheckSeverity;
  /** How long a result stays fresh, in ms; the check re-runs in the background on this period (± 10 % jitter). Default 10000. */
  ttlMs?: number;
  /** Hard deadline of one run in ms (aborts `signal`; the result is `fail` / `TIMEOUT`). Default 2000. */
  timeoutMs?: number;
  /** IETF `componentType`: `datastore`, `system`, `component`, `http`. Default `component`. */
  componentType?: string;
  /** IETF measurement name (key `<name>:<measurement>`). Default `status`. */
  measurement?: string;
  /** `dependency` checks (databases, caches, remote services) may not be used for liveness. Default `local`. */
  kind?: 'dependency' | 'local';
}

/** The options every check factory shares: a {@link HealthCheck} without `run` and `kind`. */
export type CheckOptions = Omit<HealthCheck, 'run' | 'kind'>;

/** A check with its name, for the array form of `checks`. */
export type NamedHealthCheck = HealthCheck & { name: string };

/** A check with its defaults applied. */
export interface ResolvedCheck extends Required<Omit<HealthCheck, 'run'>> {
  name: string;
  run: HealthCheck['run'];
}

const NAME = /^[a-z][a-z0-9_-]{0,62}$/;

/**
 * Validates the checks of `createHealth` and applies defaults.
 * @throws SlakitError `ERR_SLAKIT_INVALID_NAME`, `ERR_SLAKIT_DUPLICATE_NAME`, `ERR_SLAKIT_INVALID_OPTION` (unknown role,
 *   non-positive TTL or timeout, or a dependency check with the liveness role — restart storms)
 */
export function resolveChecks(checks: Record<string, HealthCheck> | NamedHealthCheck[] | undefined): ResolvedCheck[] {
  if (!checks || typeof checks !== 'object')
    throw invalidOption('checks', checks, 'an object of named checks, or an array of checks with a name');
  const entries: [string, HealthCheck, string][] = Array.isArray(checks)
    ? // Array.from, not map: a sparse array's holes are checks too (reported as missing), never skipped
      Array.from(checks, (c, i) => [c?.name, c, `checks[${i}]`] as [string, HealthCheck, string])
    : Object.entries(checks).map(([name, c]) => [name, c, `checks.${name}`] as [string, HealthCheck, string]);
  const out: ResolvedCheck[] = [];
  const seen = new Set<string>();
  for (const [name, check, field] of entries) {
    if (typeof name !== 'string' || !NAME.test(name)) {
      throw new SlakitError(
        'ERR_SLAKIT_INVALID_NAME',
        `${field}: a check name must match [a-z][a-z0-9_-]*, got ${describeValue(name)}`,
        {
          field,
          value: name,
          accepted: 'a name matching [a-z][a-z0-9_-]{0,62}',
        },
      );
    }
    const lower = name.toLowerCase();
    if (seen.has(lower))
      throw new SlakitError('ERR_SLAKIT_DUPLICATE_NAME', `${field} is defined twice`, {
        field,
        value: name,
        accepted: 'unique names',
      });
    seen.add(lower);
    if (!check || typeof check.run !== 'function') throw invalidOption(field, check, 'a check with a run(signal) function');
    const roles = check.roles ?? ['readiness'];
    if (!Array.isArray(roles) || roles.length === 0)
      throw invalidOption(`${field}.roles`, roles, `a non-empty array of ${ROLES.join(', ')}`);
    roles.forEach((role, i) => {
      if (!ROLES.includes(role)) throw invalidOption(`${field}.roles[${i}]`, role, `one of ${ROLES.join(', ')}`);
    });
    const severity = check.severity ?? 'critical';
    if (severity !== 'critical' && severity !== 'degraded')
      throw invalidOption(`${field}.severity`, severity, 'critical or degraded');
    for (const key of ['ttlMs', 'timeoutMs'] as const) {
      const v = check[key];
      if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v <= 0))
        throw invalidOption(`${field}.${key}`, v, 'a number of ms > 0');
    }
    const kind = check.kind ?? 'local';
    if (kind === 'dependency' && roles.includes('liveness')) {
      throw invalidOption(
        `${field}.roles`,
        roles,
        'readiness and/or startup only: a dependency check on liveness restarts every replica when the dependency is down (restart storm); use eventLoopDelay() or memory() for liveness',
      );
    }
    out.push({
      name,
      run: check.run.bind(check),
      roles,
      severity,
      ttlMs: check.ttlMs ?? 10_000,
      timeoutMs: check.timeoutMs ?? 2000,
      componentType: check.componentType ?? 'component',
      measurement: check.measurement ?? 'status',
      kind,
    });
  }
  return out;
}

/** A short, secret-free code for a check failure (never the raw driver message). */
export function failureCode(error: unknown): string {
  try {
    return codeOf(error);
  } catch {
    // A thrown value whose getters throw (a Proxy, a message that cannot become a string): still a code.
    return 'ERROR';
  }
}

function codeOf(error: unknown): string {
  const e = error as { code?: unknown; name?: unknown; cause?: { code?: unknown } } | undefined;
  const code = e?.code ?? e?.cause?.code;
  if (typeof code === 'string' && /^[A-Za-z0-9_:.-]{1,64}$/.test(code)) {
    if (code === '28P01' || code === '28000') return 'AUTH_FAILED';
    if (code === '3D000') return 'DATABASE_MISSING';
    if (code === '57014') return 'TIMEOUT';
    return code.toUpperCase();
  }
  if (e?.name === 'AbortError' || e?.name === 'TimeoutError') return 'TIMEOUT';
  const name = typeof e?.name === 'string' ? e.name : '';
  if (/NOAUTH|WRONGPASS/i.test(String((error as Error)?.message ?? ''))) return 'AUTH_FAILED';
  return /^[A-Za-z]{1,40}$/.test(name) && name !== 'Error' ? name.toUpperCase() : 'ERROR';
}
