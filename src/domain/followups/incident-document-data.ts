import type { Db } from '../../db/database.js';
import { formatIncidentRef } from '../../kernel/index.js';
import { findIncident } from '../incidents/index.js';
import { listActionItems } from './action-item-queries.js';
import { listDecisions } from './decisions.js';
import type { DocumentEvent, IncidentDocumentData } from './incident-document.js';

/**
 * Everything the incident document shows, for an incident uuid or "INC-42", in a handful of
 * queries: the incident, then its service, timeline, decisions, action items, commander role and
 * room speakers together, then the names of everyone involved. The commander is the incident's
 * commander role, else its assignee.
 */
export async function loadIncidentDocumentData(db: Db, ref: string, options: { now: Date; timeZone?: string }): Promise<IncidentDocumentData> {
  const incident = await findIncident(db, ref);
  const [service, events, decisions, actionItems, commanderRole, speakers] = await Promise.all([
    incident.service_id ? db.selectFrom('services').select(['id', 'name']).where('id', '=', incident.service_id).executeTakeFirst() : undefined,
    db.selectFrom('incident_events').select(['at', 'kind', 'actor', 'summary', 'data']).where('incident_id', '=', incident.id).orderBy('id').execute(),
    listDecisions(db, incident.id),
    listActionItems(db, incident.id),
    db.selectFrom('incident_roles').select('user_id').where('incident_id', '=', incident.id).where('role', '=', 'commander').executeTakeFirst(),
    // War-room members who said something (invited but silent people did not take part).
    db.selectFrom('room_members').select('user_id').where('incident_id', '=', incident.id).where('first_spoke_at', 'is not', null).execute(),
  ]);
  const commanderId = commanderRole?.user_id ?? incident.assignee_user_id;

  // Participants: the commander, whoever spoke in the room, acted on the timeline, decided, or holds an action item.
  const userOf = (label: string) => (label.startsWith('user:') ? label.slice('user:'.length) : null);
  const involved = [
    commanderId,
    ...speakers.map((s) => s.user_id),
    ...events.map((e) => userOf(e.actor)),
    ...decisions.map((d) => userOf(d.decidedBy)),
    ...actionItems.map((a) => a.assigneeUserId),
  ].filter((id): id is string => Boolean(id));
  const ids = [...new Set(involved)];
  const users = ids.length ? await db.selectFrom('users').select(['id', 'name']).where('id', 'in', ids).execute() : [];
  const names = new Map(users.map((u) => [u.id, u.name]));

  return {
    incident: {
      ref: formatIncidentRef(incident.number),
      title: incident.title,
      description: incident.description,
      severity: incident.severity,
      status: incident.status,
      category: incident.category,
      impact: incident.impact,
      alertCount: incident.alert_count,
      createdAt: incident.created_at,
      acknowledgedAt: incident.acknowledged_at,
      resolvedAt: incident.resolved_at,
      closedAt: incident.closed_at,
    },
    service: service ?? null,
    commander: commanderId ? (names.get(commanderId) ?? commanderId) : null,
    participants: ids.filter((id) => names.has(id)).map((id) => names.get(id)!).sort((a, b) => a.localeCompare(b)),
    events: events.map((e): DocumentEvent => ({ at: e.at, kind: e.kind, actor: e.actor, summary: e.summary, data: e.data })),
    decisions,
    actionItems,
    names,
    generatedAt: options.now,
    timeZone: options.timeZone ?? 'UTC',
  };
}
