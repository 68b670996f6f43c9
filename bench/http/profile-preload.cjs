// Preloaded into a bench/http server by http-profile.mjs (node -r): the first SIGUSR2 starts V8's CPU profiler, the
// second stops it and writes the profile to $BENCH_PROFILE_OUT, then prints "profiled" — so only the measured load is
// profiled, not start-up or warm-up.
const inspector = require('node:inspector');
const fs = require('node:fs');

const session = new inspector.Session();
session.connect();
let running = false;
process.on('SIGUSR2', () => {
  if (!running) {
    running = true;
    session.post('Profiler.enable', () => session.post('Profiler.start'));
    return;
  }
  session.post('Profiler.stop', (err, result) => {
    if (err) throw err;
    fs.writeFileSync(process.env.BENCH_PROFILE_OUT, JSON.stringify(result.profile));
    process.stdout.write('profiled\n');
  });
});
