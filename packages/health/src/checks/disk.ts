import { statfs } from 'node:fs/promises';
import { validateOptions } from '@slakit/core';
import type { CheckOptions, HealthCheck } from '../check.js';
import { CHECK_OPTION_SCHEMAS } from '../options-schema.js';

/** Free disk space at `path` (bytes): fail below `minFreeBytes` (default 100 MiB). */
export function diskSpace(path: string, options: CheckOptions & { minFreeBytes?: number } = {}): HealthCheck {
  validateOptions(CHECK_OPTION_SCHEMAS.diskSpace, options);
  const { minFreeBytes = 100 * 1024 * 1024, ...rest } = options;
  return {
    componentType: 'system',
    measurement: 'freeBytes',
    ...rest,
    async run() {
      const s = await statfs(path);
      const free = Number(s.bavail) * Number(s.bsize);
      return free < minFreeBytes
        ? { status: 'fail', observedValue: free, observedUnit: 'bytes', output: 'DISK_LOW' }
        : { status: 'pass', observedValue: free, observedUnit: 'bytes' };
    },
  };
}
