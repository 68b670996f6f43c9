import { type Context, type Exception, isSpanContextValid, context as otelContext, type Span, trace } from '@opentelemetry/api';
import { sanitizeMessage, scrubErrorStack } from '../secrets.js';

/** Something that knows the active OpenTelemetry context (the global `context` API by default). */
export interface ActiveContextSource {
  active(): Context;
}

/**
 * Returns `trace_id`, `span_id` and `trace_flags` of the span active in `source`, or an empty object.
 * Never throws.
 */
export function traceFields(source: ActiveContextSource = otelContext): Record<string, string> {
  try {
    const span = trace.getSpan(source.active());
    if (!span) return {};
    const sc = span.spanContext();
    if (!isSpanContextValid(sc)) return {};
    return { trace_id: sc.traceId, span_id: sc.spanId, trace_flags: sc.traceFlags.toString(16).padStart(2, '0') };
  } catch {
    return {};
  }
}

/** `object` with the active span's trace fields in front (the object's own fields win); `object` itself when none. */
export function withTraceFields(object: Record<string, unknown>, source: ActiveContextSource): Record<string, unknown> {
  const fields = traceFields(source);
  return fields.trace_id === undefined ? object : { ...fields, ...object };
}

/**
 * Records `error` (any thrown value) on `span` as an `exception` event with its message and stack scrubbed of
 * secrets ({@link scrubSecrets}; messages truncated to 1 KiB, stacks to 8 KiB) — `span.recordException(error)` would
 * export them verbatim. Sets nothing else on the span. Never throws.
 */
export function recordException(span: Pick<Span, 'recordException'>, error: unknown): void {
  try {
    const e =
      (typeof error === 'object' && error !== null) || typeof error === 'function'
        ? (error as Record<string, unknown>)
        : undefined;
    const name = typeof e?.name === 'string' ? e.name : e === undefined ? typeof error : 'Error';
    const message = sanitizeMessage(e !== undefined && 'message' in e ? e.message : error, 1024);
    const exception: Exception = { name, message };
    if (typeof e?.stack === 'string') {
      const stack = scrubErrorStack(e);
      exception.stack = stack.length > 8192 ? `${stack.slice(0, 8189)}...` : stack;
    }
    if (typeof e?.code === 'string' || typeof e?.code === 'number') exception.code = e.code;
    span.recordException(exception);
  } catch {
    // a broken span or a hostile error object must not break the caller
  }
}
