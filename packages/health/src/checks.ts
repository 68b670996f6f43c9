/** The built-in checks, one file per family under `checks/`. */
export { custom } from './checks/custom.js';
export { diskSpace } from './checks/disk.js';
export { env } from './checks/env.js';
export { http } from './checks/http.js';
export { type LeaseLister, staleLeases } from './checks/leases.js';
export { type PgLike, postgres } from './checks/postgres.js';
export { redis } from './checks/redis.js';
export { eventLoopDelay, memory } from './checks/runtime.js';
