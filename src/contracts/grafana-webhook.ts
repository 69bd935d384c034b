import { z } from 'zod';
import { alertmanagerAlertSchema } from './alertmanager-webhook.js';
import { labelMapSchema } from './common.js';

/** Grafana unified alerting webhook (Grafana 8+); shaped like Alertmanager's with extras. */
export const grafanaUnifiedSchema = z.object({
  receiver: z.string().optional(),
  status: z.enum(['firing', 'resolved']),
  orgId: z.number().optional(),
  alerts: z
    .array(
      // Grafana's alerts are Alertmanager's plus a few URLs and the evaluated values.
      alertmanagerAlertSchema.extend({
        silenceURL: z.string().optional(),
        dashboardURL: z.string().optional(),
        panelURL: z.string().optional(),
        valueString: z.string().optional(),
        values: z.record(z.string(), z.number().nullable()).nullable().optional(),
      }),
    )
    .min(1)
    .max(10_000),
  groupLabels: labelMapSchema.default({}),
  commonLabels: labelMapSchema.default({}),
  commonAnnotations: labelMapSchema.default({}),
  externalURL: z.string().optional(),
  version: z.string().optional(),
  groupKey: z.string().optional(),
  truncatedAlerts: z.number().optional(),
  title: z.string().optional(),
  state: z.string().optional(),
  message: z.string().optional(),
});

/** Grafana legacy (pre-8) dashboard alert webhook. */
export const grafanaLegacySchema = z.object({
  title: z.string(),
  ruleId: z.number().optional(),
  ruleName: z.string(),
  ruleUrl: z.string().optional(),
  state: z.enum(['alerting', 'ok', 'no_data', 'paused', 'pending']),
  message: z.string().optional(),
  tags: labelMapSchema.optional(),
  evalMatches: z
    .array(z.object({ metric: z.string(), value: z.number().nullable(), tags: labelMapSchema.nullable().optional() }))
    .optional(),
  imageUrl: z.string().optional(),
  dashboardId: z.number().optional(),
  panelId: z.number().optional(),
  orgId: z.number().optional(),
});

export type GrafanaUnifiedWebhook = z.infer<typeof grafanaUnifiedSchema>;
export type GrafanaLegacyWebhook = z.infer<typeof grafanaLegacySchema>;
