// The demo's SLO/SLA config: the runtime reads it (budgets, thresholds, histogram buckets) and
// `pnpm --filter @slakit/example-express-service slakit rules` generates the Prometheus rules from the same object.
// Budgets and schedules are the seed 000 cleanup jobs scaled down from hours to seconds so the demo shows them live.
import { defineConfig } from '@slakit/core';

export default defineConfig({
  service: 'slakit-demo',
  prometheus: { selector: 'service="slakit-demo"' },
  slos: [
    { name: 'availability', kind: 'availability', objective: 99.9 },
    { name: 'latency', kind: 'latency', objective: 95, thresholdSeconds: 0.2 },
  ],
  jobs: {
    cleanup_quiz_responses: { budgetSeconds: 8, schedule: '*/30 * * * * *', description: 'quiz responses older than 90 days' },
    cleanup_pdfs: { budgetSeconds: 4, schedule: '*/20 * * * * *', description: 'generated PDFs older than 30 days' },
    cleanup_magic_links: { budgetSeconds: 2, schedule: '*/15 * * * * *', description: 'expired magic links' },
    cleanup_blacklist: { budgetSeconds: 3, schedule: '0 * * * * *', description: 'expired token blacklist entries' },
  },
  queues: { manual_resolution: { depthWarning: 100, depthCritical: 500, ageWarningHours: 48, ageEscalationHours: 168 } },
  health: { criticalChecks: ['postgres', 'redis'] },
});
