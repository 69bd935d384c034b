import { createHash } from 'node:crypto';
import type { Db } from '../db/database.js';
import type { Mention, MessageDoc } from '../contracts/index.js';
import type { Severity } from '../kernel/index.js';
import { planInvitees } from '../domain/warroom/index.js';
import { composePage, loadUserContacts, severityPolicies } from '../domain/notify/index.js';
import type { RuntimeSettings } from '../domain/services/index.js';
import { loadNotifyIncident, pageSubject, type LoadedIncident } from './notify-incident.js';

/** The live incident card: the page doc, current status, and the mentions given. */
export async function composeIncidentCard(db: Db, incidentId: string, publicUrl: string, kind: MessageDoc['kind'], mentions: Mention[] = []): Promise<{ doc: MessageDoc; incident: LoadedIncident } | null> {
  const incident = await loadNotifyIncident(db, incidentId);
  if (!incident) return null;
  const doc = composePage(pageSubject(incident), publicUrl, { kind });
  return { doc: { ...doc, mentions, footer: `warroom · ${doc.incidentRef}` }, incident };
}

/** What an edit would change: the doc without its mentions (an edit never re-notifies anyone). */
export const cardHash = (doc: MessageDoc): string => createHash('sha256').update(JSON.stringify({ ...doc, mentions: [] })).digest('hex');

/**
 * Who an announcement @mentions, by the severity policy: P0 everyone plus the first escalation
 * level, P1 the first level (on call now), P2 and below nobody.
 */
export async function announcementMentions(db: Db, incident: LoadedIncident, settings: RuntimeSettings, now: Date): Promise<Mention[]> {
  const mode = severityPolicies(settings.notifications.severity_policy)[incident.item.severity as Severity].mention;
  if (mode === 'none') return [];
  // The same "who is on call for this incident" the war room uses, without the experts.
  const onCall = (await planInvitees(db, incident.item.id, now, 0)).filter((i) => i.reasons.some((r) => r.kind === 'on_call'));
  const contacts = await loadUserContacts(db, onCall.map((i) => i.userId));
  const people: Mention[] = [...contacts.values()].map((c) => ({ kind: 'user', userId: c.id, name: c.name, chatIds: c.chatIds, phone: c.phone }));
  return mode === 'all' ? [{ kind: 'all' }, ...people] : people;
}
