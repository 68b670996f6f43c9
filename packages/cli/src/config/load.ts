import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { type SlakitConfig, SlakitError, validateConfig } from '@slakit/core';

const MODULES = new Set(['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts']);
const DATA = new Set(['.yaml', '.yml', '.json']);

function fileError(file: string, message: string): SlakitError {
  return new SlakitError('ERR_SLAKIT_CONFIG_FILE', `${file}: ${message}`, {
    field: 'config',
    value: file,
    accepted: 'a readable .yaml, .yml, .json, .js, .mjs, .cjs, .ts, .mts or .cts file',
  });
}

/**
 * Reads and validates a slakit config file: YAML/JSON (same shape as {@link defineConfig}'s argument) or a
 * JS/TS module whose default export is the config (TypeScript is loaded with jiti; no build step needed).
 *
 * @param file path, resolved against the current directory
 * @throws SlakitError `ERR_SLAKIT_CONFIG_FILE` when the file cannot be read or parsed,
 *   `ERR_SLAKIT_INVALID_CONFIG` when its content is invalid (the message names the file and the path)
 */
export async function loadConfigFile(file: string): Promise<SlakitConfig> {
  const path = resolve(file);
  const ext = extname(path).toLowerCase();
  let raw: unknown;
  if (DATA.has(ext)) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      throw fileError(file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    try {
      if (ext === '.json') raw = JSON.parse(text);
      else {
        const { parse } = await import('yaml');
        raw = parse(text, { prettyErrors: true });
      }
    } catch (error) {
      throw fileError(file, `is not valid ${ext === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0]}`);
    }
  } else if (MODULES.has(ext)) {
    const { createJiti } = await import('jiti');
    try {
      const mod = await createJiti(path, { moduleCache: false, fsCache: false }).import(path);
      raw = mod !== null && typeof mod === 'object' && 'default' in mod ? (mod as { default: unknown }).default : undefined;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw fileError(
        file,
        code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND'
          ? 'cannot be read (ENOENT)'
          : `failed to load: ${(error as Error).message.split('\n')[0]}`,
      );
    }
    if (raw === undefined) throw fileError(file, 'has no default export (export default defineConfig({...}))');
  } else {
    throw fileError(file, `has an unknown extension ${JSON.stringify(ext)}`);
  }
  return validateConfig(raw, file);
}
