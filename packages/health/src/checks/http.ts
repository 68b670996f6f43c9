import { checkHeaders, invalidOption, outboundRequest, splitUrlCredentials, validateOptions } from '@slakit/core';
import type { CheckOptions, HealthCheck } from '../check.js';
import { CHECK_OPTION_SCHEMAS } from '../options-schema.js';

/** Most response-body bytes the `http()` check reads; the rest is not downloaded (the connection is dropped). */
const HTTP_CHECK_MAX_BODY_BYTES = 64 * 1024;

/**
 * HTTP dependency: a request with the check's deadline (connect, headers and body); fails with `HTTP_<status>` or the
 * network error code (`TIMEOUT` when the deadline passes, also for a server that trickles its body). Redirects are
 * never followed: a 3xx is the answer (it passes the default `expectStatus`, 200–399; set `expectStatus: 200` to
 * fail on it). At most 64 KiB of the body is read, then the connection is dropped: the status decides.
 * `user:password@` in the URL is sent as basic auth.
 * @throws SlakitError `ERR_SLAKIT_INVALID_OPTION` for a URL that is not http(s) or an invalid header (neither echoed)
 */
export function http(
  url: string,
  options: CheckOptions & {
    method?: string;
    headers?: Record<string, string>;
    expectStatus?: number | ((status: number) => boolean);
  } = {},
): HealthCheck {
  validateOptions(CHECK_OPTION_SCHEMAS.http, options);
  if (!splitUrlCredentials(url)) throw invalidOption('url', '[url]', 'an http(s) URL');
  const { method = 'GET', headers: rawHeaders, expectStatus, ...rest } = options;
  const headers = checkHeaders('headers', rawHeaders);
  const ok =
    typeof expectStatus === 'function'
      ? expectStatus
      : (s: number) => (expectStatus === undefined ? s >= 200 && s < 400 : s === expectStatus);
  return {
    componentType: 'http',
    measurement: 'responseTime',
    ...rest,
    kind: 'dependency',
    async run(signal) {
      const t = performance.now();
      const res = await outboundRequest(url, {
        method,
        headers,
        signal,
        maxBodyBytes: HTTP_CHECK_MAX_BODY_BYTES,
        overflow: 'truncate',
      });
      const ms = Math.round((performance.now() - t) * 1000) / 1000;
      return ok(res.status)
        ? { status: 'pass', observedValue: ms, observedUnit: 'ms' }
        : { status: 'fail', output: `HTTP_${res.status}`, observedValue: ms, observedUnit: 'ms' };
    },
  };
}
