import {
  checkHeaders,
  describeError,
  invalidOption,
  labelNameClash,
  METRIC_CATALOGUE,
  OutboundError,
  outboundRequest,
  SlakitError,
  splitUrlCredentials,
  type Telemetry,
  validateOptions,
  withDeadline,
} from '@slakit/core';
import type { RunLedger } from './ledger.js';
import { pushgatewayOptionsSchema, runOnceOptionsSchema } from './options-schema.js';
import type { RunOptions, RunResult, SlaJob } from './types.js';

/** Sends a finished run's metrics somewhere (e.g. {@link pushgatewayPush}). */
export type MetricsPush = (telemetry: Telemetry, result: RunResult) => Promise<void>;

/** Options of {@link pushgatewayPush}. */
export interface PushgatewayOptions {
  /** Pushgateway base URL, e.g. `http://pushgateway:9091`; `user:password@` in it is sent as basic auth. */
  url: string;
  /** Grouping key `job` (the Pushgateway's own); default the slakit job name (the series carry it as `job_name`). */
  job?: string;
  /**
   * Extra grouping labels, e.g. `{ instance: 'cron' }`. Pushgateway adds them to every pushed series, so they must not
   * be `job` (use `job`), a `__…` name, `le` or one of slakit's own labels (`labelNameClash()`).
   */
  grouping?: Record<string, string>;
  /** Extra headers (auth); never logged. An `authorization` header wins over credentials in the URL. */
  headers?: Record<string, string>;
  /** Deadline of the push request (connect, answer, body) in ms; default 10000. */
  timeoutMs?: number;
}

const SUCCESS_FAMILY = METRIC_CATALOGUE.jobLastSuccess.prometheus;

/** Drops one metric family (its `# HELP`/`# TYPE` lines and samples) from exposition text. */
function withoutFamily(text: string, family: string): string {
  return text
    .split('\n')
    .filter(
      (line) =>
        !(
          line.startsWith(`${family} `) ||
          line.startsWith(`${family}{`) ||
          line.startsWith(`# HELP ${family} `) ||
          line.startsWith(`# TYPE ${family} `)
        ),
    )
    .join('\n');
}

/**
 * Pushes the process's metrics to a Prometheus Pushgateway with **add** semantics (`POST`: families in the push
 * replace the same families of the group; others stay). `job_last_success_timestamp_seconds` is pushed only for a
 * successful run, so a failed run never overwrites the last success. Redirects are never followed (a 3xx fails with
 * `HTTP_3xx`), the answer is read up to 4 KB (`BODY_TOO_LARGE`), the request is bounded by `timeoutMs` (`TIMEOUT`).
 * A failed push rejects with an error whose `code` says why — never the URL.
 * @throws SlakitError `ERR_SLAKIT_INVALID_OPTION` for a bad URL (not echoed), header, timeout or grouping label (one
 * slakit's series carry, or `job`)
 */
export function pushgatewayPush(options: PushgatewayOptions): MetricsPush {
  validateOptions(pushgatewayOptionsSchema, options);
  if (!(typeof options?.url === 'string' && splitUrlCredentials(options.url))) {
    // The URL is not echoed: it may hold credentials.
    throw new SlakitError('ERR_SLAKIT_INVALID_OPTION', 'url must be an http(s) URL of a Pushgateway', {
      field: 'url',
      accepted: 'an http(s) URL of a Pushgateway',
    });
  }
  const base = new URL(options.url).toString().replace(/\/+$/, '');
  const headers = checkHeaders('headers', options.headers);
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) throw invalidOption('timeoutMs', timeoutMs, 'a number of ms > 0');
  for (const [k, v] of Object.entries(options.grouping ?? {})) {
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(k) || typeof v !== 'string' || v === '')
      throw invalidOption(`grouping.${k}`, v, 'a non-empty label value under a label name');
    const clash = k === 'job' ? 'it is the grouping key the job option sets' : labelNameClash(k, { allowTargetLabels: true });
    if (clash)
      throw new SlakitError('ERR_SLAKIT_INVALID_OPTION', `grouping.${k} must not use label ${JSON.stringify(k)}: ${clash}`, {
        field: `grouping.${k}`,
        value: k,
        accepted: "a label name slakit's series do not carry, e.g. instance",
      });
  }
  return async (telemetry, result) => {
    const text = await telemetry.scrape();
    if (text === undefined) throw new Error('metrics are exported by the host MeterProvider: nothing to push');
    const body = result.outcome === 'succeeded' ? text : withoutFamily(text, SUCCESS_FAMILY);
    const path = [
      `job/${encodeURIComponent(options.job ?? result.job)}`,
      ...Object.entries(options.grouping ?? {}).map(([k, v]) => `${k}/${encodeURIComponent(v)}`),
    ].join('/');
    let status: number;
    try {
      ({ status } = await outboundRequest(`${base}/metrics/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', ...headers },
        body: body.endsWith('\n') ? body : `${body}\n`,
        timeoutMs,
      }));
    } catch (error) {
      const code = error instanceof OutboundError ? error.code : 'NETWORK_ERROR';
      throw Object.assign(new Error(`pushgateway push failed: ${code}`), { code });
    }
    if (status < 200 || status > 299)
      throw Object.assign(new Error(`pushgateway answered ${status}`), { code: `HTTP_${status}` });
  };
}

/** Options of {@link runOnce}. */
export interface RunOnceOptions<I> {
  telemetry: Telemetry;
  /** Where the run's metrics go before the process exits (e.g. `pushgatewayPush({ url })`). */
  push?: MetricsPush;
  input?: I;
  run?: RunOptions;
  /** Deadline of flush + push together, in ms; default 10000. */
  deadlineMs?: number;
  /** With a ledger, warns when the previous run started less than `minIntervalSeconds` (900) ago. */
  ledger?: RunLedger;
  minIntervalSeconds?: number;
}

/**
 * Runs a `withSla` job once in a short-lived process (Kubernetes CronJob, Render cron), then flushes spans and
 * pushes the metrics within `deadlineMs` before returning. Resolves with the run result (also for `failed` runs
 * aborted by slakit); an error thrown by the job is rethrown after the push, so the process exits non-zero.
 * Prometheus advises against batch jobs more frequent than every 15 minutes: with a `ledger` that is checked and
 * warned about — make such a job a daemon with `schedule()`.
 */
export async function runOnce<I>(job: SlaJob<I>, options: RunOnceOptions<I>): Promise<RunResult> {
  validateOptions(runOnceOptionsSchema, options);
  if (typeof job !== 'function' || typeof job.jobName !== 'string')
    throw invalidOption('job', job, 'a job returned by withSla()');
  if (!options?.telemetry) throw invalidOption('telemetry', options?.telemetry, 'the object returned by createTelemetry()');
  const { telemetry } = options;
  const deadlineMs = options.deadlineMs ?? 10_000;
  let result: RunResult | undefined;
  let thrown: { error: unknown } | undefined;
  try {
    result = await job(options.input, options.run);
  } catch (error) {
    thrown = { error };
  }
  if (options.ledger) {
    const recent = await withDeadline(options.ledger.recent(job.jobName, 2), 2000);
    const previous = recent?.[1];
    const minMs = (options.minIntervalSeconds ?? 900) * 1000;
    if (previous && (recent?.[0]?.startedAt.getTime() ?? Date.now()) - previous.startedAt.getTime() < minMs) {
      telemetry.logger.warn(
        { job: job.jobName, previous_start: previous.startedAt.toISOString(), min_interval_seconds: minMs / 1000 },
        `job ${job.jobName} runs more often than every ${minMs / 60000} minutes as a short-lived process: make it a daemon with schedule() (Prometheus advice for batch jobs)`,
      );
    }
  }
  const finished: RunResult =
    result ??
    ({
      runId: '',
      job: job.jobName,
      outcome: 'failed',
      startedAt: new Date(),
      finishedAt: new Date(),
      durationSeconds: 0,
      utilization: 0,
      processed: 0,
      throughputPerHour: 0,
      fence: undefined,
      error: (({ name, code, message }) => ({ type: name, code, message }))(describeError(thrown?.error)),
      dryRun: false,
      scheduledAt: new Date(),
      attempts: 0,
      retriesExhausted: false,
      startDelaySeconds: undefined,
    } satisfies RunResult);
  await withDeadline(
    (async () => {
      await telemetry.forceFlush();
      if (options.push) await options.push(telemetry, finished);
    })(),
    deadlineMs,
    (error) =>
      telemetry.logger.error(
        (({ name, code }) => ({ error: name, code }))(describeError(error)),
        'runOnce: pushing the metrics failed',
      ),
    () => telemetry.logger.error({ deadline_ms: deadlineMs }, 'runOnce: flushing/pushing the metrics missed its deadline'),
  );
  if (thrown) throw thrown.error;
  return finished;
}
