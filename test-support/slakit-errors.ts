// Helpers of the adversarial option tests: a SlakitError is caught and everything it would print is searched.
import { inspect } from 'node:util';
import { expect } from 'vitest';

/** The shape of a `SlakitError` (test-support imports no slakit package). */
export interface SlakitErrorLike extends Error {
  code: string;
  field: string | undefined;
  value: unknown;
  accepted: string | undefined;
}

/** Calls `fn`, expects a SlakitError (thrown or, for async factories, rejected) and returns it. */
export async function slakitErrorOf(fn: () => unknown): Promise<SlakitErrorLike> {
  let error: unknown;
  try {
    await fn();
  } catch (e) {
    error = e;
  }
  if (error === undefined) throw new Error('expected a SlakitError, nothing was thrown');
  expect((error as Error).name, String((error as Error).stack)).toBe('SlakitError');
  return error as SlakitErrorLike;
}

/** Everything an error shows when printed, logged (inspect) or serialised (JSON). */
export function printedForm(error: SlakitErrorLike): string {
  let json = '';
  try {
    json = JSON.stringify({ ...error, message: error.message, value: error.value });
  } catch {
    json = '';
  }
  return [error.message, String(error), error.field, inspect(error, { depth: 8 }), json, inspect(error.value, { depth: 8 })].join(
    '\n',
  );
}

/** Asserts that none of `secrets` appears in anything the error prints. */
export function expectNoSecret(error: SlakitErrorLike, ...secrets: string[]): void {
  const text = printedForm(error);
  for (const secret of secrets) expect(text).not.toContain(secret);
}
