// Imports every built package (ESM or CJS, per argv[2]) and reports what the import changed in the process:
// global OpenTelemetry registrations, active handles/timers, process listeners. Used by packages.test.ts.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const mode = process.argv[2];
const dirs = process.argv.slice(3);
const listeners = () => Object.fromEntries(process.eventNames().map((e) => [String(e), process.listenerCount(e)]));
const otel = () => Object.keys(globalThis[Symbol.for('opentelemetry.js.api.1')] ?? {}).filter((k) => k !== 'version');
// Timers and sockets only: stdio pipes and fs requests of the probe itself come and go on their own.
const WATCHED = new Set(['Timeout', 'Immediate', 'TCPServerWrap', 'TCPSocketWrap', 'UDPWrap', 'SignalWrap', 'ProcessWrap']);
const snapshot = () => ({
  listeners: listeners(),
  resources: process
    .getActiveResourcesInfo()
    .filter((r) => WATCHED.has(r))
    .sort(),
  otel: otel(),
});

// Count every timer created during the imports, ref'd or not (unref'd ones are invisible to getActiveResourcesInfo).
const timersCreated = { setTimeout: 0, setInterval: 0, setImmediate: 0 };
for (const name of Object.keys(timersCreated)) {
  const original = globalThis[name];
  globalThis[name] = function (...args) {
    timersCreated[name] += 1;
    return original.apply(this, args);
  };
}
const before = snapshot();
const exported = {};
for (const dir of dirs) {
  const pkg = createRequire(join(dir, 'package.json'))('./package.json');
  const entries = Object.keys(pkg.exports).filter((k) => k !== './package.json');
  for (const entry of entries) {
    const specifier = entry === '.' ? pkg.name : `${pkg.name}/${entry.slice(2)}`;
    if (entry.endsWith('.json')) {
      // JSON entries (shipped schemas): must load in both systems.
      const resolved = createRequire(join(dir, 'package.json')).resolve(specifier);
      const data =
        mode === 'cjs'
          ? createRequire(join(dir, 'package.json'))(specifier)
          : (await import(pathToFileURL(resolved).href, { with: { type: 'json' } })).default;
      exported[specifier] = [typeof data === 'object' && data !== null ? '<json object>' : '<invalid json>'];
      continue;
    }
    const mod =
      mode === 'cjs'
        ? createRequire(join(dir, 'package.json'))(specifier)
        : await import(
            pathToFileURL(
              createRequire(join(dir, 'package.json'))
                .resolve(specifier)
                .replace(/\.cjs$/, '.js'),
            ).href
          );
    exported[specifier] = Object.keys(mod)
      .filter((k) => k !== 'default' && k !== '__esModule')
      .sort();
  }
}
const created = { ...timersCreated };
await new Promise((resolve) => setImmediate(resolve));
console.log(JSON.stringify({ before, after: snapshot(), exported, timersCreated: created }));
