import { z } from 'zod';
import { categorySchema, durationSchema, labelMapSchema, severitySchema, slugSchema } from './common.js';

export const ROLES = ['viewer', 'responder', 'admin'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

export const CHAT_PLATFORMS = ['feishu', 'lark', 'slack', 'dingtalk', 'wecom'] as const;

const userSchema = z.strictObject({
  id: slugSchema,
  name: z.string().min(1),
  email: z.email().optional(),
  phone: z
    .string()
    .regex(/^\+?[0-9 ()-]{5,20}$/, 'must be a phone number, ideally E.164 like +8613800000000')
    .optional(),
  timezone: z.string().default('UTC'),
  role: roleSchema.default('responder'),
  chat: z.partialRecord(z.enum(CHAT_PLATFORMS), z.string().min(1)).default({}),
});

const teamSchema = z.strictObject({
  id: slugSchema,
  name: z.string().min(1),
  lead: slugSchema.optional(),
  members: z.array(slugSchema).default([]),
});

const integrationKeySchema = z.strictObject({
  key: z.string().min(8, 'integration keys need at least 8 characters'),
  name: z.string().default('default'),
});

/** Where a generic JSON payload keeps each field, as dotted paths ("data.alert.title"). */
export const genericMappingSchema = z.strictObject({
  title: z.string().default('title'),
  description: z.string().default('description'),
  status: z.string().default('status'),
  dedup_key: z.string().default('dedup_key'),
  severity: z.string().default('severity'),
  labels: z.string().default('labels'),
  source: z.string().default('source'),
  resolved_values: z.array(z.string()).default(['resolved', 'ok', 'recovered', 'closed']),
});
export type GenericMapping = z.infer<typeof genericMappingSchema>;

const groupingSchema = z.strictObject({
  group_by: z.array(z.string().min(1)).default(['alertname']),
  window: durationSchema.default(300_000),
});

export const IMPACTS = ['all_users', 'majority_users', 'few_users', 'no_users'] as const;
export const impactSchema = z.enum(IMPACTS);
export type Impact = z.infer<typeof impactSchema>;

const serviceSchema = z.strictObject({
  id: slugSchema,
  name: z.string().min(1),
  description: z.string().optional(),
  owner: slugSchema.optional(),
  team: slugSchema.optional(),
  impact: impactSchema.default('few_users'),
  depends_on: z.array(slugSchema).default([]),
  integration_keys: z.array(integrationKeySchema).default([]),
  links: z
    .strictObject({
      dashboard: z.string().optional(),
      logs: z.string().optional(),
      runbook: z.string().optional(),
    })
    .catchall(z.string())
    .default({}),
  auto_resolve: z.boolean().default(true),
  grouping: groupingSchema.partial().optional(),
  generic_mapping: genericMappingSchema.optional(),
});

const classificationRuleSchema = z
  .strictObject({
    name: z.string().min(1),
    when: z.strictObject({
      labels: labelMapSchema.optional(),
      keywords: z.array(z.string().min(1)).optional(),
      services: z.array(slugSchema).optional(),
    }),
    severity: severitySchema.optional(),
    category: categorySchema.optional(),
    response_sla: durationSchema.optional(),
  })
  .refine((rule) => rule.when.labels || rule.when.keywords || rule.when.services, {
    message: 'a rule needs at least one of when.labels, when.keywords or when.services',
    path: ['when'],
  });

const classificationSchema = z.strictObject({
  /** Source severity words (Alertmanager's severity label, PagerDuty's severity) → P0–P3. */
  severity_map: z.record(z.string(), severitySchema).optional(),
  default_severity: severitySchema.default('P3'),
  default_category: categorySchema.default('application'),
  /** Response SLA per severity when no rule sets one. */
  response_sla: z.partialRecord(severitySchema, durationSchema).optional(),
  rules: z.array(classificationRuleSchema).optional(),
});

const apiTokenSchema = z.strictObject({
  name: z.string().min(1),
  token: z.string().min(12, 'API tokens need at least 12 characters'),
  role: roleSchema,
  user: slugSchema.optional(),
});

export const warroomConfigSchema = z.strictObject({
  version: z.literal(1).default(1),
  settings: z
    .strictObject({
      public_url: z.url().default('http://localhost:8080'),
      auto_close_after: durationSchema.default(86_400_000),
    })
    .prefault({}),
  users: z.array(userSchema).default([]),
  teams: z.array(teamSchema).default([]),
  services: z.array(serviceSchema).default([]),
  classification: classificationSchema.prefault({}),
  grouping: groupingSchema
    .extend({
      flapping: z
        .strictObject({ window: durationSchema.default(1_800_000), threshold: z.int().min(2).default(4) })
        .prefault({}),
    })
    .prefault({}),
  correlation: z
    .strictObject({
      window: durationSchema.default(300_000),
      labels: z.array(z.string()).default(['component', 'error_code']),
    })
    .prefault({}),
  api_tokens: z.array(apiTokenSchema).default([]),
});

export type WarroomConfig = z.infer<typeof warroomConfigSchema>;
export type UserConfig = WarroomConfig['users'][number];
export type TeamConfig = WarroomConfig['teams'][number];
export type ServiceConfig = WarroomConfig['services'][number];
export type ClassificationConfig = WarroomConfig['classification'];
export type ClassificationRuleConfig = NonNullable<ClassificationConfig['rules']>[number];
