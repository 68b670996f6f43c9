import { lazySchema, zod } from '../validation/lazy.js';
import { durationSeconds } from './period.js';
import { duration, percent, positive, strict } from './sections.js';

/** SLO names: DNS labels (`api-availability`, the OpenSLO/Kubernetes style) or snake_case; used as label values only. */
export const SLO_NAME = /^[a-z](?:[a-z0-9_-]{0,61}[a-z0-9])?$/;
/** The shortest SLO period: its page windows (1/720 of the period) would be shorter than 5 m below it. */
const MIN_SLO_WINDOW_SECONDS = 86_400;
/** The placeholder of the evaluation window in an SLO's own PromQL (`ratio`, `raw`), as Sloth's `{{.window}}`. */
export const WINDOW_PLACEHOLDER = '$window';

const sloBase = () => ({
  name: zod()
    .string()
    .regex(SLO_NAME, { error: `must be an SLO name matching ${SLO_NAME} (e.g. api-availability)` }),
  /** Target share of good events, in percent (0 < objective < 100), e.g. 99.9. */
  objective: percent,
  /**
   * Compliance window (Prometheus duration, at least 1d); default 30d. The burn-rate alert windows scale with it
   * (docs/alerts.md, "SLO burn-rate windows").
   */
  window: duration
    .refine((v) => durationSeconds(v) >= MIN_SLO_WINDOW_SECONDS, {
      error: 'must be at least 1d (the burn-rate windows scale with the period: 1/720 of it would be under 5m)',
    })
    .default('30d'),
  description: zod().string().optional(),
  /** Per-SLO alerting: page/ticket on or off, extra labels and annotations, own alert names. */
  alerting: zod()
    .strictObject({
      /** The fast-burn alert (critical); default true. */
      page: zod().boolean().optional(),
      /** The slow-burn alert (warning); default true. */
      ticket: zod().boolean().optional(),
      /** Extra labels on this SLO's alerts (routing keys, team); not `alertname`, `severity`, `service`, `slo`. */
      labels: zod()
        .record(
          zod()
            .string()
            .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, { error: 'must be a label name' })
            .refine((k) => !['alertname', 'severity', 'service', 'slo'].includes(k) && !k.startsWith('__'), {
              error: 'must not be alertname, severity, service, slo or start with __',
            }),
          zod().string().min(1).max(256),
        )
        .optional(),
      /** Extra annotations on this SLO's alerts (`dashboard`, `team_channel`). */
      annotations: zod()
        .record(
          zod()
            .string()
            .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, { error: 'must be an annotation name' }),
          zod().string().max(2000),
        )
        .optional(),
      /** Own alert names instead of `SloErrorBudgetBurnCritical` / `…Warning`. */
      names: zod()
        .strictObject({
          page: zod()
            .string()
            .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, { error: 'must be an alert name' })
            .optional(),
          ticket: zod()
            .string()
            .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, { error: 'must be an alert name' })
            .optional(),
        })
        .optional(),
    })
    .optional(),
});

/** Route and method filters of the HTTP SLIs (values of `http_route` / `http_request_method`). */
const httpFilters = () => ({
  /** Only these routes (route templates as recorded, e.g. `/api/orders/:id`); default every route. */
  routes: zod().array(zod().string().min(1).max(256)).min(1).optional(),
  /** Routes left out (e.g. `/admin/export`). */
  excludeRoutes: zod().array(zod().string().min(1).max(256)).min(1).optional(),
  /** Only these methods (`GET`, `POST`, …); default every method. */
  methods: zod()
    .array(
      zod()
        .string()
        .regex(/^[A-Z_]{1,16}$/, { error: 'must be an HTTP method such as GET' }),
    )
    .min(1)
    .optional(),
});

/** A status class (`5xx`, `4xx`) or one status code (`429`). */
const STATUS = /^[1-5](?:xx|\d\d)$/;

/** `$window`-templated PromQL of the user's own: one line of balanced brackets and quotes (promtool checks the rest). */
const promql = (what: string) =>
  zod()
    .string()
    .max(4000)
    .refine((v) => v.includes(WINDOW_PLACEHOLDER), {
      error: `must be a PromQL ${what} using ${WINDOW_PLACEHOLDER} as its range, e.g. sum(rate(x_total[$window]))`,
    })
    .refine(balanced, { error: `must be a PromQL ${what} with balanced (), [], {} and quotes` });

function balanced(expr: string): boolean {
  const close: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  const stack: string[] = [];
  let quote: string | undefined;
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i] as string;
    if (quote !== undefined) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '(' || c === '[' || c === '{') stack.push(c);
    else if (c in close && stack.pop() !== close[c]) return false;
  }
  return quote === undefined && stack.length === 0;
}

const availabilitySlo = lazySchema(() =>
  strict({
    ...sloBase(),
    kind: zod().literal('availability'),
    ...httpFilters(),
    /** The responses counted as errors: status classes or codes; default `["5xx"]` (e.g. `["5xx", "429"]`). */
    errorStatus: zod()
      .array(zod().string().regex(STATUS, { error: 'must be a status class such as 5xx or a code such as 429' }))
      .min(1)
      .default(['5xx']),
  }),
);
const latencySlo = lazySchema(() =>
  strict({
    ...sloBase(),
    kind: zod().literal('latency'),
    ...httpFilters(),
    /** A request is good when it completes within this many seconds. */
    thresholdSeconds: positive,
  }),
);
/** Good (or bad) events over total events, PromQL of the user's own (Sloth's `events`, OpenSLO's `ratioMetric`). */
const ratioSlo = lazySchema(() =>
  strict({
    ...sloBase(),
    kind: zod().literal('ratio'),
    /** Good events per second over `$window`; give `good` or `bad`. */
    good: promql('expression of good events').optional(),
    /** Bad events per second over `$window`; give `good` or `bad`. */
    bad: promql('expression of bad events').optional(),
    /** All events per second over `$window`. */
    total: promql('expression of all events'),
  }).refine((v) => (v.good === undefined) !== (v.bad === undefined), {
    error: 'must have exactly one of good or bad (the good or the bad events over total)',
  }),
);
/** An error ratio expression of the user's own (0..1 over `$window`; Sloth's `raw`). */
const rawSlo = lazySchema(() =>
  strict({
    ...sloBase(),
    kind: zod().literal('raw'),
    /** The error ratio (0..1) over `$window`. */
    errorRatio: promql('error ratio expression'),
  }),
);
export const slo = lazySchema(() =>
  zod().discriminatedUnion('kind', [availabilitySlo, latencySlo, ratioSlo, rawSlo], {
    error: 'must have kind "availability", "latency", "ratio" or "raw"',
  }),
);
