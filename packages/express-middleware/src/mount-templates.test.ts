import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestTelemetry } from '@slakit/core/testing';
import express4 from 'express4';
import express5 from 'express5';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { closeServers } from '../../../test-support/hostile-http.js';
import { instrument } from './instrument.js';
import { resolveChains } from './mount-chains.js';
import { express4Path, type LayerLike } from './mount-step.js';
import { type RouteTemplateInfo, routeTemplateInfo } from './route.js';

type ExpressFactory = typeof express5;
type App = ReturnType<ExpressFactory>;
const E4 = express4 as unknown as ExpressFactory;
const versions: [string, ExpressFactory][] = [
  ['Express 4', E4],
  ['Express 5', express5],
];

const servers: Server[] = [];
afterEach(() => closeServers(servers));

async function listen(app: App): Promise<string> {
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Serve `app` behind a first middleware that reads the template when each response finished. */
async function templates(express: ExpressFactory, build: (app: App) => void, paths: string[]) {
  const app = express();
  const seen = new Map<string, RouteTemplateInfo>();
  app.use((req, res, next) => {
    res.on('finish', () => seen.set(req.originalUrl, routeTemplateInfo(req as never)));
    next();
  });
  build(app);
  const url = await listen(app);
  for (const p of paths) {
    const res = await fetch(url + p);
    await res.arrayBuffer();
    expect(res.status, p).toBe(200);
  }
  for (let i = 0; i < 100 && seen.size < new Set(paths).size; i++) await new Promise((r) => setTimeout(r, 5));
  return paths.map((p) => seen.get(p));
}

const ok = (_req: unknown, res: { send(b: string): void }) => res.send('ok');

describe.each(versions)('mount parameters as templates (%s)', (_name, express) => {
  it('keeps a parametrized mount without mergeParams (the field case) and with it', async () => {
    const got = await templates(
      express,
      (app) => {
        const plain = express.Router();
        plain.get('/dashboard', ok);
        app.use('/t/:tenant', plain);
        const merged = express.Router({ mergeParams: true });
        merged.get('/items/:item', ok);
        app.use('/m/:tenant', merged);
      },
      ['/t/acme/dashboard', '/t/x-42/dashboard', '/m/acme/items/9'],
    );
    expect(got).toEqual([
      { route: '/t/:tenant/dashboard', declared: true },
      { route: '/t/:tenant/dashboard', declared: true },
      { route: '/m/:tenant/items/:item', declared: true },
    ]);
  });

  it('rebuilds nested routers, static mounts in their declared case and mounts at /', async () => {
    const got = await templates(
      express,
      (app) => {
        const members = express.Router();
        members.get('/members/:id', ok);
        const org = express.Router();
        org.use('/team/:team', members);
        app.use('/org/:org', org);
        const api = express.Router();
        api.get('/ping', ok);
        app.use('/api/v1', api);
        const root = express.Router();
        root.get('/root-only', ok);
        app.use('/', root);
      },
      ['/org/o1/team/t2/members/3', '/API/V1/ping', '/root-only'],
    );
    expect(got.map((g) => g?.route)).toEqual(['/org/:org/team/:team/members/:id', '/api/v1/ping', '/root-only']);
    expect(got.every((g) => g?.declared)).toBe(true);
  });

  it('follows sub-apps, also mounted under parameters or inside a router', async () => {
    const got = await templates(
      express,
      (app) => {
        const sub = express();
        sub.get('/y/:id', ok);
        app.use('/x', sub);
        const site = express();
        const pages = express.Router();
        pages.get('/page', ok);
        site.use('/lang/:lang', pages);
        app.use('/s/:site', site);
        const inner = express();
        inner.get('/deep', ok);
        const r = express.Router();
        r.use('/inner', inner);
        app.use('/r/:r', r);
      },
      ['/x/y/5', '/s/blog/lang/en/page', '/r/abc/inner/deep'],
    );
    expect(got).toEqual([
      { route: '/x/y/:id', declared: true },
      { route: '/s/:site/lang/:lang/page', declared: true },
      // `router.use(path, app)` does not tell the app its parent: the chain is incomplete, so best effort.
      { route: '/r/abc/inner/deep', declared: false },
    ]);
  });

  it('writes RegExp mounts as their RegExp and array mounts as the path that matched', async () => {
    const got = await templates(
      express,
      (app) => {
        const versioned = express.Router();
        versioned.get('/ping', ok);
        app.use(/^\/v\d+/, versioned);
        const either = express.Router();
        either.get('/z', ok);
        app.use(['/a/:x', '/b'], either);
      },
      ['/v1/ping', '/v22/ping', '/a/1/z', '/b/z'],
    );
    expect(got.map((g) => g?.route)).toEqual([`${/^\/v\d+/}/ping`, `${/^\/v\d+/}/ping`, '/a/:x/z', '/b/z']);
    expect(got.every((g) => g?.declared)).toBe(true);
  });

  it('tells the chains of a router mounted twice apart by the baseUrl', async () => {
    const got = await templates(
      express,
      (app) => {
        const shared = express.Router();
        shared.get('/s', ok);
        app.use('/one/:a', shared);
        app.use('/two', shared);
      },
      ['/one/1/s', '/two/s', '/one/zz/s'],
    );
    expect(got.map((g) => g?.route)).toEqual(['/one/:a/s', '/two/s', '/one/:a/s']);
  });
});

describe('string patterns of each version', () => {
  it('Express 4: optional and constrained parameters', async () => {
    const got = await templates(
      E4,
      (app) => {
        const r = express4.Router();
        r.get('/q', ok);
        app.use('/p/:opt?', r);
        const n = express4.Router();
        n.get('/q', ok);
        app.use('/n/:id(\\d+)', n);
      },
      ['/p/one/q', '/n/42/q'],
    );
    expect(got).toEqual([
      { route: '/p/:opt?/q', declared: true },
      { route: '/n/:id/q', declared: true },
    ]);
  });

  it('Express 5: optional segments and named wildcards as declared', async () => {
    const got = await templates(
      express5,
      (app) => {
        const r = express5.Router();
        r.get('/q', ok);
        app.use('/p{/:opt}', r);
        const w = express5.Router();
        w.get('/', ok);
        app.use('/w/*rest', w);
      },
      ['/p/one/q', '/w/a/b/c'],
    );
    expect(got).toEqual([
      { route: '/p{/:opt}/q', declared: true },
      { route: '/w/*rest', declared: true },
    ]);
  });
});

describe('express4Path (path-to-regexp 0.1 read back)', () => {
  const layerOf = (path: string | RegExp | string[]) => {
    const router = express4.Router();
    router.use(path as string, () => undefined);
    return (router as unknown as { stack: LayerLike[] }).stack[0] as LayerLike & { regexp: RegExp };
  };
  it.each([
    ['/t/:tenant', '/t/:tenant'],
    ['/api/v1.2/x-y', '/api/v1.2/x-y'],
    ['/p/:opt?', '/p/:opt?'],
    ['/f/:name.:ext', '/f/:name.:ext'],
    ['/n/:id(\\d+)', '/n/:id'],
    ['/trailing/', '/trailing'],
  ])('%s → %s', (path, expected) => {
    const layer = layerOf(path);
    expect(express4Path(layer.regexp, layer.keys ?? [])).toBe(expected);
  });
  it('gives up on what does not read back (user RegExps, arrays)', () => {
    for (const path of [/^\/v\d+/, ['/a', '/b']] as const) {
      const layer = layerOf(path as never);
      expect(express4Path(layer.regexp, layer.keys ?? [])).toBeUndefined();
    }
  });
});

describe.each(versions)('chains known from declarations alone (%s)', (_name, express) => {
  it('gives each route of sibling sub-apps one fixed chain (no per-request matching)', () => {
    const app = express();
    const a = express();
    a.get('/p', ok);
    const b = express();
    b.get('/p', ok);
    app.use('/a/:x', a);
    app.use('/b', b);
    const routeOf = (sub: App) => sub as unknown as { _router?: { stack: LayerLike[] }; router?: { stack: LayerLike[] } };
    for (const [sub, base] of [
      [a, '/a/:x'],
      [b, '/b'],
    ] as const) {
      const r = routeOf(sub);
      const layer = (r._router ?? r.router)?.stack.find((l) => l.route) as LayerLike & { route: object };
      expect(resolveChains(layer.route, sub).fixed).toEqual({ base, declared: true });
    }
  });
});

describe('best effort outside an app', () => {
  it('marks a baseUrl no chain accounts for as not declared', () => {
    const req = { route: { path: '/x' }, baseUrl: '/acct/12345', params: {} } as never;
    expect(routeTemplateInfo(req)).toEqual({ route: '/acct/:id/x', declared: false });
    expect(routeTemplateInfo({ headers: {} } as never)).toEqual({ route: 'unmatched', declared: false });
  });
});

async function hammer(urls: string[], concurrency = 32) {
  let i = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (i < urls.length) {
        const res = await fetch(urls[i++] as string);
        await res.arrayBuffer();
        if (res.status !== 200) failed++;
      }
    }),
  );
  return failed;
}

// The field case of #20: `app.use('/t/:tenant', router)` without mergeParams, 20 000 random tenants, made 501
// http_route values (the route cap) and sent the rest, and every route seen later, to `_overflow`.
describe.each(versions)('20 000 random tenants behind a parametrized mount (%s)', (_name, express) => {
  it('record one route per declared route, and routes seen afterwards keep their own series', async () => {
    const kit = createTestTelemetry({ serviceName: 'shop' });
    onTestFinished(() => kit.close());
    const app = express();
    app.use(instrument({ telemetry: kit.telemetry, logging: { enabled: false } }) as never);
    const tenant = express.Router(); // no mergeParams
    tenant.get('/dashboard', (_req, res) => void res.send('d'));
    tenant.get('/reports/:report', (_req, res) => void res.send('r'));
    app.use('/t/:tenant', tenant);
    app.get('/late', (_req, res) => void res.send('late'));
    const url = await listen(app);
    const rand = () => Math.random().toString(36).slice(2);
    const urls = Array.from({ length: 20_000 }, (_, i) =>
      i % 4 === 3 ? `${url}/t/${rand()}/reports/${i}` : `${url}/t/${rand()}-${i}/dashboard`,
    );
    expect(await hammer(urls)).toBe(0);
    expect(await hammer([`${url}/late`, `${url}/late`])).toBe(0);

    const series = (await kit.metrics.collect()).filter((s) => s.name === 'http_server_request_duration_seconds');
    const byRoute = Object.fromEntries(series.map((s) => [s.labels.http_route, s.value]));
    expect(byRoute).toEqual({ '/t/:tenant/dashboard': 15_000, '/t/:tenant/reports/:report': 5_000, '/late': 2 });
    expect(await kit.metrics.value('http_server_route_overflow_total')).toBe(0);
  }, 300_000);
});
