import { z } from 'zod';
import { categorySchema, impactSchema, severitySchema } from '../contracts/index.js';
import { INCIDENT_ROLES, INCIDENT_STATUSES } from '../domain/incidents/index.js';

const csv = <T extends z.ZodType<string, string>>(item: T) =>
  z
    .string()
    .optional()
    .transform((value) => (value ? value.split(',').map((part) => part.trim()).filter(Boolean) : []))
    .pipe(z.array(item));

export const incidentListQuery = z.object({
  status: csv(z.enum([...INCIDENT_STATUSES, 'open'])).describe('comma-separated statuses; "open" means every unresolved status'),
  severity: csv(severitySchema),
  service: csv(z.string()),
  assignee: z.string().optional().describe('a user id, or "me" for the token\'s user'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().regex(/^\d+$/).optional().describe('next_cursor from the previous page'),
});

export const incidentParams = z.object({ id: z.string().min(1).max(64).describe('INC-42, 42, or the incident uuid') });

export const incidentDto = z.object({
  id: z.string(),
  ref: z.string(),
  number: z.number(),
  title: z.string(),
  description: z.string().nullable(),
  service_id: z.string().nullable(),
  severity: severitySchema,
  category: z.string(),
  status: z.string(),
  priority_score: z.number(),
  impact: z.string(),
  source: z.string(),
  classification_rule: z.string().nullable(),
  group_key: z.string().nullable(),
  response_sla_ms: z.number(),
  sla_due_at: z.string(),
  sla_breached: z.boolean(),
  assignee_user_id: z.string().nullable(),
  tags: z.array(z.string()),
  alert_count: z.number(),
  open_alert_count: z.number(),
  flapping: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
  last_alert_at: z.string().nullable(),
  acknowledged_at: z.string().nullable(),
  resolved_at: z.string().nullable(),
  resolved_by: z.string().nullable(),
  closed_at: z.string().nullable(),
});

export const timelineEventDto = z.object({
  id: z.number(),
  at: z.string(),
  kind: z.string(),
  actor: z.string(),
  summary: z.string(),
  data: z.record(z.string(), z.unknown()),
});

export const alertDto = z.object({
  id: z.string(),
  fingerprint: z.string(),
  source: z.string(),
  status: z.string(),
  title: z.string(),
  description: z.string().nullable(),
  labels: z.record(z.string(), z.string()),
  annotations: z.record(z.string(), z.string()),
  severity: z.string(),
  source_severity: z.string().nullable(),
  category: z.string(),
  generator_url: z.string().nullable(),
  starts_at: z.string(),
  ends_at: z.string().nullable(),
  last_seen_at: z.string(),
  count: z.number(),
  flapping: z.boolean(),
  group_reason: z.string().describe('why this alert joined this incident'),
});

export const relatedDto = z.object({
  id: z.string(),
  ref: z.string(),
  title: z.string(),
  status: z.string(),
  severity: z.string(),
  service_id: z.string().nullable(),
  reason: z.string(),
});

export const noteBody = z.object({ note: z.string().max(4000).optional() }).optional();

export const declareBody = z.object({
  title: z.string().min(1).max(512),
  description: z.string().max(20_000).optional(),
  service_id: z.string().optional(),
  severity: severitySchema,
  category: categorySchema.default('application'),
  impact: impactSchema.default('few_users'),
  assignee_user_id: z.string().optional(),
});

export const roleParams = incidentParams.extend({ role: z.enum(INCIDENT_ROLES).describe('commander, scribe or liaison') });

export const roleBody = z.object({ user_id: z.string().min(1).max(128).nullable().describe('a warroom user id; null clears the role') });

export const roleDto = z.object({
  role: z.enum(INCIDENT_ROLES),
  user_id: z.string().nullable(),
  name: z.string().nullable().describe('the holder\'s display name'),
  changed: z.boolean().describe('false when clearing a role nobody held'),
});

export const bulkAckBody = z.object({
  ids: z.array(z.string().min(1).max(64)).min(1).max(100).describe('incident uuids or refs (INC-42)'),
  note: z.string().max(4000).optional(),
});

export const bulkAckResult = z.object({
  results: z.array(z.object({
    id: z.string().describe('as sent'),
    ref: z.string().nullable().describe('null when the incident was not found'),
    ok: z.boolean(),
    error: z.string().optional().describe('why this one was not acknowledged'),
  })),
});

export const similarDto = z.object({
  similar: z.array(z.object({ ref: z.string(), title: z.string(), url: z.string(), resolved_by: z.string().nullable(), why: z.string() })).describe('resolved incidents like this one, best first'),
  links: z.array(z.object({ title: z.string(), url: z.string() })).describe('the service\'s diagnostic links, {service} filled in'),
});
