import type { Service, Severity } from '../../api/types';

/** Shapes of the escalation and catalog answers (src/http/escalation-routes.ts, catalog-routes.ts). */
export type Target = { user: string } | { schedule: string } | { team: string };

export interface PolicyLevel {
  targets: Target[];
  /** Milliseconds before the next level is paged, if nobody acknowledged. */
  escalate_after: number;
}

export interface Policy {
  id: string;
  name: string;
  repeat: number;
  levels: PolicyLevel[];
  fallback: Target[];
  managed_by: string;
}

/** A service as the API lists it; the policy and chat fields are read only when the API exposes them. */
export interface ServiceDetail extends Service {
  auto_resolve?: boolean;
  escalation_policy?: string | null;
  escalation_by_severity?: Partial<Record<Severity, string>>;
  chat_destinations?: { provider: string; target: string }[];
  /** Per severity: the policy that pages, 'record-only', or null. */
  paging?: Partial<Record<Severity, string | null>>;
}

export interface SimulatedUser {
  user_id: string;
  reason: string;
  channels: { channel: string; at: string }[];
  skipped: { channel: string; reason: string }[];
}

export interface SimulatedStep {
  at: string;
  step: string;
  label: string;
  users: SimulatedUser[];
}

export interface Simulation {
  service: string;
  severity: Severity;
  policy: string | null;
  note: string | null;
  steps: SimulatedStep[];
}

export interface SimulateInput {
  service: string;
  severity: Severity;
  at?: string;
}
