import type { Bindings, ChildLoggerOptions, Logger, LoggerOptions as PinoOptions } from 'pino';
import { loadPino } from '../deps.js';
import { type Redaction, redactLine } from './redact.js';
import { childRedactor, hostSerializers, ownSerializers } from './serializers.js';
import { cachedIsoTimestamp } from './timestamp.js';
import { type ActiveContextSource, withTraceFields } from './trace.js';

/**
 * pino's formatters: each line gets the active span's trace fields (in the formatter rather than a mixin, so a line
 * logged outside any span is not copied) and is redacted except the keys in `serialized`; bindings are redacted.
 */
function formatters(r: Redaction, source: ActiveContextSource, serialized: ReadonlySet<string>) {
  const none: ReadonlySet<string> = new Set();
  return {
    log: (object: object) => redactLine(withTraceFields(object as Record<string, unknown>, source), r, serialized),
    bindings: (bindings: Bindings) => redactLine(bindings, r, none),
  };
}

/** The options of a new pino logger at `level` with `base` fields. */
export function newLoggerOptions(
  level: string,
  base: Record<string, string>,
  r: Redaction,
  source: ActiveContextSource,
): PinoOptions {
  return {
    level,
    base: { pid: process.pid, ...base },
    serializers: ownSerializers(r),
    formatters: formatters(r, source, new Set(['err'])),
    timestamp: cachedIsoTimestamp(),
    onChild: childRedactor(r),
  };
}

/**
 * A child of the host's logger with `base` bindings: the host's level, transport and serializers are kept (the
 * serializers' output redacted); lines and bindings are redacted, and so are the bindings of its children.
 */
export function hostChild(host: Logger, base: Record<string, string>, r: Redaction, source: ActiveContextSource): Logger {
  const symbols = host as unknown as Record<symbol, unknown>;
  const pinoSymbols = loadPino().symbols;
  const own = (symbols[pinoSymbols.serializersSym] ?? {}) as Record<string, (v: unknown) => unknown>;
  const messageKey = (symbols[pinoSymbols.messageKeySym] as string | undefined) ?? 'msg';
  const errorKey = (symbols[pinoSymbols.errorKeySym] as string | undefined) ?? 'err';
  const serializers = hostSerializers(own, errorKey, messageKey, r);
  const serialized = new Set(Object.keys(serializers).filter((k) => k !== messageKey));
  const options: ChildLoggerOptions = { serializers, formatters: formatters(r, source, serialized) };
  const child = host.child(base, options);
  (child as unknown as { onChild: (c: Logger) => void }).onChild = childRedactor(r);
  return child;
}
