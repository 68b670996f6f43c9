import {
  ALERT_CATALOGUE,
  invalidOption,
  LABEL_CATALOGUE,
  type ReceiverConfig,
  type SlakitConfig,
  type SlakitConfigInput,
  validateConfig,
} from '@slakit/core';
import type { GeneratedAlert } from './rules.js';

/** How receiver secrets appear in the generated Alertmanager config. Secrets are never inlined. */
export type SecretMode = 'env' | 'file';

/** Options of {@link generateAlertmanagerConfig}. */
export interface AlertmanagerConfigOptions {
  /**
   * `env` (default): `${PAGERDUTY_ROUTING_KEY}`-style placeholders, filled from the environment at deploy time
   * (e.g. `envsubst < alertmanager.yml`); `file`: Alertmanager's `*_file` fields pointing at
   * `<secretsDir>/<ENV_NAME>` (mount a Kubernetes Secret there). Webhooks given as `urlEnv` need `env` mode
   * (Alertmanager < 0.26 has no `url_file`).
   */
  secrets?: SecretMode;
  /** Directory of the secret files in `file` mode; default `/etc/alertmanager/secrets`. */
  secretsDir?: string;
}

/** A generated Alertmanager configuration (the subset slakit writes). */
export interface AlertmanagerConfig {
  route: AlertmanagerRoute;
  inhibit_rules: {
    source_matchers: string[];
    target_matchers: string[];
    equal: string[];
  }[];
  receivers: ({ name: string } & Record<string, unknown>)[];
}

/** A node of the Alertmanager routing tree. */
export interface AlertmanagerRoute {
  receiver: string;
  group_by?: string[];
  group_wait?: string;
  group_interval?: string;
  repeat_interval?: string;
  matchers?: string[];
  continue?: boolean;
  routes?: AlertmanagerRoute[];
}

// Like slakit's own sinks (outboundRequest): a receiver answering 3xx is a failed delivery, never followed to
// another host with the alert's labels (Alertmanager follows redirects by default).
const NO_REDIRECTS = { follow_redirects: false } as const;

function secret(env: string, options: Required<AlertmanagerConfigOptions>, field: string): Record<string, string> {
  return options.secrets === 'env'
    ? { [field]: `\${${env}}` }
    : { [`${field}_file`]: `${options.secretsDir.replace(/\/+$/, '')}/${env}` };
}

function receiverConfig(
  name: string,
  receiver: ReceiverConfig,
  options: Required<AlertmanagerConfigOptions>,
): { name: string } & Record<string, unknown> {
  switch (receiver.type) {
    case 'pagerduty':
      return {
        name,
        pagerduty_configs: [
          {
            ...secret(receiver.routingKeyEnv, options, 'routing_key'),
            severity: '{{ .CommonLabels.severity }}',
            send_resolved: true,
            http_config: NO_REDIRECTS,
          },
        ],
      };
    case 'slack':
      return {
        name,
        slack_configs: [
          {
            ...secret(receiver.webhookUrlEnv, options, 'api_url'),
            ...(receiver.channel ? { channel: receiver.channel } : {}),
            send_resolved: true,
            http_config: NO_REDIRECTS,
            title: '[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }} ({{ .CommonLabels.service }})',
            text: '{{ range .Alerts }}{{ .Annotations.summary }}\n{{ .Annotations.recommended_action }}\nRunbook: {{ .Annotations.runbook_url }}\n{{ end }}',
          },
        ],
      };
    case 'webhook': {
      if (receiver.urlEnv !== undefined && options.secrets === 'file')
        throw invalidOption(
          `alerting.${name}.urlEnv`,
          receiver.urlEnv,
          'a plain url, or secrets mode "env" (Alertmanager 0.25 has no url_file for webhooks)',
          'ERR_SLAKIT_INVALID_CONFIG',
        );
      return {
        name,
        webhook_configs: [
          {
            url: receiver.url ?? `\${${receiver.urlEnv as string}}`,
            send_resolved: true,
            max_alerts: 0,
            http_config: NO_REDIRECTS,
          },
        ],
      };
    }
  }
}

/** The labels naming what an alert is about; an inhibition silences only alerts about the same thing. */
const SUBJECTS = [LABEL_CATALOGUE.job, LABEL_CATALOGUE.queue, LABEL_CATALOGUE.check, LABEL_CATALOGUE.slo].map(
  (l) => l.prometheus,
);

/**
 * Generates the Alertmanager configuration of a config: one route per severity — critical → `pager`, error → `chat`
 * (needs action today: never a page), warning → `chat`, info → `null`; anything else (no severity, another
 * service) → `chat`. Grouped by `alertname` and `service`, repeat intervals per severity. Inhibitions: a firing
 * critical silences the error and the warning of the same alert and subject, a firing error its warning; a job's
 * (queue's, SLO's) warning is silenced while its critical fires. Receiver secrets are placeholders (`${ENV}`) or
 * `*_file` paths, never values.
 * @throws SlakitError `ERR_SLAKIT_INVALID_CONFIG` for a webhook `urlEnv` in `file` mode
 */
export function generateAlertmanagerConfig(
  input: SlakitConfig | SlakitConfigInput,
  options: AlertmanagerConfigOptions = {},
): AlertmanagerConfig {
  const config = validateConfig(input);
  const secrets = options.secrets ?? 'env';
  if (secrets !== 'env' && secrets !== 'file') throw invalidOption('secrets', secrets, '"env" or "file"');
  const resolved = { secrets, secretsDir: options.secretsDir ?? '/etc/alertmanager/secrets' };
  const a = config.alerting;
  const service = `service=${JSON.stringify(config.service)}`;
  // Warning/critical pairs of the same family: the warning is silenced while the critical fires.
  const pairs = [
    [
      ALERT_CATALOGUE.JobSlaBreachWarning.name,
      ALERT_CATALOGUE.JobSlaBreachCritical.name,
      ['service', LABEL_CATALOGUE.job.prometheus],
    ],
    [
      ALERT_CATALOGUE.QueueDepthWarning.name,
      ALERT_CATALOGUE.QueueDepthCritical.name,
      ['service', LABEL_CATALOGUE.queue.prometheus],
    ],
    [
      ALERT_CATALOGUE.SloErrorBudgetBurnWarning.name,
      ALERT_CATALOGUE.SloErrorBudgetBurnCritical.name,
      ['service', LABEL_CATALOGUE.slo.prometheus],
    ],
  ] as const satisfies readonly (readonly [GeneratedAlert, GeneratedAlert, readonly string[]])[];
  return {
    route: {
      receiver: 'chat',
      group_by: ['alertname', 'service'],
      group_wait: a.groupWait,
      group_interval: a.groupInterval,
      repeat_interval: a.warningRepeatInterval,
      routes: [
        {
          receiver: 'pager',
          matchers: [service, 'severity="critical"'],
          repeat_interval: a.criticalRepeatInterval,
        },
        { receiver: 'chat', matchers: [service, 'severity="error"'], repeat_interval: a.errorRepeatInterval },
        { receiver: 'chat', matchers: [service, 'severity="warning"'], repeat_interval: a.warningRepeatInterval },
        { receiver: 'null', matchers: [service, 'severity="info"'] },
      ],
    },
    inhibit_rules: [
      ...pairs.map(([warning, critical, equal]) => ({
        source_matchers: [`alertname="${critical}"`],
        target_matchers: [`alertname="${warning}"`],
        equal: [...equal],
      })),
      // Generic, by severity: a firing alert silences the lower levels (error, warning) of the same alert about the
      // same service and subject. Alertmanager's `equal` counts a missing label as equal, so alertname stays in it.
      {
        source_matchers: ['severity="critical"'],
        target_matchers: ['severity=~"error|warning"'],
        equal: ['alertname', 'service', ...SUBJECTS],
      },
      {
        source_matchers: ['severity="error"'],
        target_matchers: ['severity="warning"'],
        equal: ['alertname', 'service', ...SUBJECTS],
      },
    ],
    receivers: [receiverConfig('pager', a.pager, resolved), receiverConfig('chat', a.chat, resolved), { name: 'null' }],
  };
}
