const SAFE_NAME = /^[A-Za-z_][A-Za-z0-9_.]{0,63}$/;

/**
 * A short code for any thrown value, safe to log or label: the value's string `code` (`ECONNREFUSED`) or class name
 * (`TypeError`) when they look like one, `NonError` for non-objects (`undefined`, `null`, strings…), else `Error`.
 * Never throws (a hostile getter, Proxy or `Object.create(null)` gives `Error`), never returns a message.
 */
export function safeErrorCode(error: unknown): string {
  if ((typeof error !== 'object' && typeof error !== 'function') || error === null) return 'NonError';
  try {
    const { code, name } = error as { code?: unknown; name?: unknown };
    if (typeof code === 'string' && SAFE_NAME.test(code)) return code;
    if (typeof name === 'string' && SAFE_NAME.test(name)) return name;
  } catch {
    // a throwing getter or Proxy trap: no more reads
  }
  return 'Error';
}
