import type { ColumnType, Generated, Selectable } from 'kysely';

/** Kysely's view of the tables; migrations are the source of truth and this must follow them. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T = unknown> = ColumnType<T, string, string>;
/** A jsonb column with a database default: optional on insert. */
type JsonDefault<T = unknown> = ColumnType<T, string | undefined, string>;
export type ManagedBy = 'config' | 'api';

export interface UsersTable {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  timezone: string;
  role: 'viewer' | 'responder' | 'admin';
  chat_ids: Json<Record<string, string>>;
  password_hash: string | null;
  /** Where password_hash came from (0007-web-sessions); null when there is none. */
  password_set_by: ColumnType<ManagedBy | null, ManagedBy | null | undefined, ManagedBy | null>;
  webhook_url: ColumnType<string | null, string | null | undefined, string | null>;
  notification_rules: ColumnType<Record<string, { channel: string; after: number }[]> | null, string | undefined, string>;
  managed_by: ManagedBy;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface TeamsTable {
  id: string;
  name: string;
  lead_user_id: string | null;
  managed_by: ManagedBy;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface TeamMembersTable {
  team_id: string;
  user_id: string;
}

export interface ServicesTable {
  id: string;
  name: string;
  description: string | null;
  owner_user_id: string | null;
  team_id: string | null;
  impact: string;
  links: Json<Record<string, string>>;
  auto_resolve: boolean;
  grouping: Json<{ group_by?: string[]; window?: number } | null>;
  generic_mapping: Json<Record<string, unknown> | null>;
  escalation_policy_id: string | null;
  escalation_by_severity: JsonDefault<Record<string, string>>;
  chat_destinations: JsonDefault<ChatDestination[]>;
  managed_by: ManagedBy;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** A chat a service's incidents are announced in: a provider id and its target (chat id or robot name). */
export interface ChatDestination {
  provider: string;
  target: string;
}

export interface ServiceDependenciesTable {
  service_id: string;
  depends_on_id: string;
}

export interface IntegrationKeysTable {
  id: Generated<string>;
  service_id: string;
  name: string;
  key_hash: string;
  key_hint: string;
  managed_by: ManagedBy;
  created_at: Generated<Date>;
}

export interface ApiTokensTable {
  id: Generated<string>;
  name: string;
  token_hash: string;
  token_hint: string;
  role: 'viewer' | 'responder' | 'admin';
  user_id: string | null;
  managed_by: ManagedBy;
  created_at: Generated<Date>;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export interface SettingsTable {
  key: string;
  value: Json<unknown>;
  updated_at: Generated<Date>;
}

export interface IncidentsTable {
  id: Generated<string>;
  number: Generated<number>;
  title: string;
  description: string | null;
  service_id: string | null;
  severity: string;
  severity_locked: Generated<boolean>;
  category: string;
  status: string;
  priority_score: number;
  impact: string;
  group_key: string | null;
  source: string;
  classification_rule: string | null;
  response_sla_ms: number;
  sla_due_at: Timestamp;
  assignee_user_id: string | null;
  tags: Generated<string[]>;
  metadata: JsonDefault<Record<string, unknown>>;
  alert_count: Generated<number>;
  open_alert_count: Generated<number>;
  flapping: Generated<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
  last_alert_at: Timestamp | null;
  acknowledged_at: Timestamp | null;
  resolved_at: Timestamp | null;
  resolved_by: string | null;
  closed_at: Timestamp | null;
}

export interface IncidentEventsTable {
  id: Generated<string>;
  incident_id: string;
  at: Timestamp;
  kind: string;
  actor: string;
  summary: string;
  data: JsonDefault<Record<string, unknown>>;
}

export interface IncidentLinksTable {
  incident_id: string;
  related_id: string;
  reason: string;
  created_at: Timestamp;
}

export interface IncidentCorrelationKeysTable {
  key: string;
  incident_id: string;
  created_at: Timestamp;
}

export interface AlertsTable {
  id: Generated<string>;
  service_id: string;
  incident_id: string | null;
  fingerprint: string;
  source: string;
  status: 'firing' | 'resolved';
  title: string;
  description: string | null;
  labels: Json<Record<string, string>>;
  annotations: Json<Record<string, string>>;
  severity: string;
  source_severity: string | null;
  category: string;
  generator_url: string | null;
  starts_at: Timestamp;
  ends_at: Timestamp | null;
  last_seen_at: Timestamp;
  count: Generated<number>;
  flapping: Generated<boolean>;
  group_reason: string;
  created_at: Timestamp;
}

export interface AuditLogTable {
  id: Generated<string>;
  at: Timestamp;
  actor: string;
  action: string;
  target_type: string;
  target_id: string | null;
  data: JsonDefault<Record<string, unknown>>;
  ip: string | null;
}

export interface SchedulesTable {
  id: string;
  name: string;
  timezone: string;
  team_id: string | null;
  layers: Json<unknown[]>;
  managed_by: ManagedBy;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ScheduleOverridesTable {
  id: Generated<string>;
  schedule_id: string;
  user_id: string;
  replaces_user_id: string | null;
  starts_at: Timestamp;
  ends_at: Timestamp;
  reason: string | null;
  created_by: string;
  created_at: Generated<Date>;
}

export interface EscalationPoliciesTable {
  id: string;
  name: string;
  repeat: number;
  levels: Json<unknown[]>;
  fallback: Json<unknown[]>;
  managed_by: ManagedBy;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface EscalationsTable {
  incident_id: string;
  policy_id: string;
  level: number;
  cycle: number;
  fallback: Generated<boolean>;
  state: 'active' | 'acknowledged' | 'resolved' | 'exhausted';
  next_step_at: Timestamp | null;
  started_at: Timestamp;
  updated_at: Timestamp;
}

export type NotificationStatus = 'scheduled' | 'sending' | 'sent' | 'retrying' | 'failed' | 'suppressed' | 'cancelled' | 'digested';

export interface NotificationsTable {
  id: Generated<string>;
  incident_id: string;
  user_id: string;
  channel: string;
  step: string;
  severity: string;
  dedup_key: string;
  status: NotificationStatus;
  reason: string | null;
  attempts: Generated<number>;
  external_id: string | null;
  reply_code: string | null;
  digest_id: string | null;
  scheduled_at: Timestamp;
  sent_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SilencesTable {
  id: Generated<string>;
  kind: 'silence' | 'maintenance';
  matchers: Json<unknown[]>;
  starts_at: Timestamp;
  ends_at: Timestamp;
  comment: string;
  created_by: string;
  created_at: Generated<Date>;
}

export interface InboxMessagesTable {
  id: Generated<string>;
  user_id: string;
  incident_id: string | null;
  notification_id: string | null;
  doc: Json<unknown>;
  created_at: Timestamp;
  read_at: Timestamp | null;
}

export interface Database {
  users: UsersTable;
  teams: TeamsTable;
  team_members: TeamMembersTable;
  services: ServicesTable;
  service_dependencies: ServiceDependenciesTable;
  integration_keys: IntegrationKeysTable;
  api_tokens: ApiTokensTable;
  settings: SettingsTable;
  incidents: IncidentsTable;
  incident_events: IncidentEventsTable;
  incident_links: IncidentLinksTable;
  incident_correlation_keys: IncidentCorrelationKeysTable;
  alerts: AlertsTable;
  audit_log: AuditLogTable;
  schedules: SchedulesTable;
  schedule_overrides: ScheduleOverridesTable;
  escalation_policies: EscalationPoliciesTable;
  escalations: EscalationsTable;
  notifications: NotificationsTable;
  silences: SilencesTable;
  inbox_messages: InboxMessagesTable;
  chat_messages: ChatMessagesTable;
  chat_announcements: ChatAnnouncementsTable;
  chat_inbound_events: ChatInboundEventsTable;
  rate_slots: RateSlotsTable;
  chat_identities: ChatIdentitiesTable;
  rooms: RoomsTable;
  room_members: RoomMembersTable;
  room_messages: RoomMessagesTable;
  mentions: MentionsTable;
  incident_roles: IncidentRolesTable;
  action_items: ActionItemsTable;
  decisions: DecisionsTable;
  kb_articles: KbArticlesTable;
  web_sessions: WebSessionsTable;
  login_failures: LoginFailuresTable;
}

/** Web console sessions (0007-web-sessions); id is the SHA-256 of the cookie secret. */
export interface WebSessionsTable {
  id: string;
  user_id: string;
  csrf_token: string;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
  ip: string | null;
  user_agent: string | null;
}

/** Failed logins for throttling (0007-web-sessions); user_key is a digest, never the typed name. */
export interface LoginFailuresTable {
  id: Generated<string>;
  user_key: string;
  ip: string;
  at: Date;
}

/** Knowledge-base articles (0005-knowledge-base); search_text and search_vector are written by domain/knowledge. */
export interface KbArticlesTable {
  id: string;
  title: string;
  body: string;
  tags: ColumnType<string[], string[] | undefined, string[]>;
  service_ids: ColumnType<string[], string[] | undefined, string[]>;
  category: string | null;
  url: string | null;
  managed_by: ManagedBy;
  search_text: ColumnType<string, string | undefined, string>;
  search_vector: ColumnType<string, string | undefined, string>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ActionItemsTable {
  id: Generated<string>;
  incident_id: string;
  title: string;
  assignee_user_id: string | null;
  due_at: Timestamp;
  status: 'open' | 'done' | 'cancelled';
  created_by: string;
  source: 'chat' | 'api' | 'ui';
  reminded_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  done_at: Timestamp | null;
}

export interface DecisionsTable {
  id: Generated<string>;
  incident_id: string;
  decided_by: string;
  summary: string;
  rationale: string | null;
  alternatives: ColumnType<string[], string[] | undefined, string[]>;
  decided_at: Timestamp;
  source: 'chat' | 'api' | 'ui';
}

export interface IncidentRolesTable {
  incident_id: string;
  role: 'commander' | 'scribe' | 'liaison';
  user_id: string;
  assigned_at: Date;
  assigned_by: string;
}

export type RoomStatus = 'opening' | 'creating' | 'active' | 'closing' | 'closed' | 'failed';

export interface RoomsTable {
  id: Generated<string>;
  incident_id: string;
  provider: string;
  chat_id: string | null;
  name: string;
  topic: string | null;
  status: RoomStatus;
  reason: string | null;
  created_at: Date;
  updated_at: Date;
  opened_at: Date | null;
  assembled_at: Date | null;
  first_human_message_at: Date | null;
  last_human_update_at: Date | null;
  closing_at: Date | null;
  closed_at: Date | null;
  message_count: Generated<number>;
  human_message_count: Generated<number>;
}

export interface RoomMembersTable {
  incident_id: string;
  user_id: string;
  reasons: string[];
  invited_at: Date;
  invited_by: string;
  first_spoke_at: Date | null;
  message_count: Generated<number>;
}

export interface RoomMessagesTable {
  id: Generated<string>;
  incident_id: string;
  provider: string;
  author_user_id: string | null;
  author_label: string;
  kind: 'human' | 'system' | 'card';
  text: string;
  doc: ColumnType<unknown, string | null, string | null>;
  external_id: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface MentionsTable {
  id: Generated<string>;
  incident_id: string;
  user_id: string;
  severity_class: string;
  reason: string;
  suppressed: boolean;
  at: Date;
  digested_at: Generated<Date | null>;
}

export interface ChatMessagesTable {
  id: Generated<string>;
  incident_id: string;
  provider: string;
  platform: string;
  chat_id: string;
  message_id: string;
  purpose: 'page' | 'announcement' | 'room';
  user_id: string | null;
  doc_hash: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ChatAnnouncementsTable {
  incident_id: string;
  provider: string;
  target: string;
  status: 'pending' | 'sent' | 'failed';
  attempts: Generated<number>;
  reason: string | null;
  chat_message_id: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ChatInboundEventsTable {
  provider: string;
  event_id: string;
  received_at: Date;
}

export interface RateSlotsTable {
  key: string;
  next_at: Date;
  last_sent_at: Date | null;
  blocked_until: Date | null;
}

export interface ChatIdentitiesTable {
  user_id: string;
  platform: string;
  external_id: string | null;
  looked_up_at: Date;
}

export type IncidentRow = Selectable<IncidentsTable>;
export type AlertRow = Selectable<AlertsTable>;
export type ServiceRow = Selectable<ServicesTable>;
export type UserRow = Selectable<UsersTable>;
export type NotificationRow = Selectable<NotificationsTable>;
export type EscalationRow = Selectable<EscalationsTable>;
export type ChatMessageRow = Selectable<ChatMessagesTable>;
export type RoomRow = Selectable<RoomsTable>;
