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
  managed_by: ManagedBy;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
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
  alerts: AlertsTable;
  audit_log: AuditLogTable;
}

export type IncidentRow = Selectable<IncidentsTable>;
export type AlertRow = Selectable<AlertsTable>;
export type ServiceRow = Selectable<ServicesTable>;
export type UserRow = Selectable<UsersTable>;
