import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../db/database.js';
import type { RoomStatus } from '../db/schema.js';
import { withTx } from '../db/database.js';
import type { Mention, MessageDoc } from '../contracts/index.js';
import { formatIncidentRef } from '../kernel/index.js';
import { loadUserContacts } from '../domain/notify/index.js';
import {
  MENTION_BUDGET_WINDOW_MS, ROOM_POST_TASK, WEB_ROOM, alertDetailsPost, contextPost, findSimilarIncidents, loadRoomAlerts, loadRoomIncident,
  mentionBudget, mentionPlan, mentionsPost, mentionsUsed, planInvitees, roomClassOf, roomQueueName,
} from '../domain/warroom/index.js';
import { defineJob, enqueue, type JobDefinition } from '../queue/index.js';
import type { MessageRef } from '../providers/api.js';
import type { ChannelRegistry } from './channel-registry.js';
import type { EngineDeps } from './incident-jobs.js';
import { cardHash, composeIncidentCard } from './chat-card.js';
import { afterChatFailure, takeSlot } from './chat-pacing.js';
import type { KnowledgeSearch } from './room-knowledge.js';
import { MENTION_DIGEST_TASK, mentionDigestJobKey } from './mention-digest.js';

export const ROOM_POST_KINDS = ['card', 'mentions', 'alerts', 'context', 'doc'] as const;
const payload = z.object({
  roomId: z.uuid(),
  kind: z.enum(ROOM_POST_KINDS),
  key: z.string(),
  doc: z.custom<MessageDoc>().optional(),
  /** Posts that must follow this one, in order: queued when this one is out. */
  then: z.array(z.enum(ROOM_POST_KINDS)).default([]),
  slot: z.string().optional(),
  attempt: z.int().default(1),
});
type RoomPost = z.infer<typeof payload>;

export const platformIdOf = (chatIds: Record<string, string>, platform: string): string | undefined =>
  platform === 'web' ? undefined : (chatIds[platform] ?? (platform === 'feishu' ? chatIds.lark : undefined));

/** Queues a post into one room; posts to a room go out one at a time, in order. */
export async function queueRoomPost(tx: Db, roomId: string, post: { kind: RoomPost['kind']; key: string; doc?: MessageDoc; then?: RoomPost['kind'][] }, now: Date): Promise<void> {
  await enqueue(tx, ROOM_POST_TASK, { roomId, ...post }, { queueName: roomQueueName(roomId), jobKey: `room-post:${roomId}:${post.key}`, runAt: now });
}

/** A new room's first posts, one after the other: the live card, who is needed and why, the alerts, the context. */
export async function queueIntroPosts(tx: Db, roomId: string, now: Date): Promise<void> {
  await queueRoomPost(tx, roomId, { kind: 'card', key: 'card', then: ['mentions', 'alerts', 'context'] }, now);
}

async function continueChain(tx: Db, roomId: string, job: RoomPost, now: Date): Promise<void> {
  const [next, ...rest] = job.then;
  if (next) await queueRoomPost(tx, roomId, { kind: next, key: next, then: rest }, now);
}

/** Posts to every open room of an incident (a status update, a notice, a summary). */
export async function postToRooms(tx: Db, incidentId: string, key: string, doc: MessageDoc, now: Date, statuses: RoomStatus[] = ['active']): Promise<number> {
  const rooms = await tx.selectFrom('rooms').select('id').where('incident_id', '=', incidentId).where('status', 'in', statuses).where('chat_id', 'is not', null).execute();
  for (const room of rooms) await queueRoomPost(tx, room.id, { kind: 'doc', key, doc }, now);
  return rooms.length;
}

export function roomPostJob(deps: EngineDeps & { channels: ChannelRegistry; knowledge: KnowledgeSearch }): JobDefinition {
  return defineJob(ROOM_POST_TASK, (p) => payload.parse(p), async (job) => {
    const now = deps.clock.now();
    const prepared = await withTx(deps.db, async (tx) => {
      const room = await tx.selectFrom('rooms').selectAll().where('id', '=', job.roomId).executeTakeFirst();
      if (!room?.chat_id || !['active', 'closing'].includes(room.status)) return null;
      const chat = deps.channels.chat(room.provider)?.chat;
      if (!chat?.messenger) return null;
      const target = { kind: 'chat' as const, id: room.chat_id };
      const rule = chat.rateRule(target);
      const composed = await composePost(tx, deps, room.incident_id, room.provider, job);
      if (!composed) {
        await continueChain(tx, room.id, job, now);
        return null;
      }
      const { doc, mentionRows } = composed;
      // The slot is taken last, right before the commit that precedes the send.
      const wait = await takeSlot(tx, rule, job.slot, () => deps.clock.now());
      if (wait) {
        await enqueue(tx, ROOM_POST_TASK, { ...job, slot: wait.toISOString() }, { queueName: roomQueueName(room.id), jobKey: `room-post:${room.id}:${job.key}`, runAt: wait });
        return null;
      }
      return { room, chat, target, rule, doc, mentionRows };
    });
    if (!prepared) return;
    const { room, chat, target, rule, doc, mentionRows } = prepared;
    let ref: MessageRef;
    try {
      ref = await chat.messenger!.post(target, doc, { idempotencyKey: createHash('sha256').update(`${room.id}:${job.key}`).digest('hex').slice(0, 40) });
    } catch (error) {
      await withTx(deps.db, async (tx) => {
        const next = await afterChatFailure(tx, rule, error, job.attempt, 6, now);
        if (next.retryAt) await enqueue(tx, ROOM_POST_TASK, { ...job, slot: undefined, attempt: job.attempt + 1 }, { queueName: roomQueueName(room.id), jobKey: `room-post:${room.id}:${job.key}`, runAt: next.retryAt });
        else {
          deps.logger.warn({ roomId: room.id, kind: job.kind, reason: next.reason }, 'gave up posting in a war room');
          // One lost post must not silence the rest (the mentions after a card that failed for good).
          await continueChain(tx, room.id, job, now);
        }
      });
      return;
    }
    if (job.kind === 'card' && chat.updater?.pin) {
      // The live card on top where the platform can pin; a refused pin costs nothing but the pin.
      await chat.updater.pin(ref).catch((error: Error) => deps.logger.warn({ roomId: room.id, reason: error.message }, 'could not pin the incident card'));
    }
    await withTx(deps.db, async (tx) => {
      await tx.updateTable('rooms').set((eb) => ({ message_count: eb('message_count', '+', 1), updated_at: now })).where('id', '=', room.id).execute();
      // Mentions count against budgets once they were really posted.
      if (mentionRows.length) await tx.insertInto('mentions').values(mentionRows).execute();
      for (const userId of new Set(mentionRows.filter((m) => m.suppressed).map((m) => m.user_id))) {
        await enqueue(tx, MENTION_DIGEST_TASK, { userId }, { jobKey: mentionDigestJobKey(userId), runAt: new Date(now.getTime() + deps.settings().notifications.digest_after), jobKeyMode: 'preserve_run_at' });
      }
      await continueChain(tx, room.id, job, now);
      if (job.kind === 'card') {
        await tx
          .insertInto('chat_messages')
          .values({ incident_id: room.incident_id, provider: room.provider, platform: ref.platform, chat_id: ref.chatId, message_id: ref.messageId, purpose: 'room', doc_hash: cardHash(doc), created_at: now, updated_at: now })
          .onConflict((oc) => oc.columns(['provider', 'chat_id', 'message_id']).doNothing())
          .execute();
      }
    });
  });
}

type MentionRow = { incident_id: string; user_id: string; severity_class: string; reason: string; suppressed: boolean; at: Date };

async function composePost(tx: Db, deps: EngineDeps & { knowledge: KnowledgeSearch }, incidentId: string, provider: string, job: RoomPost): Promise<{ doc: MessageDoc; mentionRows: MentionRow[] } | null> {
  const publicUrl = deps.settings().publicUrl;
  const only = (doc: MessageDoc | null | undefined) => (doc ? { doc, mentionRows: [] } : null);
  if (job.kind === 'doc') return only(job.doc);
  if (job.kind === 'card') return only((await composeIncidentCard(tx, incidentId, publicUrl, 'page'))?.doc);
  const incident = await loadRoomIncident(tx, incidentId);
  if (!incident) return null;
  if (job.kind === 'alerts') return only(alertDetailsPost(incident, await loadRoomAlerts(tx, incidentId), publicUrl));
  if (job.kind === 'context') {
    const knowledge = await deps.knowledge(tx, incidentId, publicUrl);
    const similar = await findSimilarIncidents(tx, incidentId, publicUrl);
    return only(contextPost(incident, knowledge, similar, `${publicUrl.replace(/\/$/, '')}/api/v1/incidents/${formatIncidentRef(incident.number)}/document`, publicUrl));
  }
  return composeMentions(tx, deps, incidentId, provider, incident);
}

/**
 * Who is @mentioned, decided when the post goes out: by class and mention budget. Mentions count
 * against budgets once per incident (in its chat room, or the web room when there is none).
 */
async function composeMentions(tx: Db, deps: EngineDeps, incidentId: string, provider: string, incident: NonNullable<Awaited<ReturnType<typeof loadRoomIncident>>>): Promise<{ doc: MessageDoc; mentionRows: MentionRow[] }> {
  const now = deps.clock.now();
  const config = deps.settings().warRooms;
  const cls = roomClassOf(incident.severity);
  const invitees = await planInvitees(tx, incidentId, now, config.experts);
  const used = await mentionsUsed(tx, invitees.map((i) => i.userId), cls, new Date(now.getTime() - MENTION_BUDGET_WINDOW_MS));
  const plan = mentionPlan(cls, invitees, used, mentionBudget(cls, config));
  const contacts = await loadUserContacts(tx, invitees.map((i) => i.userId));
  // One room per incident counts mentions against budgets: the first chat room, else the web room.
  const chatRooms = await tx.selectFrom('rooms').select('provider').where('incident_id', '=', incidentId).where('provider', '!=', WEB_ROOM).where('status', 'in', ['active', 'opening', 'creating']).orderBy('provider').execute();
  const counts = provider === (chatRooms[0]?.provider ?? WEB_ROOM);
  const mentionRows: MentionRow[] = counts
    ? [...plan.mention.map((m) => ({ ...m, suppressed: false })), ...plan.suppressed.map((m) => ({ ...m, suppressed: true }))].map((r) => ({ incident_id: incidentId, user_id: r.userId, severity_class: cls, reason: r.reason, suppressed: r.suppressed, at: now }))
    : [];
  const person = (userId: string): Mention => {
    const c = contacts.get(userId);
    return { kind: 'user', userId, name: c?.name ?? userId, chatIds: c?.chatIds ?? {}, phone: c?.phone ?? null };
  };
  const doc = mentionsPost(
    incident,
    plan.mention.map((m) => ({ mention: person(m.userId), reason: m.reason })),
    plan.suppressed.map((m) => ({ name: contacts.get(m.userId)?.name ?? m.userId, reason: m.reason })),
    deps.settings().publicUrl,
  );
  return { doc, mentionRows };
}
