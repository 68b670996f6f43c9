// Issue #26 item 3 (job-wrapper part): any thrown value is recorded as `failed` with a safe code and message in every
// ledger, metrics are still recorded, the same value is rethrown, and nothing ends in an unhandled rejection.
import { createLogger } from '@slakit/core';
import { createTestTelemetry, type TestTelemetry } from '@slakit/core/testing';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensurePostgres } from '../../../test-support/services.js';
import { type RunLedger, type RunRecord } from './ledger.js';
import { memoryLeases } from './memory-leases.js';
import { memoryLedger } from './memory-ledger.js';
import { postgresLedger } from './postgres-ledger.js';
import { watchQueue } from './queue.js';
import { schedule } from './schedule.js';
import { runOnce } from './short-lived.js';
import { withSla } from './with-sla.js';

const silent = createLogger({ level: 'silent' });

// Every unhandled rejection during this file fails it.
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
});
afterEach(async () => {
  await new Promise((r) => setTimeout(r, 5));
  expect(unhandled).toEqual([]);
});

const kits: TestTelemetry[] = [];
afterEach(async () => {
  await Promise.all(kits.splice(0).map((k) => k.close()));
});

function hostileObject(): object {
  const o: Record<string, unknown> = {};
  for (const key of ['message', 'name', 'code', 'stack', 'toString', 'valueOf', 'toJSON']) {
    Object.defineProperty(o, key, {
      get() {
        throw new Error(`getter ${key} throws`);
      },
    });
  }
  Object.defineProperty(o, Symbol.toPrimitive, {
    get() {
      throw new Error('toPrimitive throws');
    },
  });
  return o;
}

function hostileProxy(): object {
  const fail = () => {
    throw new Error('trap');
  };
  return new Proxy(
    {},
    {
      get: fail,
      has: fail,
      ownKeys: fail,
      getOwnPropertyDescriptor: fail,
      getPrototypeOf: fail,
      set: fail,
      defineProperty: fail,
      deleteProperty: fail,
      isExtensible: fail,
      preventExtensions: fail,
      setPrototypeOf: fail,
      apply: fail,
      construct: fail,
    },
  );
}

/** The special values of the issue, and a few more an attacker would try. */
export function specialThrownValues(): [string, unknown][] {
  const nul = new Error('bad \u0000 byte \ud800 lone \udfff surrogates \ud83d');
  const throwingName = new Error('name getter throws');
  Object.defineProperty(throwingName, 'name', {
    get() {
      throw new Error('no name');
    },
  });
  const weirdCode = Object.assign(new Error('object code'), { code: { toString: () => 'ECODE' } });
  const nulCode = Object.assign(new Error('nul code'), { code: 'E\u0000BAD', name: 'Bad\u0000Name' });
  const nonStringMessage = Object.assign(new Error('x'), { message: { toString: () => 'object message' } });
  return [
    ['undefined', undefined],
    ['null', null],
    ['a string', 'plain string thrown with password=hunter2'],
    ['a number', 42],
    ['NaN', Number.NaN],
    ['a bigint', 10n],
    ['a symbol', Symbol('boom')],
    ['a function', () => 1],
    ['Object.create(null)', Object.create(null)],
    ['an object whose getters throw', hostileObject()],
    ['a Proxy that throws on every trap', hostileProxy()],
    ['a 1 MB message', new Error('x'.repeat(1024 * 1024))],
    ['a 1 MB string', 'y'.repeat(1024 * 1024)],
    ['NUL and lone surrogates', nul],
    ['a name getter that throws', throwingName],
    ['an object code', weirdCode],
    ['NUL in code and name', nulCode],
    ['a non-string message', nonStringMessage],
    ['an empty object', {}],
    ['an array', [1, 2, 3]],
  ];
}

const MODES = ['throw', 'reject', 'async-throw', 'late-reject'] as const;
type Mode = (typeof MODES)[number];

function thrower(mode: Mode, value: () => unknown) {
  return (): Promise<undefined> | undefined => {
    switch (mode) {
      case 'throw':
        throw value();
      case 'reject':
        return Promise.reject(value());
      case 'async-throw':
        return (async () => {
          throw value();
        })();
      case 'late-reject':
        return new Promise((_, reject) => setImmediate(() => reject(value())));
    }
  };
}

/** The record is a failed run with bounded, NUL-free string code and message. */
function expectSafeFailed(record: RunRecord | undefined) {
  expect(record?.outcome).toBe('failed');
  expect(typeof record?.errorCode).toBe('string');
  expect(typeof record?.errorMessage).toBe('string');
  expect(record?.errorCode).not.toBe('');
  expect(String(record?.errorCode).length).toBeLessThanOrEqual(100);
  expect(String(record?.errorMessage).length).toBeLessThanOrEqual(500);
  expect(record?.errorCode).not.toContain('\u0000');
  expect(record?.errorMessage).not.toContain('\u0000');
  expect(record?.errorMessage).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
}

/** Asserts that `run` rejected with exactly `value` (a Proxy or NaN included). */
async function expectRethrows(run: Promise<unknown>, value: unknown) {
  let caught: { value: unknown } | undefined;
  await run.then(
    () => {},
    (e: unknown) => {
      caught = { value: e };
    },
  );
  expect(caught).toBeDefined();
  expect(Object.is(caught?.value, value)).toBe(true);
}

describe('withSla with any thrown value (memory ledger)', () => {
  for (const [label, value] of specialThrownValues()) {
    for (const mode of MODES) {
      it(`${label} (${mode}): one failed run, safe code and message, metrics, the same value rethrown`, async () => {
        const kit = createTestTelemetry({ serviceName: 'quiz-api' });
        kits.push(kit);
        const ledger = memoryLedger();
        const job = withSla(
          'hostile_job',
          thrower(mode, () => value),
          {
            budgetSeconds: 60,
            ledger,
            telemetry: kit.telemetry,
            logger: silent,
            clock: kit.clock,
            leases: memoryLeases({ clock: kit.clock }),
            env: {},
          },
        );
        await expectRethrows(job(), value);
        const runs = await ledger.recent('hostile_job', 10);
        expect(runs).toHaveLength(1);
        expectSafeFailed(runs[0]);
        expect(await kit.metrics.value('job_runs_total', { job_name: 'hostile_job', outcome: 'failed' })).toBe(1);
        expect(await kit.metrics.value('job_consecutive_failures', { job_name: 'hostile_job' })).toBe(1);
        const span = kit.spans.finished().find((s) => s.name === 'job hostile_job');
        expect(span?.attributes['job.outcome']).toBe('failed');
        // the next run is not blocked: the lease was released
        await expectRethrows(job(), value);
        expect(await ledger.recent('hostile_job', 10)).toHaveLength(2);
      });
    }
  }

  it('a scheduled job, runOnce and a queue probe survive a Proxy that throws on every trap', async () => {
    const kit = createTestTelemetry();
    kits.push(kit);
    const proxy = hostileProxy();
    const ledger = memoryLedger({ now: () => kit.clock.now() });
    const job = withSla(
      'hostile_job',
      thrower('reject', () => proxy),
      {
        budgetSeconds: 60,
        ledger,
        logger: silent,
        clock: kit.clock,
        leases: memoryLeases({ clock: kit.clock }),
        env: {},
      },
    );
    const s = schedule('* * * * *', job, { clock: kit.clock, logger: silent, timezone: 'UTC' });
    await kit.clock.advance(60_000);
    await s.idle();
    s.stop();
    expectSafeFailed((await ledger.recent('hostile_job', 1))[0]);

    await expectRethrows(runOnce(job, { telemetry: kit.telemetry }), proxy);

    const monitor = watchQueue('manual_review', {
      probe: () => Promise.reject(proxy),
      logger: silent,
      env: {},
      clock: kit.clock,
    });
    await expect(monitor.check()).resolves.toBeUndefined();
    monitor.stop();
  });
});

describe('property: every thrown value in a job (memory ledger)', () => {
  it('records exactly one failed run with safe strings, rethrows the same value, no unhandled rejection', async () => {
    const ledger = memoryLedger({ maxRuns: 10 });
    let current: unknown;
    let mode: Mode = 'throw';
    const job = withSla('property_job', () => thrower(mode, () => current)(), {
      budgetSeconds: 60,
      ledger,
      rules: false,
      logger: silent,
      leases: memoryLeases(),
      env: {},
    });
    const special = specialThrownValues();
    // Special values are picked by index inside the property: fast-check itself inspects generated values, and the
    // hostile Proxy would throw in there.
    const values = fc.oneof(
      {
        weight: 4,
        arbitrary: fc
          .anything({
            withBigInt: true,
            withBoxedValues: true,
            withNullPrototype: true,
            withSparseArray: true,
            withTypedArray: true,
            withDate: true,
            withMap: true,
            withSet: true,
          })
          .map((v) => () => v),
      },
      { weight: 1, arbitrary: fc.nat({ max: special.length - 1 }).map((i) => () => (special[i] as [string, unknown])[1]) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }).map((m) => () => new Error(m)) },
      {
        weight: 1,
        arbitrary: fc
          .record({ name: fc.anything(), code: fc.anything(), message: fc.anything() }, { requiredKeys: [] })
          .map((fields) => () => Object.assign(new Error('e'), fields)),
      },
    );
    let n = 0;
    await fc.assert(
      fc.asyncProperty(values, fc.constantFrom(...MODES), async (make, m) => {
        const value = make();
        current = value;
        mode = m;
        await expectRethrows(job(), value);
        n++;
        const runs = await ledger.recent('property_job', 10);
        expect(runs.filter((r) => r.outcome === 'failed')).toHaveLength(Math.min(n, 10));
        const last = runs.find((r) => r.startedAt.getTime() === Math.max(...runs.map((x) => x.startedAt.getTime())));
        expectSafeFailed(last);
        expect(runs.filter((r) => r.outcome === 'running')).toEqual([]);
      }),
      { numRuns: 1000 },
    );
    expect(unhandled).toEqual([]);
  });
});

describe('postgresLedger with the special thrown values (real Postgres)', () => {
  const table = `slakit_ledger_hostile_${process.pid}`;
  let pool: pg.Pool;
  beforeAll(async () => {
    await ensurePostgres();
    pool = new pg.Pool({ host: '127.0.0.1', user: 'postgres', database: 'test', max: 2 });
    await postgresLedger(pool, { table }).ensureSchema();
  });
  afterAll(async () => {
    await pool.query(`DROP TABLE IF EXISTS ${table}`);
    await pool.end();
  });

  it('every special value ends as a failed row (never `running`) with safe code and message', async () => {
    const ledger: RunLedger = postgresLedger(pool, { table });
    const kit = createTestTelemetry();
    kits.push(kit);
    const values = specialThrownValues();
    for (const [label, value] of values) {
      const name = `hostile_${values.findIndex(([l]) => l === label)}`;
      const job = withSla(
        name,
        thrower('reject', () => value),
        {
          budgetSeconds: 60,
          ledger,
          telemetry: kit.telemetry,
          leases: memoryLeases(),
          env: {},
        },
      );
      await expectRethrows(job(), value);
      const { rows } = await pool.query(`SELECT outcome, error_code, error_message FROM ${table} WHERE job = $1`, [name]);
      expect(rows, label).toHaveLength(1);
      expectSafeFailed({
        outcome: rows[0].outcome,
        errorCode: rows[0].error_code,
        errorMessage: rows[0].error_message,
      } as RunRecord);
    }
    expect(kit.logs.find('run ledger')).toEqual([]); // no ledger call failed
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM ${table} WHERE outcome = 'running'`);
    expect(rows[0].n).toBe(0);
  });

  it('ledger.record() itself strips NUL and lone surrogates (a caller writing its own records)', async () => {
    const ledger = postgresLedger(pool, { table });
    const now = new Date();
    await ledger.record({
      runId: '00000000-0000-4000-8000-000000000026',
      job: 'direct_writer',
      slot: undefined,
      fence: 1n,
      owner: 'host\u0000:1',
      outcome: 'failed',
      startedAt: now,
      finishedAt: now,
      durationSeconds: 0,
      budgetSeconds: 1,
      processed: 0,
      errorCode: 'E\u0000X',
      errorMessage: `a\u0000b\ud800${'z'.repeat(600)}`,
      dryRun: false,
    });
    const [run] = await ledger.recent('direct_writer', 1);
    expectSafeFailed(run);
    expect(run?.owner).not.toContain('\u0000');
  });
});
