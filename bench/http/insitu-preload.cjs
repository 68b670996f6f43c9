// Preloaded into a bench/http server by http-profile.mjs (node -r): wraps @slakit/express-middleware's instrument() so
// that the middleware (until it calls next) and its close handler are timed inside the real server. SIGUSR2 (sent
// with the profiler's) resets the sums at the start of the measured window; at its end the averages are printed as
// "insitu <middleware ns> <close handler ns>". Each measurement adds ~3 performance.now() calls (~0.1 µs).
const Module = require('node:module');

const sums = { middleware: 0, close: 0, requests: 0, closes: 0, window: 0 };
const originalLoad = Module._load;
Module._load = function load(request, ...rest) {
  const loaded = originalLoad.call(this, request, ...rest);
  if (request !== '@slakit/express-middleware') return loaded;
  return {
    ...loaded,
    instrument(options) {
      const middleware = loaded.instrument(options);
      return function timed(req, res, next) {
        let closeStart = 0;
        res.on('close', () => {
          closeStart = performance.now(); // runs just before slakit's listener (registered first)
        });
        const start = performance.now();
        let nextAt = 0;
        middleware(req, res, (err) => {
          nextAt = performance.now();
          next(err);
        });
        sums.middleware += (nextAt || performance.now()) - start;
        sums.requests++;
        res.on('close', () => {
          sums.close += performance.now() - closeStart; // runs just after slakit's listener
          sums.closes++;
        });
      };
    },
  };
};

process.on('SIGUSR2', () => {
  sums.window++;
  if (sums.window === 1) {
    sums.middleware = sums.close = sums.requests = sums.closes = 0;
    return;
  }
  const ns = (ms, n) => (n === 0 ? 'n/a' : Math.round((ms / n) * 1e6));
  process.stdout.write(`insitu ${ns(sums.middleware, sums.requests)} ${ns(sums.close, sums.closes)}\n`);
});
