import type { Db } from '../../db/database.js';
import type { EscalationTarget } from '../../contracts/index.js';

export interface EscalationLevel {
  targets: EscalationTarget[];
  escalate_after: number;
}

export interface EscalationPolicy {
  id: string;
  name: string;
  repeat: number;
  levels: EscalationLevel[];
  fallback: EscalationTarget[];
}

/** Where an escalation stands: which level of which cycle, or the final fallback. */
export interface EscalationPosition {
  level: number;
  cycle: number;
  fallback: boolean;
}

export async function loadPolicy(db: Db, id: string): Promise<EscalationPolicy | null> {
  const row = await db.selectFrom('escalation_policies').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return null;
  return { id: row.id, name: row.name, repeat: row.repeat, levels: row.levels as EscalationLevel[], fallback: row.fallback as EscalationTarget[] };
}

/** The policy for a service's incident of this severity: the per-severity matrix first, then the default. */
export const choosePolicyId = (
  service: { escalation_policy_id: string | null; escalation_by_severity: Record<string, string> | null },
  severity: string,
): string | null => service.escalation_by_severity?.[severity] ?? service.escalation_policy_id;

export async function policyIdFor(db: Db, serviceId: string | null, severity: string): Promise<string | null> {
  if (!serviceId) return null;
  const service = await db.selectFrom('services').select(['escalation_policy_id', 'escalation_by_severity']).where('id', '=', serviceId).executeTakeFirst();
  return service ? choosePolicyId(service, severity) : null;
}
