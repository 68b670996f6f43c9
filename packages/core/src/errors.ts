import { describeValue, redactText, redactValue } from './validation/redact.js';

/**
 * The one table of slakit error codes. Every code is stable (never renamed or reused), documented in
 * `docs/errors.md` (a test fails when one is missing) and thrown only while configuring — never at run time.
 */
export const SLAKIT_ERROR_CODES = {
  /** An option passed to a slakit factory has a wrong type or a value outside its accepted range. */
  ERR_SLAKIT_INVALID_OPTION: 'An option passed to a slakit factory is invalid.',
  /** An environment variable read by `loadEnvConfig()` has a value outside its accepted range. */
  ERR_SLAKIT_INVALID_ENV: 'An environment variable has an invalid value.',
  /** Two thresholds are in the wrong order (for example warning ≥ critical). */
  ERR_SLAKIT_THRESHOLD_ORDER: 'Two thresholds are in the wrong order.',
  /** A metric, job, check or queue name does not match the accepted pattern. */
  ERR_SLAKIT_INVALID_NAME: 'A name does not match the accepted pattern.',
  /** A list that must hold unique names holds the same name twice. */
  ERR_SLAKIT_DUPLICATE_NAME: 'A name is used twice where names must be unique.',
  /** An alert given to the alerter lacks a required label or has an unknown severity. */
  ERR_SLAKIT_INVALID_ALERT: 'An alert is missing a required label or has an invalid value.',
  /** A route, escalation or remediation refers to a sink or alert that is not configured. */
  ERR_SLAKIT_UNKNOWN_REFERENCE: 'A configuration entry refers to something that is not configured.',
  /** The SLO/SLA config (`defineConfig`, a config file) has an invalid entry; the message names its path. */
  ERR_SLAKIT_INVALID_CONFIG: 'The slakit SLO/SLA config has an invalid entry.',
  /** A config file could not be found, read or parsed. */
  ERR_SLAKIT_CONFIG_FILE: 'A slakit config file could not be read.',
  /** An options object passed to a slakit factory has a key the factory does not know (a typo, usually). */
  ERR_SLAKIT_UNKNOWN_OPTION: 'An options object has a key the factory does not know.',
} as const;

/** A stable slakit error code; see `docs/errors.md`. */
export type SlakitErrorCode = keyof typeof SLAKIT_ERROR_CODES;

/** Structured detail of a configuration error: which field, which value, what is accepted. */
export interface SlakitErrorDetails {
  /** Path of the offending option or the name of the environment variable, e.g. `budgetSeconds`. */
  field?: string;
  /** The value that was rejected (redacted by the error: secret fields and credentials in URLs never stay here). */
  value?: unknown;
  /** Human-readable description of the accepted values, e.g. `a number > 0`. */
  accepted?: string;
}

/**
 * The only error type slakit throws. Thrown while configuring (factory calls, `loadEnvConfig`), never at run time.
 * `code` is stable and listed in {@link SLAKIT_ERROR_CODES}.
 */
export class SlakitError extends Error {
  /** Stable error code, e.g. `ERR_SLAKIT_INVALID_OPTION`. */
  readonly code: SlakitErrorCode;
  /** The offending field or variable, when known. */
  readonly field: string | undefined;
  /** The rejected value, when known. */
  readonly value: unknown;
  /** What would have been accepted, when known. */
  readonly accepted: string | undefined;

  /**
   * The message and `value` are redacted here, whoever builds the error: credentials in URLs, secret query values,
   * `password=…` pairs and token shapes never reach `message`; `value` of a secret-named field is `[redacted]`.
   */
  constructor(code: SlakitErrorCode, message: string, details: SlakitErrorDetails = {}) {
    super(redactText(String(message)));
    this.name = 'SlakitError';
    this.code = code;
    this.field = details.field === undefined ? undefined : redactText(String(details.field));
    this.value = redactValue(details.value, details.field);
    this.accepted = details.accepted;
  }
}

/** Formats a value for an error message (secrets redacted, `NaN`/`Infinity` by name); see `validation/redact.ts`. */
export { describeValue };

/**
 * Builds the standard "invalid option" error: `<field> must be <accepted>, got <value>`.
 * @param field option path, e.g. `metrics.port`
 * @param value the rejected value
 * @param accepted what is accepted, e.g. `an integer from 0 to 65535`
 */
export function invalidOption(
  field: string,
  value: unknown,
  accepted: string,
  code: SlakitErrorCode = 'ERR_SLAKIT_INVALID_OPTION',
): SlakitError {
  return new SlakitError(code, `${field} must be ${accepted}, got ${describeValue(value, field)}`, {
    field,
    value,
    accepted,
  });
}
