// The mount chains of a route: the router/app mount layers between the top app and the route, found once per route
// object by walking the app's router stack (Express 4 `app._router`, Express 5 `app.router`) and cached. At request
// time a chain whose layers all have a fixed template costs nothing; otherwise its parametrized layers are matched
// against `req.baseUrl` (pure functions, see mount-step.ts).
import { express4Path, type LayerLike, type MountStep, mountStep } from './mount-step.js';

/** The template of `req.baseUrl` for one request. */
export interface BaseTemplate {
  base: string;
  declared: boolean;
}

/** What is known about one route object: its chains, or the template when it does not depend on the request. */
export interface RouteChains {
  /** The base template when there is one chain and every layer of it has a fixed template. */
  readonly fixed: BaseTemplate | undefined;
  readonly chains: readonly (readonly MountStep[])[];
}

interface AppLike {
  _router?: { stack?: unknown };
  router?: { stack?: unknown };
  parent?: unknown;
  mountpath?: unknown;
  handle?: unknown;
  set?: unknown;
}

const MAX_DEPTH = 32;
const MAX_CHAINS = 16;

function isApp(x: unknown): x is AppLike {
  return typeof x === 'function' && typeof (x as AppLike).handle === 'function' && typeof (x as AppLike).set === 'function';
}

/** The layers of an app's router: Express 4 `app._router`, Express 5 `app.router` (a lazy getter; Express 4's throws). */
function appStack(app: AppLike): readonly LayerLike[] | undefined {
  let router: { stack?: unknown } | undefined;
  try {
    router = app._router ?? app.router;
  } catch {
    return undefined;
  }
  const stack = router?.stack;
  return Array.isArray(stack) ? (stack as LayerLike[]) : undefined;
}

/** The top app of a request (following sub-apps' `parent`), and every app on the way. */
function appsOf(app: unknown): AppLike[] {
  const apps: AppLike[] = [];
  let a: unknown = app;
  while (isApp(a) && apps.length < MAX_DEPTH && !apps.includes(a)) {
    apps.push(a);
    a = a.parent;
  }
  return apps.reverse();
}

/** The sub-apps mounted with `app.use(path, subApp)` that a `mounted_app` layer of `parent` may lead to. */
function childApps(layer: LayerLike, parent: AppLike, apps: readonly AppLike[]): AppLike[] {
  return apps.filter((a) => a.parent === parent && samePath(layer, a.mountpath));
}

/** Whether a `mounted_app` layer was made from `mountpath` (when the layer cannot tell: maybe, it is matched later). */
function samePath(layer: LayerLike, mountpath: unknown): boolean {
  const raw = layer.rawPath;
  if (raw === undefined) {
    // Express 4 / router < 2.3 keep no declared path: compare what the layer's RegExp reads back as, if it does.
    if (mountpath instanceof RegExp) return layer.regexp === mountpath;
    if (typeof mountpath !== 'string' || !layer.regexp) return true;
    const path = express4Path(layer.regexp, layer.keys ?? []);
    return path === undefined || path === (mountpath.endsWith('/') ? mountpath.slice(0, -1) : mountpath);
  }
  if (Array.isArray(raw) && Array.isArray(mountpath)) {
    const flat = mountpath.flat(Number.POSITIVE_INFINITY);
    return raw.length === flat.length && raw.every((p, i) => p === flat[i]);
  }
  return raw === mountpath;
}

/** Every chain of mount layers from `apps[0]` to the layer whose `.route` is `route`. */
export function findChains(route: object, app: unknown): LayerLike[][] {
  const apps = appsOf(app);
  const chains: LayerLike[][] = [];
  const top = apps[0];
  if (!top) return chains;
  const onPath = new Set<unknown>();
  const walk = (stack: readonly LayerLike[], current: AppLike, prefix: LayerLike[]): void => {
    if (prefix.length > MAX_DEPTH || onPath.has(stack)) return;
    onPath.add(stack);
    for (const layer of stack) {
      if (chains.length >= MAX_CHAINS) break;
      if (!layer || typeof layer !== 'object') continue;
      if (layer.route === route) {
        chains.push(prefix);
        continue;
      }
      if (layer.route) continue;
      const handle = layer.handle;
      const next = [...prefix, layer];
      const routerStack = typeof handle === 'function' ? (handle as { stack?: unknown }).stack : undefined;
      if (Array.isArray(routerStack)) walk(routerStack as LayerLike[], current, next);
      else if (isApp(handle)) {
        const stack = appStack(handle);
        if (stack) walk(stack, handle, next);
      } else if (layer.name === 'mounted_app') {
        for (const child of childApps(layer, current, apps)) {
          const stack = appStack(child);
          if (stack) walk(stack, child, next);
        }
      }
    }
    onPath.delete(stack);
  };
  const stack = appStack(top);
  if (stack) walk(stack, top, []);
  return chains;
}

/** The chains of a route as template steps; chains with a layer of unknown shape are left out. */
export function resolveChains(route: object, app: unknown): RouteChains {
  const chains: MountStep[][] = [];
  for (const layers of findChains(route, app)) {
    const steps: MountStep[] = [];
    for (const layer of layers) {
      const step = mountStep(layer);
      if (!step) break;
      steps.push(step);
    }
    if (steps.length === layers.length) chains.push(steps);
  }
  const only = chains.length === 1 ? chains[0] : undefined;
  const fixed =
    only?.every((s) => s.piece !== undefined) === true ? { base: only.map((s) => s.piece).join(''), declared: true } : undefined;
  return { fixed, chains };
}

/** Match `baseUrl` through one chain: its template, or undefined when the chain does not consume exactly it. */
function matchChain(chain: readonly MountStep[], baseUrl: string): BaseTemplate | undefined {
  let rest = baseUrl;
  let base = '';
  let declared = true;
  for (const step of chain) {
    const m = step.match(rest === '' ? '/' : rest);
    if (!m) return undefined;
    const consumed = m.consumed.endsWith('/') ? m.consumed.slice(0, -1) : m.consumed;
    if (!rest.startsWith(consumed)) return undefined;
    rest = rest.slice(consumed.length);
    base += m.piece;
    declared &&= m.declared;
  }
  return rest === '' ? { base, declared } : undefined;
}

/** The template of `baseUrl` through the first chain that consumes it, or undefined. */
export function matchChains(chains: RouteChains, baseUrl: string): BaseTemplate | undefined {
  if (chains.fixed) return chains.fixed;
  for (const chain of chains.chains) {
    const t = matchChain(chain, baseUrl);
    if (t) return t;
  }
  return undefined;
}
