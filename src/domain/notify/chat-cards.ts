import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { Severity } from '../../kernel/index.js';
import { enqueue, enqueueMany } from '../../queue/index.js';
import type { ChatDestination } from '../../db/schema.js';
import { severityPolicies } from './severity-policy.js';
import type { SeverityPolicyConfig } from '../../contracts/index.js';

export const CHAT_ANNOUNCE_TASK = 'chat-announce';
export const CHAT_CARD_SYNC_TASK = 'chat-card-sync';
export const CHAT_REPLY_TASK = 'chat-reply';

export const announceJobKey = (incidentId: string, d: ChatDestination) => `announce:${incidentId}:${d.provider}:${d.target}`;
export const chatReplyJobKey = (provider: string, key: string) => `chat-reply:${provider}:${key}`;
export const cardSyncJobKey = (chatMessageId: string) => `card:${chatMessageId}`;
/** Card edits wait this long, so a burst of changes (ack, then notes, then resolve) is one edit. */
export const CARD_SYNC_DEBOUNCE_MS = 1_000;

/**
 * Announces new incidents in their service's chats (a row per incident and destination, so a
 * retried job never posts twice). Record-only severities are not announced.
 */
export async function scheduleAnnouncements(tx: Db, incidentIds: string[], now: Date, severityPolicy: Partial<Record<Severity, SeverityPolicyConfig>>): Promise<number> {
  if (!incidentIds.length) return 0;
  const policies = severityPolicies(severityPolicy);
  const rows = await tx
    .selectFrom('incidents as i')
    .innerJoin('services as s', 's.id', 'i.service_id')
    .select(['i.id', 'i.severity', 's.chat_destinations'])
    .where('i.id', 'in', incidentIds)
    .where(sql<boolean>`jsonb_array_length(s.chat_destinations) > 0`)
    .execute();
  const due = rows
    .filter((r) => !policies[r.severity as Severity].recordOnly)
    .flatMap((r) => r.chat_destinations.map((d) => ({ incidentId: r.id, destination: d })));
  if (!due.length) return 0;
  const inserted = await tx
    .insertInto('chat_announcements')
    .values(due.map((d) => ({ incident_id: d.incidentId, provider: d.destination.provider, target: d.destination.target, status: 'pending' as const, created_at: now, updated_at: now })))
    .onConflict((oc) => oc.doNothing())
    .returning(['incident_id', 'provider', 'target'])
    .execute();
  await enqueueMany(
    tx,
    inserted.map((r) => ({ task: CHAT_ANNOUNCE_TASK, payload: { incidentId: r.incident_id, provider: r.provider, target: r.target }, runAt: now, jobKey: announceJobKey(r.incident_id, r) })),
  );
  return inserted.length;
}

/** After an incident changes, every card warroom posted about it is re-rendered (debounced, folded). */
export async function scheduleCardSync(tx: Db, incidentId: string, now: Date): Promise<number> {
  const cards = await tx.selectFrom('chat_messages').select('id').where('incident_id', '=', incidentId).execute();
  for (const card of cards) {
    // preserve_run_at: more changes inside the debounce fold into the edit already waiting.
    await enqueue(tx, CHAT_CARD_SYNC_TASK, { chatMessageId: card.id }, {
      runAt: new Date(now.getTime() + CARD_SYNC_DEBOUNCE_MS),
      jobKey: cardSyncJobKey(card.id),
      jobKeyMode: 'preserve_run_at',
      // One edit of a card at a time: a change during an edit queues a second one behind it.
      queueName: cardSyncJobKey(card.id),
      priority: 1,
    });
  }
  return cards.length;
}
