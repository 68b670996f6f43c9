export { OPS_CSRF_HEADER } from './csrf.js';
export { createOps, type Ops, type OpsMiddleware, opsRouter } from './ops.js';
export { createSloTracker, type SloCompliance, type SloTracker, type SloTrackerOptions } from './slo-tracker.js';
export type { OpsAuthorize, OpsHealth, OpsJob, OpsLedger, OpsRouterOptions, OpsRunRecord } from './types.js';
