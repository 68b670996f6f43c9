/** The path of a request URL: everything before `?`. */
export function urlPath(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/** The route value of requests that matched no route: one series for every 404 scanner. */
export const UNMATCHED_ROUTE = 'unmatched';

/** The HTTP methods recorded as themselves; any other method is recorded as `_OTHER`. */
export const HTTP_METHODS: readonly string[] = Object.freeze([
  'CONNECT',
  'DELETE',
  'GET',
  'HEAD',
  'OPTIONS',
  'PATCH',
  'POST',
  'PUT',
  'QUERY',
  'TRACE',
]);
/** The recorded method values: {@link HTTP_METHODS}, then `_OTHER` (index `HTTP_METHODS.length`). */
export const METHOD_VALUES: readonly string[] = Object.freeze([...HTTP_METHODS, '_OTHER']);
const METHOD_INDEX = new Map<string, number>(HTTP_METHODS.map((m, i) => [m, i]));

/** Index of a request method in {@link METHOD_VALUES} (unknown methods → `_OTHER`'s). */
export function methodIndex(method: string | undefined): number {
  return (method === undefined ? undefined : METHOD_INDEX.get(method)) ?? HTTP_METHODS.length;
}

/** The semconv method value: known methods as is, anything else `_OTHER`. */
export function normalizeMethod(method: string | undefined): string {
  return METHOD_VALUES[methodIndex(method)] as string;
}

const SAFE_TYPE = /^[A-Za-z_][A-Za-z0-9_.]{0,63}$/;

/** A thrown value's class name, safe as a label value (`RangeError`, `PgError`), else `Error`. */
export function errorTypeOf(error: unknown): string {
  const name = (error as { name?: unknown })?.name ?? (error as object | undefined)?.constructor?.name;
  return typeof name === 'string' && SAFE_TYPE.test(name) ? name : 'Error';
}
