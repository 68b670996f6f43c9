import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { METRIC_CATALOGUE as M } from '../catalogue/metrics.js';
import { createAggregatingFastMetrics } from '../fast-metrics.js';
import { PrometheusConventionReader } from '../prometheus.js';
import { parsePrometheusText } from '../testing/exposition.js';
import type { ExpositionFormat } from './render-fast.js';

const SAMPLED = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 };
const providers: MeterProvider[] = [];
afterEach(async () => {
  await Promise.all(providers.splice(0).map((p) => p.shutdown()));
});

/** slakit's reader over an SDK MeterProvider with the aggregating instruments attached, as setupMetrics() wires it. */
function setup() {
  const reader = new PrometheusConventionReader();
  const fast = createAggregatingFastMetrics('slakit');
  reader.attachProducer(fast);
  const provider = new MeterProvider({ readers: [reader] });
  providers.push(provider);
  return { reader, fast, meter: provider.getMeter('slakit') };
}

/** Today's output: every instrument (the fast ones through their SDK producer) through OpenTelemetry's serializer. */
async function viaSdk(reader: PrometheusConventionReader): Promise<string> {
  const { resourceMetrics } = await reader.collectPrometheus();
  return new PrometheusSerializer('', false, undefined, false, true).serialize(resourceMetrics);
}

async function text(reader: PrometheusConventionReader, format: ExpositionFormat): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of reader.chunks(format, (e) => expect.fail(String(e)))) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** `name{sorted labels} value` of every sample, sorted, without exemplars (OpenMetrics) and the scrape gauges. */
function samples(exposition: string): string[] {
  const plain = exposition
    .split('\n')
    .filter((l) => l !== '# EOF')
    .map((l) => l.replace(/ # \{.*$/, ''))
    .join('\n');
  return parsePrometheusText(plain)
    .flatMap((f) => f.samples)
    .filter((s) => !s.name.startsWith('slakit_scrape_'))
    .map((s) => `${s.name}${JSON.stringify(Object.entries(s.labels).sort())} ${s.value}`)
    .sort();
}

function record({ fast, meter }: ReturnType<typeof setup>) {
  const h = fast.histogram(M.httpDuration.otel, { unit: 's', description: M.httpDuration.help, boundaries: [0.005, 0.1, 1] });
  h.bind({ 'http.request.method': 'GET', 'http.route': '/a"b\\c\nd/ü', 'http.response.status_code': 200 }).record(0.05, SAMPLED);
  h.bind({ 'http.request.method': 'GET', 'http.route': '/', 'http.response.status_code': 500, 'error.type': '500' }).record(3);
  h.bind({}).record(0.001);
  const jobs = fast.histogram('job.run.duration', { unit: 's', description: 'Job "runs"\\ and\nlines', boundaries: [1, 10] });
  jobs.bind({ job_name: 'nightly', outcome: 'succeeded', flag: true, n: 1.5 }).record(2);
  fast.counter('c.x', { description: 'cc' }).bind({ a: 'b' }).add(3);
  fast.counter('d.x.total').bind({});
  fast.upDownCounter('u.x', { description: 'uu' }).bind({}).add(-3.25);
  fast.histogram('unused.h', { boundaries: [1] });
  meter.createHistogram('meter.h', { unit: 's', advice: { explicitBucketBoundaries: [1, 2] } }).record(1, { k: 'v' });
  meter.createCounter('meter.c').add(1.5, { k: 'v' });
  meter.createGauge('meter.g', { unit: '1' }).record(0.5, { k: 'v' });
  return h;
}

describe('the scrape serializer', () => {
  it('writes the 0.0.4 text byte for byte as OpenTelemetry serialised it before (first scrape), and the same samples after', async () => {
    const s = setup();
    record(s);
    const before = await viaSdk(s.reader);
    expect(await text(s.reader, 'text')).toBe(before);
    const second = await text(s.reader, 'text');
    expect(second).toContain('slakit_scrape_series ');
    expect(samples(second)).toEqual(samples(before));
    expect(samples(before).length).toBeGreaterThan(20);
  });

  it("keeps OpenTelemetry's '# no registered metrics' only when nothing else is exposed", async () => {
    const s = setup();
    expect(await text(s.reader, 'text')).toBe(await viaSdk(s.reader));
    expect(await viaSdk(s.reader)).toMatch(/# no registered metrics$/);
    s.fast.counter('c.y').bind({}).add(1);
    const out = await text(s.reader, 'text');
    expect(out).not.toContain('# no registered metrics');
    expect(out).toContain('\nc_y_total 1\n');
  });

  it('writes OpenMetrics with the same samples, counter families without _total, and # EOF last', async () => {
    const s = setup();
    record(s);
    const om = await text(s.reader, 'openmetrics');
    expect(samples(om)).toEqual(samples(await viaSdk(s.reader)));
    expect(om.endsWith('\n# EOF\n')).toBe(true);
    expect(om).toContain('# TYPE c_x counter\nc_x_total{a="b"} 3\n');
    expect(om).toContain('# TYPE meter_c counter\nmeter_c_total{k="v"} 1.5\n');
    expect(om).toContain('# HELP job_run_duration_seconds Job \\"runs\\"\\\\ and\\nlines\n');
    // buckets first, then count and sum
    expect(om).toMatch(
      /http_server_request_duration_seconds_bucket\{le="\+Inf"\} 1\nhttp_server_request_duration_seconds_count 1\n/,
    );
  });

  it('puts the sampled span of a request on the bucket its value fell into, OpenMetrics only', async () => {
    const s = setup();
    record(s);
    const om = await text(s.reader, 'openmetrics');
    const lines = om.split('\n').filter((l) => l.includes(' # {'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^http_server_request_duration_seconds_bucket\{http_request_method="GET",http_route="\/a\\"b\\\\c\\nd\/ü",http_response_status_code="200",le="0\.1"\} 1 # \{trace_id="4bf92f3577b34da6a3ce929d0e0e4736",span_id="00f067aa0ba902b7"\} 0\.05 \d+\.\d{3}$/,
    );
    expect(await text(s.reader, 'text')).not.toContain('trace_id');
  });

  it('keeps the last sampled span per bucket, ignores unsampled spans and never writes ids that are not hex', async () => {
    const s = setup();
    const h = s.fast.histogram('x', { unit: 's', boundaries: [1] }).bind({});
    h.record(0.5, SAMPLED);
    h.record(0.7, { ...SAMPLED, traceId: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' });
    h.record(0.8, { ...SAMPLED, traceId: 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', traceFlags: 0 });
    h.record(5, { ...SAMPLED, traceId: 'x"} 1\nevil_metric 1 #' });
    const om = await text(s.reader, 'openmetrics');
    expect(om).toContain('x_seconds_bucket{le="1"} 3 # {trace_id="aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"');
    expect(om).toContain('} 0.7 ');
    expect(om).toContain('x_seconds_bucket{le="+Inf"} 4\n');
    expect(om).not.toContain('evil');
  });

  it('renders many series in several slices with event-loop turns between them', async () => {
    const s = setup();
    const h = s.fast.histogram(M.httpDuration.otel, { unit: 's', boundaries: [0.1, 1] });
    for (let i = 0; i < 20_000; i++) h.bind({ route: `/r/${i}` }).record(0.5);
    let turns = 0;
    let stop = false;
    const spin = () => {
      turns++;
      if (!stop) setImmediate(spin);
    };
    setImmediate(spin);
    const before = turns;
    const out = await text(s.reader, 'text');
    stop = true;
    expect(turns - before).toBeGreaterThan(1);
    expect(out.split('\n').filter((l) => l.startsWith('http_server_request_duration_seconds_count{')).length).toBe(20_000);
  });

  it('reports the samples and duration of the previous scrape as gauges and to onScrape listeners', async () => {
    const s = setup();
    s.fast
      .histogram('h', { boundaries: [1, 2] })
      .bind({ a: '1' })
      .record(1);
    const seen: number[] = [];
    s.reader.onScrape((stats) => seen.push(stats.series));
    const first = await text(s.reader, 'text');
    const expected = first.split('\n').filter((l) => l && !l.startsWith('#')).length;
    expect(seen).toEqual([expected]);
    const second = await text(s.reader, 'openmetrics');
    expect(second).toContain(`\nslakit_scrape_series ${expected}\n`);
    expect(second).toMatch(/\nslakit_scrape_duration_seconds \d/);
    expect(s.reader.lastScrape()?.format).toBe('openmetrics');
  });
});
