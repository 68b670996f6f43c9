import type { Logger } from 'pino';
import { loadPino } from '../deps.js';
import { SECRET_KEY_PATTERN } from '../secrets.js';
import { type Redaction, redactLine, redactWith } from './redact.js';

type Serializer = (value: unknown) => unknown;

/** pino's error serializer (pino is loaded on first use, by the first logger). */
const stdErr = (): Serializer => loadPino().stdSerializers.err as Serializer;
const identity: Serializer = (v) => v;

/** A serializer whose output is redacted too (and that never throws). */
export function redactingSerializer(serializer: Serializer, r: Redaction): Serializer {
  return (value) => {
    try {
      return redactWith(serializer(value), r);
    } catch {
      return '[Unserializable]';
    }
  };
}

/** The message text with secrets scrubbed ({@link scrubSecrets}); non-strings are redacted like objects. */
export function messageSerializer(r: Redaction): Serializer {
  return (value) => {
    try {
      return typeof value === 'string' ? r.scrubMessage(value) : redactWith(value, r);
    } catch {
      return '[Unserializable]';
    }
  };
}

/**
 * The serializers of a new logger: errors become pino's error shape in the walk itself (`serializeError`), texts
 * scrubbed; the message is scrubbed.
 */
export function ownSerializers(r: Redaction): Record<string, Serializer> {
  return { err: redactingSerializer(identity, r), msg: messageSerializer(r) };
}

/**
 * The serializers of a child of the host's logger: each of the host's serializers with its output redacted, the
 * error key's (pino's standard one replaced by the walk's error shape) and the message key's.
 */
export function hostSerializers(
  hostSerializers: Readonly<Record<string, Serializer>>,
  errorKey: string,
  messageKey: string,
  r: Redaction,
): Record<string, Serializer> {
  const serializers: Record<string, Serializer> = {};
  for (const key of Object.keys(hostSerializers)) {
    const s = hostSerializers[key];
    if (typeof s === 'function') serializers[key] = redactingSerializer(s, r);
  }
  const hostErr = hostSerializers[errorKey] ?? hostSerializers.err;
  serializers[errorKey] =
    hostErr === undefined || hostErr === stdErr() ? redactingSerializer(identity, r) : redactingSerializer(hostErr, r);
  serializers[messageKey] = messageSerializer(r);
  return serializers;
}

/**
 * pino's `onChild` hook: a child's bindings (`logger.child({ apiKey })`) skip the log formatter, so they are redacted
 * here, once per child — only when the rendered bindings mention a secret-like word at all.
 */
export function childRedactor(r: Redaction): (child: Logger) => void {
  return (child) => {
    try {
      const holder = child as unknown as Record<symbol, unknown>;
      const rendered = holder[loadPino().symbols.chindingsSym];
      if (typeof rendered !== 'string' || (!SECRET_KEY_PATTERN.test(rendered) && r.extra.size === 0)) return;
      // All bindings of the child (its parents' and pino's base pid/hostname too), as rendered.
      const bindings = JSON.parse(`{${rendered.slice(1)}}`) as Record<string, unknown>;
      const clean = redactLine(bindings, r, new Set());
      if (clean !== bindings) {
        holder[loadPino().symbols.chindingsSym] = `,${JSON.stringify(clean).slice(1, -1)}`;
      }
    } catch {
      // bindings that cannot be examined stay as pino rendered them
    }
  };
}
