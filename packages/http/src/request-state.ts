import type { Span } from '@opentelemetry/api';

// The link between instrument() and errorRecorder(): two properties of the request under registered symbols, set
// only when there is something to share — the span when the request has one, the error type when a handler threw —
// so a metrics-only request keeps its hidden class. Registered (`Symbol.for`) rather than private symbols so that the
// ESM and CommonJS builds, if both are loaded, link to each other; nothing is stored on globalThis.
const REQUEST_SPAN = Symbol.for('slakit.http.requestSpan');
const THROWN_TYPE = Symbol.for('slakit.http.errorType');

type RequestState = { [REQUEST_SPAN]?: Span; [THROWN_TYPE]?: string };

/** Non-enumerable, so the host never sees it in `console.log(req)`, `{ ...req }` or a deep-equal. */
function hide(req: object, key: symbol, value: unknown): void {
  Object.defineProperty(req, key, { value, writable: true, configurable: true, enumerable: false });
}

/** Makes `span` the request's span for errorRecorder(). */
export function setRequestSpan(req: object, span: Span): void {
  hide(req, REQUEST_SPAN, span);
}

/** The span instrument() gave the request, if any. */
export function requestSpan(req: object): Span | undefined {
  return (req as RequestState)[REQUEST_SPAN];
}

/** Records the type of the error a handler threw for this request. */
export function setThrownType(req: object, type: string): void {
  hide(req, THROWN_TYPE, type);
}

/** The type of the error a handler threw for this request (errorRecorder()), if any. */
export function thrownType(req: object): string | undefined {
  return (req as RequestState)[THROWN_TYPE];
}
