// The differential harness of issue #19 ("one rule definition, two evaluators"): one synthetic history is fed (a)
// to real slakit runtimes — several replicas on one fake clock, each with its own telemetry and alerter — and (b) as
// the series a default Prometheus scrape of those replicas would store, to `promtool test rules` loaded with the
// generated rules. The firing sets must agree at every step, within a tolerance after each runtime transition.
//
//   const h = createDifferential({ clock, scrapeJob: 'svc', alerts: { QueueDepthWarning: { labels: ['queue'] } } });
//   await h.start('a', ({ telemetry, alerter, clock }) => { const m = watchQueue('q', { …, telemetry, alerter, clock }); return () => m.stop(); });
//   await h.run(120, (step) => { world.depth = step < 60 ? 10 : 150; });   // advance, let the runtime work, scrape, record
//   const r = h.promtool(generateRules(config));                            // { code, out, tests }
//
// It lives in e2e/ (not test-support/) because it imports @slakit/cli and @slakit/core, which only e2e depends on.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type PrometheusRuleFile, toYaml } from '@slakit/cli';
import { type Alerter, createAlerter, createLogger, type Telemetry } from '@slakit/core';
import { createTestTelemetry, type FakeClock, parsePrometheusText, type TestTelemetry } from '@slakit/core/testing';
import { binary } from '../test-support/services.js';

export type Labels = Record<string, string>;

/** What {@link Differential.start} hands the code that builds one replica's runtime. */
export interface ReplicaContext {
  /** The replica's name: its `instance` target label. */
  name: string;
  /** The shared fake clock: pass it as `clock` to every slakit factory. */
  clock: FakeClock;
  /** The replica's own telemetry; the harness scrapes its exposition every step. */
  telemetry: Telemetry;
  /** The replica's own real alerter (`createAlerter`, capturing sink); the harness reads `active()` every step. */
  alerter: Alerter;
}

/** Builds a replica's runtime; returns how to stop it (the process "exits"). */
export type ReplicaStart = (ctx: ReplicaContext) => (() => unknown) | Promise<() => unknown>;

/** How one alert of the history is compared. */
export interface AlertSpec {
  /** The labels that identify an instance of the alert besides `alertname` (e.g. `['queue']`, `['check']`). */
  labels: readonly string[];
  /**
   * True when the rule keeps the `instance` label (a per-replica rule such as `HealthCheckFailing`): the runtime's
   * alerts then get their replica's `instance`. False (default) when the rule aggregates over replicas: the
   * runtime's set is the union of the replicas' sets and `instance` is not compared.
   */
  perInstance?: boolean;
  /** The rule's `for` in ms; added to the tolerance only with {@link DifferentialOptions.toleranceIncludesFor}. */
  forMs?: number;
  /** More tolerance after a transition, for a difference documented as the alert's `parity` (e.g. sampling). */
  extraToleranceMs?: number;
  /**
   * Tolerance *before* a runtime transition, for a rule documented to move first (its `parity`): the generated
   * success-rate rule evaluates continuously, the runtime only at the end of a run.
   */
  leadToleranceMs?: number;
  /**
   * Compare only at chosen steps, per value of one label — for an alert the runtime decides at discrete moments and
   * holds in between (the success rate, decided at the end of each run), documented as its `parity`. At those steps
   * the comparison is exact (no tolerance).
   */
  only?: { label: string; values: readonly string[]; at: (value: string, step: number) => boolean };
}

/** Options of {@link createDifferential}. */
export interface DifferentialOptions {
  clock: FakeClock;
  /** The scrape config's `job_name`: the `job` target label of every series. */
  scrapeJob: string;
  /** Fake time per step: one scrape of every replica and one rule evaluation (`evaluation_interval`); default 1 min. */
  stepMs?: number;
  alerts: Record<string, AlertSpec>;
  /**
   * Also skip the rule's `for` after a transition (the issue's widest allowance). Off by default: both evaluators
   * apply `for`, so the runtime's transition already includes it, and skipping it would hide a runtime that fires
   * without waiting. The default tolerance is one evaluation interval plus one scrape.
   */
  toleranceIncludesFor?: boolean;
}

interface Replica {
  name: string;
  kit: TestTelemetry;
  alerter: Alerter;
  stop: () => unknown;
}

/** The runtime firing set of one step: alertname → keys (`{…}` label text as promtool prints it). */
export type FiringStep = Map<string, Set<string>>;

const silent = createLogger({ level: 'silent' });
const labelText = (labels: Labels) =>
  `{${Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(', ')}}`;

/**
 * Emulates a default Prometheus scrape of one exposition (`honor_labels: false`): the target labels `job` and
 * `instance` are added, and a metric label of the same name is kept as `exported_<name>`.
 */
export function scrapeSeries(text: string, target: { job: string; instance: string }): Map<string, number> {
  const out = new Map<string, number>();
  for (const family of parsePrometheusText(text)) {
    for (const sample of family.samples) {
      if (!Number.isFinite(sample.value)) continue;
      const labels: Labels = {};
      for (const [k, v] of Object.entries(sample.labels)) labels[k in target ? `exported_${k}` : k] = v;
      Object.assign(labels, target);
      out.set(`${sample.name}${labelText(labels)}`, sample.value);
    }
  }
  return out;
}

/** promtool's expanding notation for one series: runs of one value as `vxN`, gaps as `_xN`, `stale` once after a sample. */
export function seriesValues(values: (number | undefined)[]): string {
  const tokens = values.map((v, i) => (v !== undefined ? String(v) : values[i - 1] !== undefined && i > 0 ? 'stale' : '_'));
  const out: string[] = [];
  for (let i = 0; i < tokens.length; ) {
    let j = i;
    while (j + 1 < tokens.length && tokens[j + 1] === tokens[i] && tokens[i] !== 'stale') j++;
    const n = j - i + 1;
    out.push(tokens[i] === '_' ? `_x${n}` : n === 1 ? (tokens[i] as string) : `${tokens[i]}x${n - 1}`);
    i = j + 1;
  }
  return out.join(' ');
}

/** Creates the harness (see the file header). */
export function createDifferential(options: DifferentialOptions) {
  const { clock, scrapeJob, alerts } = options;
  const stepMs = options.stepMs ?? 60_000;
  const replicas = new Map<string, Replica>();
  const series = new Map<string, (number | undefined)[]>();
  const firing: FiringStep[] = [];

  const record = async () => {
    const step = firing.length;
    const sets: FiringStep = new Map(Object.keys(alerts).map((a) => [a, new Set<string>()]));
    for (const r of replicas.values()) {
      for (const [key, value] of scrapeSeries(await r.kit.metrics.scrape(), { job: scrapeJob, instance: r.name })) {
        const values = series.get(key) ?? [];
        series.set(key, values);
        values[step] = value;
      }
      for (const a of r.alerter.active()) {
        const spec = alerts[a.labels.alertname as string];
        if (!spec) continue;
        const labels: Labels = { alertname: a.labels.alertname as string };
        for (const l of spec.labels) if (a.labels[l] !== undefined) labels[l] = a.labels[l] as string;
        if (spec.perInstance) labels.instance = r.name;
        sets.get(labels.alertname as string)?.add(labelText(labels));
      }
    }
    firing.push(sets);
  };

  const transitions = (alertname: string): number[] => {
    const out: number[] = [];
    const key = (s: Set<string> | undefined) => [...(s ?? [])].sort().join(';');
    for (let i = 0; i < firing.length; i++)
      if (key(firing[i]?.get(alertname)) !== key(i === 0 ? undefined : firing[i - 1]?.get(alertname))) out.push(i);
    return out;
  };

  /** The promtool unit-test file of the history so far (rules at `rulesFile`, relative to the test file). */
  const testFile = (rulesFile: string) => {
    const steps = firing.length;
    const tests: { expr: string; eval_time: string; exp_samples: { labels: string; value: number }[] }[] = [];
    for (const [alertname, spec] of Object.entries(alerts)) {
      const tolerance = stepMs + stepMs + (spec.extraToleranceMs ?? 0) + (options.toleranceIncludesFor ? (spec.forMs ?? 0) : 0);
      const skip = new Set<number>();
      for (const t of transitions(alertname)) {
        if (t === 0) continue;
        for (let i = t; i < steps && (i - t) * stepMs < tolerance; i++) skip.add(i);
        for (let i = t - 1; i > 0 && (t - i) * stepMs <= (spec.leadToleranceMs ?? 0); i--) skip.add(i);
      }
      const by = ['alertname', ...spec.labels, ...(spec.perInstance ? ['instance'] : [])].join(', ');
      const expr = `group by (${by}) (ALERTS{alertstate="firing", alertname=${JSON.stringify(alertname)}})`;
      if (spec.only) {
        const { label, values, at } = spec.only;
        for (const value of values) {
          const match = `${label}=${JSON.stringify(value)}`;
          const one = `group by (${by}) (ALERTS{alertstate="firing", alertname=${JSON.stringify(alertname)}, ${match}})`;
          for (let i = 0; i < steps; i++) {
            if (!at(value, i)) continue;
            const want = [...(firing[i]?.get(alertname) ?? [])].filter((k) => k.includes(match)).sort();
            tests.push({
              expr: one,
              eval_time: `${(i * stepMs) / 1000}s`,
              exp_samples: want.map((labels) => ({ labels, value: 1 })),
            });
          }
        }
        continue;
      }
      for (let i = 0; i < steps; i++) {
        if (skip.has(i)) continue;
        const want = [...(firing[i]?.get(alertname) ?? [])].sort();
        tests.push({ expr, eval_time: `${(i * stepMs) / 1000}s`, exp_samples: want.map((labels) => ({ labels, value: 1 })) });
      }
    }
    return {
      rule_files: [rulesFile],
      evaluation_interval: `${stepMs / 1000}s`,
      tests: [
        {
          name: 'differential: the runtime firing sets, step by step',
          interval: `${stepMs / 1000}s`,
          input_series: [...series.entries()].map(([name, values]) => ({
            series: name,
            values: seriesValues(Array.from({ length: steps }, (_, i) => values[i])),
          })),
          promql_expr_test: tests,
        },
      ],
    };
  };

  return {
    clock,
    /** Starts replica `name` (a new process: fresh telemetry, alerter and runtime); it is scraped from the next step. */
    async start(name: string, build: ReplicaStart): Promise<void> {
      if (replicas.has(name)) throw new Error(`replica ${name} is already running`);
      const kit = createTestTelemetry({ serviceName: scrapeJob, level: 'silent' });
      const alerter = createAlerter({
        clock,
        env: {},
        logger: silent,
        tickSeconds: stepMs / 1000,
        sinks: [{ name: 'capture', kind: 'custom', send: async () => {} }],
      });
      const stop = await build({ name, clock, telemetry: kit.telemetry, alerter });
      replicas.set(name, { name, kit, alerter, stop });
    },
    /** Stops replica `name` (the process is gone: no scrapes, no alerts) until it is started again. */
    async stop(name: string): Promise<void> {
      const r = replicas.get(name);
      if (!r) throw new Error(`replica ${name} is not running`);
      replicas.delete(name);
      await r.stop();
      await r.alerter.close();
      await r.kit.close();
    },
    /** Advances one step: `before(step)` changes the world, the clock moves (timers run), then scrape and record. */
    async step(before?: (step: number) => unknown): Promise<void> {
      await before?.(firing.length);
      await clock.advance(stepMs);
      // Let promise chains the last timers started settle (a run's finish pipeline is many awaits long) before the
      // scrape: the step's state is what the runtime reached at that instant.
      for (let i = 0; i < 50; i++) await new Promise<void>((r) => setImmediate(r));
      await record();
    },
    /** `steps` × {@link step}. */
    async run(steps: number, before?: (step: number) => unknown): Promise<void> {
      for (let i = 0; i < steps; i++) await this.step(before);
    },
    /** The runtime firing set of every step so far. */
    firing: (): readonly FiringStep[] => firing,
    /** The steps where the runtime firing set of `alertname` changed (a firing from step 0 counts at 0). */
    transitions,
    /** True when `alertname` fired at some step and later stopped firing (so a comparison cannot pass vacuously). */
    firedAndResolved(alertname: string): boolean {
      const first = firing.findIndex((s) => (s.get(alertname)?.size ?? 0) > 0);
      return first >= 0 && firing.slice(first).some((s) => (s.get(alertname)?.size ?? 0) === 0);
    },
    testFile,
    /**
     * Writes `rules` and the test file of the history to a temporary folder and runs the real
     * `promtool test rules`; returns its exit code, its output and the number of comparisons.
     */
    promtool(rules: PrometheusRuleFile): { code: number; out: string; tests: number } {
      const dir = mkdtempSync(join(tmpdir(), 'slakit-differential-'));
      try {
        writeFileSync(join(dir, 'rules.yml'), toYaml(rules));
        const file = testFile('rules.yml');
        writeFileSync(join(dir, 'test.yml'), toYaml(file));
        const r = spawnSync(binary('promtool', 'prometheus'), ['test', 'rules', join(dir, 'test.yml')], {
          encoding: 'utf8',
          timeout: 300_000,
          maxBuffer: 64 * 1024 * 1024,
        });
        return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}`, tests: file.tests[0]?.promql_expr_test.length ?? 0 };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    /** Stops every running replica. */
    async close(): Promise<void> {
      for (const name of [...replicas.keys()]) await this.stop(name);
    },
  };
}

/** What {@link createDifferential} returns. */
export type Differential = ReturnType<typeof createDifferential>;
