import { z } from 'zod';
import { labelMapSchema } from './common.js';

/** Alertmanager webhook payload, version 4 (the only version Alertmanager has ever sent). */
export const alertmanagerAlertSchema = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: labelMapSchema,
  annotations: labelMapSchema.default({}),
  startsAt: z.string().optional(),
  endsAt: z.string().optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().max(64).optional(),
});

export const alertmanagerWebhookSchema = z.object({
  version: z.literal('4', { message: 'only Alertmanager webhook version "4" is supported' }),
  groupKey: z.string().optional(),
  truncatedAlerts: z.int().min(0).optional(),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string().optional(),
  groupLabels: labelMapSchema.default({}),
  commonLabels: labelMapSchema.default({}),
  commonAnnotations: labelMapSchema.default({}),
  externalURL: z.string().optional(),
  alerts: z.array(alertmanagerAlertSchema).min(1).max(10_000),
});

export type AlertmanagerWebhook = z.infer<typeof alertmanagerWebhookSchema>;
