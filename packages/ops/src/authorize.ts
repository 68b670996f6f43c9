import type { IncomingMessage, ServerResponse } from 'node:http';
import { csrfRefusal, OPS_CSRF_HEADER } from './csrf.js';
import { send } from './respond.js';
import type { OpsContext } from './types.js';

/**
 * Whether a request may use a route; when not, the refusal has been sent. Read routes use `authorizeRead` (open
 * without it); admin routes use `authorize` (disabled without it: 403) after the CSRF check. A throwing or rejecting
 * check counts as a refusal: 401 without credentials (`Authorization`, `X-Api-Key`), 403 with them.
 */
export async function allowed(ctx: OpsContext, req: IncomingMessage, res: ServerResponse, admin: boolean): Promise<boolean> {
  const check = admin ? ctx.authorize : ctx.authorizeRead;
  if (!check) {
    if (!admin) return true;
    send(res, 403, { error: 'forbidden', message: 'admin routes are disabled: configure opsRouter({ authorize })' });
    return false;
  }
  // CSRF before authorize: a forged cross-site request never reaches a cookie-based check.
  const csrf = admin ? csrfRefusal(req, ctx.allowedOrigins) : undefined;
  if (csrf) {
    send(res, 403, {
      error: csrf,
      message:
        csrf === 'csrf_missing_header'
          ? `admin requests need content-type: application/json or a ${OPS_CSRF_HEADER}: 1 header`
          : 'the Origin of this admin request is neither this host nor in allowedOrigins',
    });
    return false;
  }
  let ok = false;
  try {
    ok = (await check(req)) === true;
  } catch {
    ok = false;
  }
  if (ok) return true;
  const credentials = req.headers.authorization !== undefined || req.headers['x-api-key'] !== undefined;
  send(res, credentials ? 403 : 401, credentials ? { error: 'forbidden' } : { error: 'unauthorized' });
  return false;
}
