import { z } from 'zod';
import { categorySchema, durationSchema, labelMapSchema, severitySchema, slugSchema } from './common.js';

export const ROLES = ['viewer', 'responder', 'admin'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

export const CHAT_PLATFORMS = ['feishu', 'lark', 'slack', 'dingtalk', 'wecom'] as const;
/** Chat providers warroom.yaml can enable under channels (the Feishu app and the Feishu custom bot are two). */
export const CHAT_PROVIDER_IDS = ['feishu', 'feishu_bot', 'slack', 'dingtalk', 'wecom'] as const;
export type ChatProviderId = (typeof CHAT_PROVIDER_IDS)[number];
// The chat providers' own schemas check their sections (config/cross-check-config.ts).
const providerSection = z.record(z.string(), z.unknown()).optional();

/** A user's own order of contact methods, each after a delay from the start of a page. */
export const NOTIFY_CHANNELS = ['im', 'email', 'sms', 'voice', 'webhook', 'feishu', 'slack', 'dingtalk', 'wecom', 'web'] as const;
export const notifyChannelSchema = z.enum(NOTIFY_CHANNELS);
export type NotifyChannel = z.infer<typeof notifyChannelSchema>;

const notificationRuleSchema = z.strictObject({ channel: notifyChannelSchema, after: durationSchema.default(0) });
export const notificationRulesSchema = z.strictObject({
  /** P0 and P1 pages. */
  high: z.array(notificationRuleSchema).min(1).optional(),
  /** P2 pages. */
  low: z.array(notificationRuleSchema).min(1).optional(),
});
export type NotificationRules = z.infer<typeof notificationRulesSchema>;

/** An argon2id PHC string; the message never echoes the value, in case a plain password was pasted. */
const ARGON2ID_PHC = /^\$argon2id\$v=19\$m=\d{1,10},t=\d{1,10},p=\d{1,3}\$[A-Za-z0-9+/]{11,}\$[A-Za-z0-9+/]{16,}$/;
const passwordHashSchema = z.string().regex(ARGON2ID_PHC, 'must be an argon2id hash ($argon2id$v=19$m=…,t=…,p=…$…$…); make one with `warroom users hash-password`');

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
  webhook_url: z.url().optional(),
  notification_rules: notificationRulesSchema.optional(),
  /** For the web console; without it a password set through the API (or none) is kept. */
  password_hash: passwordHashSchema.optional(),
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
  /** The escalation policy for this service's incidents, and optional overrides per severity. */
  escalation_policy: slugSchema.optional(),
  escalation_by_severity: z.partialRecord(severitySchema, slugSchema).default({}),
  /** Chats this service's incidents are announced in, with a live card: a chat id, channel id or robot name. */
  chat_destinations: z
    .array(z.strictObject({ provider: z.enum(CHAT_PROVIDER_IDS), target: z.string().min(1) }))
    .default([]),
});

/** A knowledge-base article: markdown posted into war rooms when it matches an incident. */
const knowledgeArticleSchema = z.strictObject({
  id: slugSchema,
  title: z.string().trim().min(1).max(300),
  /** Markdown; a YAML block scalar (body: |) keeps it readable. */
  body: z.string().max(100_000).default(''),
  tags: z.array(z.string().trim().min(1).max(64)).max(30).default([]),
  services: z.array(slugSchema).default([]),
  category: categorySchema.optional(),
  url: z.url({ protocol: /^https?$/ }).optional(),
});

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be a time like 09:00 (24:00 allowed as an end)');
const scheduleSchema = z.strictObject({
  id: slugSchema,
  name: z.string().min(1),
  timezone: z.string().default('UTC'),
  /** The team this rotation covers; the console groups "on call now" by it. */
  team: slugSchema.optional(),
  layers: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        users: z.array(slugSchema).min(1),
        rotation: z.strictObject({ every: z.int().min(1).default(1), unit: z.enum(['hours', 'days', 'weeks']) }),
        start: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/, 'must be a local date-time like 2026-01-05T09:00'),
        restrictions: z
          .array(z.strictObject({ days: z.array(z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'])).min(1), start: hhmm, end: hhmm }))
          .default([]),
      }),
    )
    .min(1),
});

export const escalationTargetSchema = z.union([
  z.strictObject({ user: slugSchema }),
  z.strictObject({ schedule: slugSchema }),
  z.strictObject({ team: slugSchema }),
]);
export type EscalationTarget = z.infer<typeof escalationTargetSchema>;

const escalationPolicySchema = z.strictObject({
  id: slugSchema,
  name: z.string().min(1),
  /** How many times the levels run again after the last one before the fallback. */
  repeat: z.int().min(0).max(10).default(0),
  levels: z
    .array(z.strictObject({ targets: z.array(escalationTargetSchema).min(1), escalate_after: durationSchema.default(900_000) }))
    .min(1),
  /** Paged once when every level and repeat went unacknowledged (management). */
  fallback: z.array(escalationTargetSchema).default([]),
});

const severityPolicySchema = z.strictObject({
  /** Channels every page of this severity uses at once, whatever the user's rules ("im", "voice"…). */
  channels: z.array(notifyChannelSchema).default([]),
  mention: z.enum(['all', 'oncall', 'none']).default('none'),
  /** Overrides the policy's per-level delays for this severity. */
  escalate_after: durationSchema.optional(),
  /** Record the incident but page nobody. */
  record_only: z.boolean().default(false),
});

const budgetSchema = z.strictObject({ limit: z.int().min(1), window: durationSchema.default(3_600_000) });

const classificationRuleSchema = z
  .strictObject({
    name: z.string().min(1),
    when: z.strictObject({
      labels: labelMapSchema.optional(),
      keywords: z.array(z.string().min(1)).optional(),
      services: z.array(slugSchema).optional(),
      /** The sender's severity after severity_map, e.g. [P0, P1] for "critical"/"严重". */
      severities: z.array(severitySchema).optional(),
    }),
    severity: severitySchema.optional(),
    category: categorySchema.optional(),
    response_sla: durationSchema.optional(),
  })
  .refine((rule) => rule.when.labels || rule.when.keywords || rule.when.services || rule.when.severities, {
    message: 'a rule needs at least one of when.labels, when.keywords, when.services or when.severities',
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
  schedules: z.array(scheduleSchema).default([]),
  escalation_policies: z.array(escalationPolicySchema).default([]),
  notifications: z
    .strictObject({
      /** P0–P3 behaviour, after the Feishu design: P0 IM + phone, P1 IM, P2 IM, P3 record only. */
      severity_policy: z.partialRecord(severitySchema, severityPolicySchema).default({}),
      /** Pages per user per window, by severity class (critical = P0/P1, warning = P2, info = P3). */
      budgets: z
        .strictObject({ critical: budgetSchema.optional(), warning: budgetSchema.optional(), info: budgetSchema.optional() })
        .prefault({}),
      budget_exempt: z.array(severitySchema).default([]),
      /** How long an over-budget user's pages collect before one digest goes out. */
      digest_after: durationSchema.default(900_000),
      max_attempts: z.int().min(1).max(20).default(5),
    })
    .prefault({}),
  knowledge_base: z.strictObject({ articles: z.array(knowledgeArticleSchema).default([]) }).prefault({}),
  /** Incident group chats (war rooms): when they open, who is in them, how they talk. */
  war_rooms: z
    .strictObject({
      /** Which severities get a room by themselves (P0 and P1 by default; P3 never). */
      auto_open: z.partialRecord(severitySchema, z.boolean()).default({}),
      /** Chat providers that open rooms, several at once allowed; default: every configured one that can. The web room always exists. */
      platforms: z.array(z.enum(CHAT_PROVIDER_IDS)).optional(),
      /** Room names by severity class; {service} (cut to 10 characters) and {id} (cut to 8). */
      name_templates: z.strictObject({ critical: z.string().min(1).optional(), warning: z.string().min(1).optional(), info: z.string().min(1).optional() }).default({}),
      /** After resolution the room announces it closes, then closes after this long. */
      close_after: durationSchema.default(300_000),
      close_mode: z.enum(['archive', 'disband']).default('archive'),
      /** Status updates in the room, by severity class. */
      status_cadence: z.strictObject({ critical: durationSchema.optional(), warning: durationSchema.optional(), info: durationSchema.optional() }).default({}),
      /** Nobody acknowledged this long after the room opened: escalate. */
      checkin_after: durationSchema.default(300_000),
      /** @mentions per person per hour, by severity class; past it no @, a digest instead. */
      mention_budgets: z.strictObject({ critical: z.int().min(1).optional(), warning: z.int().min(1).optional(), info: z.int().min(1).optional() }).default({}),
      /** Room messages captured into the timeline: all of them, or only ones flagged with "!" or "#timeline". */
      capture: z.enum(['all', 'flagged']).default('all'),
      /** How many experts from similar past incidents are invited. */
      experts: z.int().min(0).max(10).default(2),
    })
    .prefault({}),
  channels: z
    .strictObject({
      // The provider's own schema checks the details (see config/cross-check-config.ts).
      email: z.strictObject({ smtp_url: z.string().min(1), from: z.string().min(3), timeout_ms: z.int().optional() }).optional(),
      twilio: z
        .strictObject({
          account_sid: z.string().min(2),
          auth_token: z.string().min(8),
          from: z.string().min(5),
          base_url: z.url().optional(),
          status_callback_url: z.url().optional(),
          /** Where a voice page posts the pressed digit; defaults to this server's /api/v1/inbound/twilio/voice. */
          voice_action_url: z.url().optional(),
          timeout_ms: z.int().optional(),
        })
        .optional(),
      webhook: z.strictObject({ secret: z.string().min(16, 'webhook signing secrets need at least 16 characters'), timeout_ms: z.int().optional() }).optional(),
      feishu: providerSection,
      feishu_bot: providerSection,
      slack: providerSection,
      dingtalk: providerSection,
      wecom: providerSection,
    })
    .prefault({}),
});

export type WarroomConfig = z.infer<typeof warroomConfigSchema>;
export type UserConfig = WarroomConfig['users'][number];
export type TeamConfig = WarroomConfig['teams'][number];
export type ServiceConfig = WarroomConfig['services'][number];
export type ClassificationConfig = WarroomConfig['classification'];
export type ClassificationRuleConfig = NonNullable<ClassificationConfig['rules']>[number];
export type ScheduleConfig = WarroomConfig['schedules'][number];
export type EscalationPolicyConfig = WarroomConfig['escalation_policies'][number];
export type NotificationsConfig = WarroomConfig['notifications'];
export type SeverityPolicyConfig = z.infer<typeof severityPolicySchema>;
export type ChannelsConfig = WarroomConfig['channels'];
export type WarRoomsConfig = WarroomConfig['war_rooms'];
export type KnowledgeArticleConfig = WarroomConfig['knowledge_base']['articles'][number];
