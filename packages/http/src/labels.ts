import { invalidOption } from '@slakit/core';
import { errorTypeOf } from './method.js';

/** One per-request label: its value cap and the value recorded once the cap is reached. */
export interface RequestLabelLimit {
  /** Distinct values at most; later new values are recorded as `overflowValue`. Default 10, at most 1000. */
  maxValues?: number;
  /** The value recorded past the cap; default `_other`. */
  overflowValue?: string;
}

/**
 * Custom labels of the request series (`http_server_request_duration_seconds`; the static ones also on
 * `http_server_active_requests`), bounded: static labels, and per-request labels from an allow-list, each with a
 * value cap and an overflow value.
 * @typeParam Req the request object the adapter passes to `request.values` (Express `req`, Fastify `request`, Koa
 * `ctx`, Hono `c`, node:http `req`).
 */
export interface CustomLabelsOptions<Req = unknown> {
  /** Labels on every series of this instrument, e.g. `{ team: 'checkout' }`. Values: strings of ≤ 128 chars. */
  static?: Readonly<Record<string, string>>;
  request?: {
    /** The allowed label names, each `true` (defaults) or its {@link RequestLabelLimit}. */
    allow: Readonly<Record<string, true | RequestLabelLimit>>;
    /**
     * The request's values, called once when the request ends (after the app's middleware ran, so it can read what
     * auth set). Names outside `allow`, values that are not strings, empty or longer than 128 chars are ignored (the
     * label is then absent); a throwing hook is contained (labels absent, one warning).
     */
    values: (req: Req) => Readonly<Record<string, unknown>> | undefined;
  };
}

/** Resolved custom labels of one instrument. */
export interface LabelSetup {
  readonly static: Readonly<Record<string, string>> | undefined;
  readonly names: readonly string[];
  readonly caps: readonly number[];
  readonly overflowValues: readonly string[];
  /** Index → value, per label (index 0: absent; the last: overflow). */
  readonly valuesByIndex: string[][];
  readonly indexByValue: Map<string, number>[];
  readonly strides: readonly number[];
  /** Distinct combinations of per-request label values (the series multiplier). */
  readonly combinations: number;
  readonly values: ((req: unknown) => Readonly<Record<string, unknown>> | undefined) | undefined;
  readonly warn: (fields: object, message: string) => void;
  warned: boolean;
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]{0,63}$/;
/** Label names slakit's request series already use, or Prometheus and OpenTelemetry reserve. */
const RESERVED = new Set([
  'http_request_method',
  'http_route',
  'http_response_status_code',
  'url_scheme',
  'error_type',
  'le',
  'quantile',
  'job',
  'instance',
  'service_name',
  'otel_scope_name',
  'otel_scope_version',
]);
const MAX_VALUE_LENGTH = 128;
/** Most series one instrument's custom labels may multiply each route × method × status by. */
export const MAX_LABEL_COMBINATIONS = 10_000;

function checkName(field: string, name: string, taken: Set<string>): void {
  if (!LABEL_NAME.test(name) || name.startsWith('__') || RESERVED.has(name) || taken.has(name)) {
    throw invalidOption(
      field,
      name,
      `a label name matching ${LABEL_NAME} (not starting with "__"), none of ${[...RESERVED].join(', ')}, used once`,
    );
  }
  taken.add(name);
}

function resolveLimit(field: string, limit: unknown): { cap: number; overflow: string } {
  if (limit === true) return { cap: 10, overflow: '_other' };
  if (limit === null || typeof limit !== 'object') throw invalidOption(field, limit, 'true or { maxValues?, overflowValue? }');
  const { maxValues = 10, overflowValue = '_other', ...rest } = limit as RequestLabelLimit;
  const unknownKey = Object.keys(rest)[0];
  if (unknownKey !== undefined) throw invalidOption(`${field}.${unknownKey}`, unknownKey, 'maxValues or overflowValue');
  if (!Number.isInteger(maxValues) || maxValues < 1 || maxValues > 1000) {
    throw invalidOption(`${field}.maxValues`, maxValues, 'an integer from 1 to 1000');
  }
  if (typeof overflowValue !== 'string' || overflowValue === '' || overflowValue.length > MAX_VALUE_LENGTH) {
    throw invalidOption(`${field}.overflowValue`, overflowValue, `a non-empty string of ≤ ${MAX_VALUE_LENGTH} chars`);
  }
  return { cap: maxValues, overflow: overflowValue };
}

function resolveStatic(field: string, labels: unknown, taken: Set<string>): Record<string, string> | undefined {
  if (labels === undefined) return undefined;
  if (labels === null || typeof labels !== 'object' || Array.isArray(labels)) {
    throw invalidOption(field, labels, 'an object { name: "value" }');
  }
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(labels)) {
    checkName(`${field}.${name}`, name, taken);
    if (typeof value !== 'string' || value === '' || value.length > MAX_VALUE_LENGTH) {
      throw invalidOption(`${field}.${name}`, value, `a non-empty string of ≤ ${MAX_VALUE_LENGTH} chars`);
    }
    out[name] = value;
  }
  return out;
}

/**
 * Validates the `labels` option (at configuration time) into its setup; undefined when there are none.
 * @throws SlakitError `ERR_SLAKIT_INVALID_OPTION` naming the field
 */
export function resolveLabels(
  option: CustomLabelsOptions<never> | undefined,
  warn: (fields: object, message: string) => void,
): LabelSetup | undefined {
  if (option === undefined) return undefined;
  if (option === null || typeof option !== 'object') throw invalidOption('labels', option, 'an object { static?, request? }');
  const taken = new Set<string>();
  const staticLabels = resolveStatic('labels.static', option.static, taken);
  const request = option.request;
  const names: string[] = [];
  const caps: number[] = [];
  const overflowValues: string[] = [];
  if (request !== undefined) {
    if (request === null || typeof request !== 'object')
      throw invalidOption('labels.request', request, 'an object { allow, values }');
    if (typeof request.values !== 'function') {
      throw invalidOption('labels.request.values', request.values, 'a function (req) => { name: value }');
    }
    const allow = request.allow;
    if (allow === null || typeof allow !== 'object' || Object.keys(allow).length === 0) {
      throw invalidOption('labels.request.allow', allow, 'an object naming at least one label { tenant_tier: true }');
    }
    for (const [name, limit] of Object.entries(allow)) {
      checkName(`labels.request.allow.${name}`, name, taken);
      const { cap, overflow } = resolveLimit(`labels.request.allow.${name}`, limit);
      names.push(name);
      caps.push(cap);
      overflowValues.push(overflow);
    }
  }
  const strides: number[] = [];
  let combinations = 1;
  for (const cap of caps) {
    strides.push(combinations);
    combinations *= cap + 2; // absent, cap values, overflow
  }
  if (combinations > MAX_LABEL_COMBINATIONS) {
    throw invalidOption(
      'labels.request.allow',
      Object.fromEntries(names.map((n, i) => [n, caps[i]])),
      `value caps whose combinations (Π (maxValues + 2)) stay ≤ ${MAX_LABEL_COMBINATIONS}`,
    );
  }
  if (!staticLabels && names.length === 0) return undefined;
  return {
    static: staticLabels,
    names,
    caps,
    overflowValues,
    valuesByIndex: names.map(() => ['']),
    indexByValue: names.map(() => new Map()),
    strides,
    combinations,
    values: request?.values as LabelSetup['values'],
    warn,
    warned: false,
  };
}

function valueIndex(setup: LabelSetup, i: number, value: unknown): number {
  if (typeof value !== 'string' || value === '' || value.length > MAX_VALUE_LENGTH) return 0;
  const byValue = setup.indexByValue[i] as Map<string, number>;
  const known = byValue.get(value);
  if (known !== undefined) return known;
  const cap = setup.caps[i] as number;
  if (byValue.size < cap) {
    const index = byValue.size + 1;
    byValue.set(value, index);
    (setup.valuesByIndex[i] as string[])[index] = value;
    return index;
  }
  return cap + 1;
}

/** The combination index of a request's per-request label values (0 when it has none). Never throws. */
export function labelCombination(setup: LabelSetup, req: unknown): number {
  const hook = setup.values;
  if (hook === undefined) return 0;
  try {
    const values = hook(req);
    if (values === null || typeof values !== 'object') return 0;
    let combo = 0;
    const { names, strides } = setup;
    for (let i = 0; i < names.length; i++) combo += valueIndex(setup, i, values[names[i] as string]) * (strides[i] as number);
    return combo;
  } catch (error) {
    // a throwing hook, or a throwing getter/proxy of what it returned
    if (!setup.warned) {
      setup.warned = true;
      setup.warn({ error_type: errorTypeOf(error) }, 'slakit http: labels.request.values threw; labels left out');
    }
    return 0;
  }
}

/** The attributes of a combination: the static labels and each present per-request label's value. */
export function labelAttributes(setup: LabelSetup, combo: number): Record<string, string | number> {
  const attrs: Record<string, string | number> = { ...setup.static };
  const { names, caps, strides } = setup;
  for (let i = 0; i < names.length; i++) {
    const index = Math.floor(combo / (strides[i] as number)) % ((caps[i] as number) + 2);
    if (index === 0) continue;
    attrs[names[i] as string] =
      index === (caps[i] as number) + 1
        ? (setup.overflowValues[i] as string)
        : ((setup.valuesByIndex[i] as string[])[index] as string);
  }
  return attrs;
}
