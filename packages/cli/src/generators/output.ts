import { stringify } from 'yaml';

/** Deterministic YAML (insertion order kept, no line folding, no anchors) with a generated-file header. */
export function toYaml(value: unknown, header?: string): string {
  const body = stringify(value, { lineWidth: 0, aliasDuplicateObjects: false, sortMapEntries: false });
  return header
    ? `${header
        .split('\n')
        .map((l) => `# ${l}`.trimEnd())
        .join('\n')}\n${body}`
    : body;
}

/** Deterministic JSON with a trailing newline. */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
