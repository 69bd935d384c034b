import type { Db } from '../../db/database.js';
import type { IncidentRow } from '../../db/schema.js';
import { NotFoundError, formatIncidentRef } from '../../kernel/index.js';
import { writeAudit } from '../access/index.js';
import { actorLabel, type Actor } from './actor.js';
import { findIncident } from './incident-store.js';
import { recordTimeline } from './timeline.js';

/** Who commands, who writes things down, who talks to the outside (the incident_roles check). */
export const INCIDENT_ROLES = ['commander', 'scribe', 'liaison'] as const;
export type IncidentRoleName = (typeof INCIDENT_ROLES)[number];

export interface RoleChange {
  incident: IncidentRow;
  role: IncidentRoleName;
  /** The holder now; null when the role was cleared. */
  user: { id: string; name: string } | null;
  /** False when clearing a role nobody held: nothing was written. */
  changed: boolean;
}

/**
 * Names who holds an incident role, or clears it with null: the row, a timeline event and an audit
 * row, in the caller's transaction. The chat commands and the HTTP API both come through here.
 */
export async function setIncidentRole(tx: Db, ref: string, role: IncidentRoleName, userId: string | null, ctx: { now: Date; actor: Actor }): Promise<RoleChange> {
  const incident = await findIncident(tx, ref);
  const by = actorLabel(ctx.actor);
  const audit = (data: Record<string, unknown>) =>
    writeAudit(tx, { at: ctx.now, actor: by, action: `incident.role.${role}`, targetType: 'incident', targetId: incident.id, data: { ref: formatIncidentRef(incident.number), ...data }, ip: ctx.actor.ip ?? null });

  if (userId === null) {
    const removed = await tx.deleteFrom('incident_roles').where('incident_id', '=', incident.id).where('role', '=', role).returning('user_id').executeTakeFirst();
    if (!removed) return { incident, role, user: null, changed: false };
    await recordTimeline(tx, [{ incidentId: incident.id, at: ctx.now, kind: 'role.cleared', actor: ctx.actor, summary: `Nobody is the ${role} any more (was ${removed.user_id})`, data: { role, user_id: null, from: removed.user_id } }]);
    await audit({ user_id: null, from: removed.user_id });
    return { incident, role, user: null, changed: true };
  }

  const user = await tx.selectFrom('users').select(['id', 'name']).where('id', '=', userId).executeTakeFirst();
  if (!user) throw new NotFoundError(`user ${userId} not found`);
  await tx
    .insertInto('incident_roles')
    .values({ incident_id: incident.id, role, user_id: user.id, assigned_at: ctx.now, assigned_by: by })
    .onConflict((oc) => oc.columns(['incident_id', 'role']).doUpdateSet({ user_id: user.id, assigned_at: ctx.now, assigned_by: by }))
    .execute();
  await recordTimeline(tx, [{ incidentId: incident.id, at: ctx.now, kind: 'role.assigned', actor: ctx.actor, summary: `${user.name} is the ${role}`, data: { role, user_id: user.id } }]);
  await audit({ user_id: user.id });
  return { incident, role, user, changed: true };
}
