/** Shapes of the public API's answers the console reads (see /docs for the full OpenAPI document). */

export type Severity = 'P0' | 'P1' | 'P2' | 'P3';
export type Role = 'viewer' | 'responder' | 'admin';

export interface SessionUser {
  id: string;
  name: string;
  email: string | null;
  role: Role;
  timezone: string;
}

export interface Session {
  user: SessionUser;
  csrf_token: string;
  expires_at: string;
}

export interface Incident {
  id: string;
  ref: string;
  number: number;
  title: string;
  description: string | null;
  service_id: string | null;
  severity: Severity;
  category: string;
  status: string;
  priority_score: number;
  impact: string;
  source: string;
  classification_rule: string | null;
  group_key: string | null;
  response_sla_ms: number;
  sla_due_at: string;
  sla_breached: boolean;
  assignee_user_id: string | null;
  tags: string[];
  alert_count: number;
  open_alert_count: number;
  flapping: boolean;
  created_at: string;
  updated_at: string;
  last_alert_at: string | null;
  acknowledged_at: string | null;
  resolved_at: string | null;
  resolved_by: string | null;
  closed_at: string | null;
}

export interface IncidentPage {
  items: Incident[];
  next_cursor: string | null;
}

export interface TimelineEvent {
  id: number;
  at: string;
  kind: string;
  actor: string;
  summary: string;
  data: Record<string, unknown>;
}

export interface Alert {
  id: string;
  fingerprint: string;
  source: string;
  status: string;
  title: string;
  description: string | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  severity: string;
  source_severity: string | null;
  category: string;
  generator_url: string | null;
  starts_at: string;
  ends_at: string | null;
  last_seen_at: string;
  count: number;
  flapping: boolean;
  group_reason: string;
}

export interface RelatedIncident {
  id: string;
  ref: string;
  title: string;
  status: string;
  severity: string;
  service_id: string | null;
  reason: string;
}

export interface IncidentDetail {
  incident: Incident;
  alerts: Alert[];
  timeline: TimelineEvent[];
  related: RelatedIncident[];
}

export interface User {
  id: string;
  name: string;
  email?: string | null;
  phone?: string | null;
  timezone: string;
  role: Role;
}

export interface Service {
  id: string;
  name: string;
  description: string | null;
  owner: string | null;
  team: string | null;
  impact: string;
  links: { title?: string; name?: string; url: string }[] | Record<string, string>;
  depends_on: string[];
}

export interface Team {
  id: string;
  name: string;
  lead: string | null;
  members: string[];
}

// The live incident feed's wire types (`/api/v1/live`), from the server's own declaration (type-only).
export type { IncidentLiveEvent as LiveIncidentEvent, IncidentLiveMessage as LiveMessage } from '../../../src/http/incident-live-types';
