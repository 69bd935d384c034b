/** Shapes of the incident page's own API answers (see src/http/*-routes.ts). */
import type { Severity } from '../../api/types';

export type NotificationStatus = 'scheduled' | 'sending' | 'sent' | 'retrying' | 'failed' | 'suppressed' | 'cancelled' | 'digested';

export interface PageNotification {
  id: string;
  user_id: string;
  channel: string;
  step: string;
  severity: string;
  status: NotificationStatus;
  reason: string | null;
  attempts: number;
  external_id: string | null;
  scheduled_at: string;
  sent_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface EscalationState {
  policy: string;
  state: 'active' | 'acknowledged' | 'resolved' | 'exhausted';
  level: number;
  cycle: number;
  fallback: boolean;
  next_step_at: string | null;
}

export interface NotificationsAnswer {
  escalation: EscalationState | null;
  items: PageNotification[];
}

export type IncidentRole = 'commander' | 'scribe' | 'liaison';
export const INCIDENT_ROLES: IncidentRole[] = ['commander', 'scribe', 'liaison'];

export interface RoomInfo {
  provider: string;
  name: string;
  chat_id: string | null;
  status: 'opening' | 'creating' | 'active' | 'closing' | 'closed' | 'failed';
  reason: string | null;
  created_at: string | null;
  opened_at: string | null;
  closed_at: string | null;
  message_count: number;
  human_message_count: number;
  time_to_assemble_seconds: number | null;
}

export interface RoomMember {
  user_id: string;
  name: string;
  reasons: string[];
  invited_at: string | null;
  invited_by: string;
  first_spoke_at: string | null;
  message_count: number;
}

export interface RoomOverview {
  rooms: RoomInfo[];
  members: RoomMember[];
  roles: { role: IncidentRole; user_id: string; assigned_at: string | null }[];
  mentions: { user_id: string; reason: string; suppressed: boolean; at: string | null }[];
}

/** A platform-neutral card (src/contracts/message-doc.ts). */
export interface MessageDoc {
  kind: 'page' | 'digest' | 'update' | 'resolved';
  title: string;
  severity: Severity;
  incidentRef?: string;
  incidentUrl?: string;
  status?: string;
  summary?: string;
  fields?: { label: string; value: string }[];
  links?: { label: string; url: string }[];
  actions?: { id: 'view' | 'ack' | 'resolve' | 'escalate'; label: string; url?: string }[];
  footer?: string;
}

// The room feed's wire types, from the server's own declaration (type-only: nothing of the server is bundled).
export type { LiveRoomMessage as RoomMessage, LiveRoomEvent as RoomLiveEvent } from '../../../../src/http/room-live-types';

export interface ActionItem {
  id: string;
  incident_id: string;
  title: string;
  assignee_user_id: string | null;
  assignee_name: string | null;
  due_at: string;
  status: 'open' | 'done' | 'cancelled';
  created_by: string;
  source: string;
  created_at: string;
  done_at: string | null;
}

export interface Decision {
  id: string;
  incident_id: string;
  decided_by: string;
  summary: string;
  rationale: string | null;
  alternatives: string[];
  decided_at: string;
  source: string;
}

export interface SimilarAnswer {
  similar: { ref: string; title: string; url: string; resolved_by: string | null; why: string }[];
  links: { title: string; url: string }[];
}
