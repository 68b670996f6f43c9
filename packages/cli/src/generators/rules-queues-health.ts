// The rules of watchQueue's and createHealth's series: per queue (depth, age, escalation) and the health check alert.
import { ALERT_CATALOGUE, type SlakitConfig } from '@slakit/core';
import { METRICS, num, quote, selector } from './promql.js';
import { type AlertingRule, alertRule, type RuleGroup } from './rule-model.js';

/** Per queue: depth, age and escalation alerts. */
export function queuesGroup(config: SlakitConfig): RuleGroup | undefined {
  const names = Object.keys(config.queues).sort();
  if (names.length === 0) return undefined;
  const rules: AlertingRule[] = [];
  for (const name of names) {
    const q = config.queues[name] as SlakitConfig['queues'][string];
    const s = selector(config, `queue=${quote(name)}`);
    const action = 'Review the oldest items first; escalate items past the escalation age to the team lead.';
    rules.push(
      alertRule(
        config,
        ALERT_CATALOGUE.QueueDepthWarning.name,
        'warning',
        `max(${METRICS.queueDepth}${s}) > ${q.depthWarning}`,
        { queue: name },
        {
          summary: `Queue ${name} holds {{ $value }} items (warning above ${q.depthWarning})`,
          description: `More than ${q.depthWarning} items wait in ${name}.`,
          action,
        },
      ),
      alertRule(
        config,
        ALERT_CATALOGUE.QueueDepthCritical.name,
        'critical',
        `max(${METRICS.queueDepth}${s}) > ${q.depthCritical}`,
        { queue: name },
        {
          summary: `Queue ${name} holds {{ $value }} items (critical above ${q.depthCritical})`,
          description: `More than ${q.depthCritical} items wait in ${name}: the queue is overflowing.`,
          action: `${action} Add reviewers or pause the producer.`,
        },
      ),
      alertRule(
        config,
        ALERT_CATALOGUE.QueueAgeWarning.name,
        'warning',
        `max(${METRICS.queueAverageAge}${s}) > ${num(q.ageWarningHours * 3600)}`,
        { queue: name },
        {
          summary: `Items in queue ${name} wait {{ $value | humanizeDuration }} on average`,
          description: `The average age of the items in ${name} is above ${num(q.ageWarningHours)} h.`,
          action,
        },
      ),
      alertRule(
        config,
        ALERT_CATALOGUE.QueueEscalationRequired.name,
        'critical',
        `max(${METRICS.queueOldestAge}${s}) > ${num(q.ageEscalationHours * 3600)}`,
        { queue: name },
        {
          summary: `The oldest item in queue ${name} waits {{ $value | humanizeDuration }}`,
          description: `An item in ${name} is older than ${num(q.ageEscalationHours)} h and needs escalation.`,
          action: 'Escalate the oldest items to the team lead now.',
        },
      ),
    );
  }
  return { name: `slakit:${config.service}:queues`, interval: config.prometheus.evaluationInterval, rules };
}

/** The critical health check alert. */
export function healthGroup(config: SlakitConfig): RuleGroup {
  const checks = config.health.criticalChecks;
  const s =
    checks && checks.length > 0
      ? selector(config, `check=~${quote(checks.map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'))}`)
      : selector(config);
  return {
    name: `slakit:${config.service}:health`,
    interval: config.prometheus.evaluationInterval,
    rules: [
      alertRule(
        config,
        ALERT_CATALOGUE.HealthCheckFailing.name,
        'critical',
        `${METRICS.healthStatus}${s} == 0`,
        {},
        {
          summary: `Health check {{ $labels.check }} is failing on {{ $labels.instance }}`,
          description: `The critical check {{ $labels.check }} has failed for ${config.health.failingFor}; readiness is failing, so traffic is held off this instance.`,
          action: 'Check the dependency behind the check (database, cache, upstream); see the detailed /health view.',
        },
        config.health.failingFor,
      ),
    ],
  };
}
