import { startDemo } from './app.js';

const demo = await startDemo({ port: Number(process.env.PORT ?? 3000), host: process.env.HOST ?? '127.0.0.1' });
demo.telemetry.logger.info({ url: demo.url }, 'slakit demo listening');
console.log(`slakit demo is up:
  ${demo.url}/orders/42   a small instrumented API
  ${demo.url}/metrics     Prometheus metrics (text format 0.0.4)
Press Ctrl+C to stop.`);

let stopping = false;
const stop = (signal: NodeJS.Signals) => {
  if (stopping) return;
  stopping = true;
  demo.telemetry.logger.info({ signal }, 'slakit demo stopping');
  demo.close().then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
