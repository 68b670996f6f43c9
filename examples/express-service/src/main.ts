import { startDemo } from './app.js';

const demo = await startDemo({ handleSignals: true });
const u = demo.url;
demo.telemetry.logger.info({ url: u, backends: demo.backends }, 'slakit demo listening');
console.log(`slakit demo is up (leases/ledger: ${demo.backends.store}, alert dedup: ${demo.backends.dedup}, sinks: ${demo.backends.sinks.join(', ')})
  ${u}/orders/42          a small instrumented API (also POST /orders, /orders/42/invoice, /boom)
  ${u}/metrics            Prometheus metrics
  ${u}/health             IETF health (/readiness /liveness /startup; details with OPS_ADMIN_TOKEN)
  ${u}/ops/health         ops summary (/ops/alerts /ops/jobs /ops/jobs/cleanup_pdfs /ops/slo)
Jobs: cleanup_quiz_responses, cleanup_pdfs, cleanup_magic_links, cleanup_blacklist (every 15-60 s).
DEMO_FORCE_BREACH=1 makes cleanup_pdfs breach its 4 s budget; SIGTERM/Ctrl+C drains and exits.`);
