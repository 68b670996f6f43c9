import type { Severity } from '../env-vars.js';
import {
  deliveryOptionsSchema,
  integerAtLeast,
  nonNegativeMs,
  nonNegativeSeconds,
  positiveMs,
  positiveSeconds,
  SINK_COMMON_FIELDS,
  severity,
  unitRatio,
} from './fields.js';
import { type OptionSchema, opt } from './options.js';

/**
 * The options schemas of core's factories (`createTelemetry`, `createLogger`, `createAlerter`, the sinks and the
 * alert stores). Each factory calls `validateOptions(<schema>, options)` first; the package READMEs document the
 * same keys.
 */

const isObject = (v: unknown) => typeof v === 'object' && v !== null;
const isPlainRecord = (v: unknown) => isObject(v) && !Array.isArray(v);
const LOGGER_METHODS = ['child', 'info', 'warn', 'error', 'debug'] as const;
function hasMethods(v: unknown, methods: readonly string[]): boolean {
  return isObject(v) && methods.every((m) => typeof (v as Record<string, unknown>)[m] === 'function');
}

/** Duck types shared by every package's schemas (slakit never imports the client libraries to check them). */
export const DUCK = {
  telemetry: opt.custom(
    'the object returned by createTelemetry()',
    (v) =>
      isPlainRecord(v) &&
      isObject((v as { meter?: unknown }).meter) &&
      hasMethods((v as { logger?: unknown }).logger, LOGGER_METHODS) &&
      hasMethods(v, ['forceFlush', 'shutdown']),
  ),
  logger: opt.custom('a pino logger', (v) => hasMethods(v, LOGGER_METHODS)),
  alerter: opt.custom('the object returned by createAlerter()', (v) => hasMethods(v, ['fire', 'resolve'])),
  clock: opt.custom('a Clock ({ now, setTimeout, clearTimeout, setInterval, clearInterval })', (v) =>
    hasMethods(v, ['now', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval']),
  ),
  env: opt.custom('an object of environment variables', isPlainRecord),
  /** An object of string values (headers, labels, attributes). */
  stringRecord: (accepted = 'an object of string values') =>
    opt.custom<Record<string, string>>(
      accepted,
      (v) => isPlainRecord(v) && Object.values(v as Record<string, unknown>).every((x) => typeof x === 'string'),
    ),
  /** A function returning a timestamp in ms. */
  now: opt.function('a function () => epoch ms'),
} as const;

/** `createLogger()` options. */
export const loggerOptionsSchema = opt.object(
  {
    serviceName: opt.string(),
    serviceVersion: opt.string(),
    environment: opt.string(),
    level: opt.string('one of fatal, error, warn, info, debug, trace, silent'),
    logger: DUCK.logger,
    destination: opt.client(['write'], 'a pino destination stream (an object with write())'),
    redact: opt.array(opt.string(), 'an array of key names'),
    context: opt.client(['active'], 'an object with active() (the OpenTelemetry context API)'),
  },
  'an object of logger options',
);

/** `createTelemetry()` options. */
export const telemetryOptionsSchema = opt.object(
  {
    serviceName: opt.string(),
    serviceVersion: opt.string(),
    environment: opt.string(),
    resourceAttributes: opt.custom('an object of attribute values', isPlainRecord),
    env: DUCK.env,
    providers: opt.oneOf(['auto', 'host', 'own']),
    registerGlobal: opt.boolean(),
    meterProvider: opt.client(['getMeter'], 'a MeterProvider (with getMeter())'),
    tracerProvider: opt.client(['getTracer'], 'a TracerProvider (with getTracer())'),
    metrics: opt.object(
      {
        port: opt.integer('an integer port from 0 to 65535', (v) => v >= 0 && v <= 65535),
        host: opt.string('a host name or address'),
        readers: opt.array(
          opt.client(
            ['setMetricProducer', 'collect', 'shutdown', 'forceFlush'],
            'a MetricReader (setMetricProducer(), collect(), …)',
          ),
          'an array of MetricReaders',
        ),
      },
      'an object { port?, host?, readers? }',
    ),
    traces: opt.object(
      {
        endpoint: opt.string('an http(s) URL'),
        headers: DUCK.stringRecord('an object of header values'),
        sampleRatio: unitRatio(),
        exporter: opt.client(['export'], 'a SpanExporter (with export())'),
        batch: opt.boolean(),
        maxQueueSize: integerAtLeast(1, 'an integer > 0'),
        exportTimeoutMs: integerAtLeast(1, 'an integer > 0', 2 ** 31 - 1),
      },
      'an object { endpoint?, headers?, sampleRatio?, exporter?, batch?, maxQueueSize?, exportTimeoutMs? }',
    ),
    logger: opt.union([DUCK.logger, loggerOptionsSchema], 'a pino logger or logger options { level?, destination?, redact? }'),
    shutdownTimeoutMs: positiveMs(),
    runtimeMetrics: opt.union(
      [
        opt.boolean(),
        opt.object(
          {
            eventLoop: opt.boolean(),
            heap: opt.boolean(),
            gc: opt.boolean(),
            cpu: opt.boolean(),
            memory: opt.boolean(),
            eventLoopResolutionMs: integerAtLeast(1, 'an integer of ms from 1 to 1000', 1000),
          },
          'an object { eventLoop?, heap?, gc?, cpu?, memory?, eventLoopResolutionMs? }',
        ),
      ],
      'true, false or an object { eventLoop?, heap?, gc?, cpu?, memory?, eventLoopResolutionMs? }',
    ),
  },
  'an object of telemetry options',
);

const sinkSchema = opt.custom('a sink with a name and a send() function', isPlainRecord).pipe(
  opt.looseObject({
    name: opt.text('a sink with a name and a send() function'),
    send: opt.function('a sink with a name and a send() function'),
    kind: opt.string('a sink kind: log, chat, pager, sentry, webhook, alertmanager or custom').optional(),
    delivery: deliveryOptionsSchema.optional(),
    refreshSeconds: positiveSeconds().optional(),
    sendResolved: opt.boolean().optional(),
  }),
);
const sinkNames = opt.array(opt.string('a sink name'), 'an array of sink names');

/** `createAlerter()` options (including each sink's `delivery`, so `sinks[1].delivery.retries` is named). */
export const alerterOptionsSchema = opt.object(
  {
    sinks: opt.array(sinkSchema, 'an array of sinks'),
    routes: opt.object(
      { info: sinkNames, warning: sinkNames, error: sinkNames, critical: sinkNames } satisfies Record<Severity, unknown>,
      'an object of sink names per severity',
    ),
    dedupWindowSeconds: nonNegativeSeconds('a number ≥ 0'),
    resendIntervalSeconds: positiveSeconds('a number > 0'),
    minSeverity: severity(),
    escalations: opt.array(
      opt.object(
        { afterSeconds: positiveSeconds('a number > 0'), severity: severity(), sinks: sinkNames },
        'an escalation { afterSeconds, severity?, sinks }',
        { required: ['afterSeconds', 'sinks'] },
      ),
      'an array of escalations',
    ),
    remediations: opt.record(
      opt.union(
        [
          opt.function(),
          opt.object({ name: opt.text(), run: opt.function(), timeoutMs: positiveMs() }, 'a remediation', {
            required: ['name', 'run'],
          }),
        ],
        'a function or { name, run, timeoutMs? }',
      ),
      'an object of remediation actions by alertname',
    ),
    remediation: opt.object(
      {
        enabled: opt.boolean(),
        maxRetries: opt.integer('an integer from 0 to 100', (v) => v >= 0 && v <= 100),
        backoffMs: nonNegativeMs('a number ≥ 0'),
        timeoutMs: positiveMs('a number > 0'),
      },
      'an object { enabled?, maxRetries?, backoffMs?, timeoutMs? }',
    ),
    store: opt.client(['claim'], 'an AlertStore (memoryAlertStore(), redisAlertStore(client))'),
    telemetry: DUCK.telemetry,
    logger: DUCK.logger,
    service: opt.string(),
    historyLimit: integerAtLeast(1),
    tickSeconds: positiveSeconds('a number > 0'),
    closeTimeoutMs: positiveMs('a number > 0'),
    clock: DUCK.clock,
    env: DUCK.env,
  },
  'an object of alerter options',
);

const sinkOptions = (shape: Record<string, OptionSchema>, required: string[] = []) =>
  opt.object(shape, 'an object of sink options', { required });

/** Options of each sink factory, by factory name. */
export const SINK_OPTION_SCHEMAS = {
  logSink: sinkOptions({ name: SINK_COMMON_FIELDS.name, delivery: SINK_COMMON_FIELDS.delivery }),
  webhookSink: sinkOptions({
    name: SINK_COMMON_FIELDS.name,
    headers: DUCK.stringRecord('an object of header values'),
    sendResolved: SINK_COMMON_FIELDS.sendResolved,
    delivery: SINK_COMMON_FIELDS.delivery,
  }),
  slackSink: sinkOptions({
    name: SINK_COMMON_FIELDS.name,
    sendResolved: SINK_COMMON_FIELDS.sendResolved,
    delivery: SINK_COMMON_FIELDS.delivery,
  }),
  pagerDutySink: sinkOptions(
    {
      routingKey: opt.text('a non-empty PagerDuty Events API v2 integration key'),
      name: SINK_COMMON_FIELDS.name,
      url: opt.string('an http(s) URL'),
      source: opt.string(),
      delivery: SINK_COMMON_FIELDS.delivery,
    },
    ['routingKey'],
  ),
  alertmanagerSink: sinkOptions({
    name: SINK_COMMON_FIELDS.name,
    generatorURL: opt.string('a URL'),
    refreshSeconds: SINK_COMMON_FIELDS.refreshSeconds,
    headers: DUCK.stringRecord('an object of header values'),
    delivery: SINK_COMMON_FIELDS.delivery,
  }),
  sentrySink: sinkOptions({
    name: SINK_COMMON_FIELDS.name,
    sendResolved: SINK_COMMON_FIELDS.sendResolved,
    delivery: SINK_COMMON_FIELDS.delivery,
  }),
  telegramSink: sinkOptions(
    {
      botToken: opt.text('a non-empty Telegram bot token'),
      chatIds: opt.array(
        opt.custom('a chat id (a string or an integer)', (v) => (typeof v === 'string' && v !== '') || Number.isSafeInteger(v)),
        'a non-empty array of chat ids',
        { min: 1 },
      ),
      name: SINK_COMMON_FIELDS.name,
      apiUrl: opt.string('an http(s) URL'),
      sendResolved: SINK_COMMON_FIELDS.sendResolved,
      delivery: SINK_COMMON_FIELDS.delivery,
    },
    ['botToken', 'chatIds'],
  ),
  memoryAlertStore: opt.object({ maxKeys: integerAtLeast(1), now: DUCK.now }, 'an object { maxKeys?, now? }'),
  redisAlertStore: opt.object({ prefix: opt.string() }, 'an object { prefix? }'),
} as const;
