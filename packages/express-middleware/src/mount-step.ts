// One mount layer of an Express router as a step of a route template: which part of `req.baseUrl` it consumed and
// the declared path it stands for. Pure functions over the layers' own data: Express 4's `regexp`/`keys`,
// router 2.x's `matchers` (and `rawPath` since router 2.3). `layer.match()` is never called: in Express 4 and router
// < 2.3 it stores the match on the layer, which is shared by every request in flight.

/** A router layer as Express 4 (`regexp`, `keys`) and router 2.x (`matchers`, `rawPath`, `slash`) build it. */
export interface LayerLike {
  route?: unknown;
  handle?: unknown;
  name?: string;
  regexp?: RegExp & { fast_slash?: boolean; fast_star?: boolean };
  keys?: readonly { name: string | number }[];
  matchers?: readonly ((path: string) => { path: string; params: Record<string, unknown> } | false)[];
  rawPath?: unknown;
  slash?: boolean;
}

/** What a step made of one request's remaining `baseUrl`. */
export interface StepMatch {
  /** The part of the path the layer consumed (as Express does, before dropping a trailing `/`). */
  consumed: string;
  /** The template of that part: `/t/:tenant`. */
  piece: string;
  /** `false` when part of the piece is raw request text (no declaration to rebuild it from). */
  declared: boolean;
}

/** One mount layer of a chain leading to a route. */
export interface MountStep {
  /** The template of this layer when it does not depend on the request (it then also counts as declared). */
  readonly piece: string | undefined;
  /** Match a prefix of `path` (pure). */
  match(path: string): StepMatch | undefined;
}

const noTrailingSlash = (p: string): string => (p.endsWith('/') ? p.slice(0, -1) : p);

function declaredPiece(path: unknown): string | undefined {
  if (typeof path === 'string') return noTrailingSlash(path);
  if (path instanceof RegExp) return String(path);
  return undefined;
}

/** A copy of a layer's RegExp that reports group indices and keeps no state between calls (no `g`/`y`). */
function indexedCopy(re: RegExp): RegExp {
  return new RegExp(re.source, `${re.flags.replace(/[gyd]/g, '')}d`);
}

// What path-to-regexp 0.1 (Express 4) makes of a string path, read back into the path: `\/` and `\.` literals,
// `(?:\/([^\/]+?))` → `/:name`, `(?:\/(\d+))?` → `/:name?`, `(.*)` → `*`. Anything else: undefined.
const PARAM_GROUP = /^\(\?:(\\[/.])?\((?:[^()\\]|\\.)*\)(?:\(\(\?:\[[^\]]*\]\.\+\?\)\?\))?\)(\?)?/;
const GENERATED_TAIL = /(?:\\\/)?\??\(\?[=:]\\\/\|\$\)$/;

/** The declared path of a path-to-regexp 0.1 RegExp built from one string path (Express 4), if it reads back. */
export function express4Path(re: RegExp, keys: readonly { name: string | number }[]): string | undefined {
  let src = re.source;
  if (!src.startsWith('^') || !GENERATED_TAIL.test(src)) return undefined;
  src = src.slice(1).replace(GENERATED_TAIL, '');
  let out = '';
  let k = 0;
  for (let i = 0; i < src.length; ) {
    const c = src[i] as string;
    if (c === '\\' && (src[i + 1] === '/' || src[i + 1] === '.' || src[i + 1] === '-')) {
      out += src[i + 1];
      i += 2;
    } else if (src.startsWith('(.*)', i)) {
      out += '*';
      k++;
      i += 4;
    } else if (c === '(') {
      const m = PARAM_GROUP.exec(src.slice(i));
      const key = keys[k++];
      if (!m || !key || typeof key.name !== 'string') return undefined;
      out += `${(m[1] ?? '').slice(1)}:${key.name}${m[2] ?? ''}`;
      i += m[0].length;
    } else if (/[\\^$|?*+()[\]{}.]/.test(c)) {
      return undefined;
    } else {
      out += c;
      i++;
    }
  }
  return k === keys.length ? noTrailingSlash(out) : undefined;
}

function express4Step(layer: LayerLike, re: RegExp & { fast_slash?: boolean; fast_star?: boolean }): MountStep {
  if (re.fast_slash) return { piece: '', match: () => ({ consumed: '', piece: '', declared: true }) };
  const keys = layer.keys ?? [];
  const exec = indexedCopy(re);
  const generated = GENERATED_TAIL.test(re.source);
  const fixed = generated ? express4Path(re, keys) : String(re);
  return {
    piece: fixed,
    match(path) {
      const m = exec.exec(path);
      if (m?.index !== 0) return undefined;
      const consumed = m[0];
      if (fixed !== undefined) return { consumed, piece: fixed, declared: true };
      // Several string paths in one RegExp (array mount): substitute the groups that matched by their keys' names.
      let piece = '';
      let at = 0;
      for (let g = 1; g < m.length; g++) {
        const span = m.indices?.[g];
        if (!span) continue;
        piece += `${consumed.slice(at, span[0])}:${keys[g - 1]?.name ?? g - 1}`;
        at = span[1];
      }
      return { consumed, piece: noTrailingSlash(piece + consumed.slice(at)), declared: true };
    },
  };
}

function decodeSegment(seg: string): string {
  try {
    return decodeURIComponent(seg);
  } catch {
    return seg;
  }
}

/** Router < 2.3 keeps no declared path: substitute the segments equal to this layer's own matched parameters. */
function fromParams(consumed: string, params: Record<string, unknown>): StepMatch {
  const segments = noTrailingSlash(consumed).split('/');
  const keys = Object.keys(params);
  let found = 0;
  for (let i = 1; i < segments.length; i++) {
    const value = decodeSegment(segments[i] as string);
    const key = keys.find((k) => params[k] === value);
    if (key !== undefined && value !== '') {
      segments[i] = `:${key}`;
      found++;
    }
  }
  return { consumed, piece: segments.join('/'), declared: found === keys.length };
}

function routerStep(layer: LayerLike, matchers: NonNullable<LayerLike['matchers']>): MountStep {
  if (layer.slash) return { piece: '', match: () => ({ consumed: '', piece: '', declared: true }) };
  const raw = layer.rawPath;
  const paths = Array.isArray(raw) ? raw : [raw];
  const pieces = paths.map(declaredPiece);
  const fixed = pieces.length === 1 ? pieces[0] : undefined;
  return {
    piece: fixed,
    match(path) {
      for (let i = 0; i < matchers.length; i++) {
        const m = (matchers[i] as (p: string) => { path: string; params: Record<string, unknown> } | false)(path);
        if (!m) continue;
        const piece = pieces[i];
        return piece === undefined ? fromParams(m.path, m.params) : { consumed: m.path, piece, declared: true };
      }
      return undefined;
    },
  };
}

/** The step of a mount layer, or undefined when the layer is of no known shape. */
export function mountStep(layer: LayerLike): MountStep | undefined {
  try {
    if (Array.isArray(layer.matchers)) return routerStep(layer, layer.matchers);
    if (layer.regexp instanceof RegExp) return express4Step(layer, layer.regexp);
  } catch {
    // A layer of an unknown shape: treated as no chain (the best-effort template applies).
  }
  return undefined;
}
