import { createHash } from 'node:crypto';
import { z } from 'zod';
import { withTx } from '../db/database.js';
import { CHAT_ANNOUNCE_TASK, announceJobKey } from '../domain/notify/index.js';
import { recordTimeline, systemActor } from '../domain/incidents/index.js';
import { defineJob, enqueue, type JobDefinition } from '../queue/index.js';
import type { ChatTarget, MessageDoc, MessageRef } from '../providers/api.js';
import type { ChannelRegistry } from './channel-registry.js';
import type { EngineDeps } from './incident-jobs.js';
import { announcementMentions, cardHash, composeIncidentCard } from './chat-card.js';
import { afterChatFailure, takeSlot } from './chat-pacing.js';

const payload = z.object({ incidentId: z.uuid(), provider: z.string(), target: z.string(), slot: z.string().optional(), attempt: z.int().default(1) });
const MAX_ATTEMPTS = 8;

/**
 * Posts a new incident's live card into one of its service's chats, paced per chat. The row in
 * chat_announcements makes it once-only; a crash mid-post retries with the same idempotency key
 * (Feishu's uuid dedups it).
 */
export function chatAnnounceJob(deps: EngineDeps & { channels: ChannelRegistry }): JobDefinition {
  return defineJob(CHAT_ANNOUNCE_TASK, (p) => payload.parse(p), async (job) => {
    const now = deps.clock.now();
    const destination = { provider: job.provider, target: job.target };
    const entry = deps.channels.chat(job.provider);
    const target: ChatTarget = { kind: 'chat', id: job.target };
    const prepared = await withTx(deps.db, async (tx) => {
      const row = await tx.selectFrom('chat_announcements').selectAll().where('incident_id', '=', job.incidentId).where('provider', '=', job.provider).where('target', '=', job.target).forUpdate().executeTakeFirst();
      if (!row || row.status !== 'pending') return null;
      if (!entry?.chat.messenger) {
        await tx.updateTable('chat_announcements').set({ status: 'failed', reason: `channels.${job.provider} is not configured`, updated_at: now }).where('incident_id', '=', job.incidentId).where('provider', '=', job.provider).where('target', '=', job.target).execute();
        return null;
      }
      const card = await composeIncidentCard(tx, job.incidentId, deps.settings().publicUrl, 'page');
      if (!card) return null;
      const mentions = await announcementMentions(tx, card.incident, deps.settings(), now);
      // The slot is taken last, right before the commit that precedes the send.
      const wait = await takeSlot(tx, entry.chat.rateRule(target), job.slot, () => deps.clock.now());
      if (wait) {
        await enqueue(tx, CHAT_ANNOUNCE_TASK, { ...job, slot: wait.toISOString() }, { runAt: wait, jobKey: announceJobKey(job.incidentId, destination) });
        return null;
      }
      return { doc: { ...card.doc, mentions } as MessageDoc };
    });
    if (!prepared || !entry?.chat.messenger) return;
    let ref: MessageRef;
    try {
      const key = createHash('sha256').update(announceJobKey(job.incidentId, destination)).digest('hex').slice(0, 40);
      ref = await entry.chat.messenger.post(target, prepared.doc, { idempotencyKey: key });
    } catch (error) {
      await withTx(deps.db, async (tx) => {
        const next = await afterChatFailure(tx, entry.chat.rateRule(target), error, job.attempt, MAX_ATTEMPTS, now);
        const row = () => tx.updateTable('chat_announcements').where('incident_id', '=', job.incidentId).where('provider', '=', job.provider).where('target', '=', job.target);
        if (next.retryAt) {
          await row().set({ attempts: job.attempt, reason: next.reason, updated_at: now }).execute();
          await enqueue(tx, CHAT_ANNOUNCE_TASK, { incidentId: job.incidentId, provider: job.provider, target: job.target, attempt: job.attempt + 1 }, { runAt: next.retryAt, jobKey: announceJobKey(job.incidentId, destination) });
        } else {
          await row().set({ status: 'failed', attempts: job.attempt, reason: next.reason, updated_at: now }).execute();
          await recordTimeline(tx, [{ incidentId: job.incidentId, at: now, kind: 'chat.failed', actor: systemActor, summary: `Could not announce in ${job.provider} ${job.target}: ${next.reason}` }]);
        }
      });
      return;
    }
    await withTx(deps.db, async (tx) => {
      const message = await tx
        .insertInto('chat_messages')
        .values({ incident_id: job.incidentId, provider: job.provider, platform: ref.platform, chat_id: ref.chatId, message_id: ref.messageId, purpose: 'announcement', doc_hash: cardHash(prepared.doc), created_at: now, updated_at: now })
        .onConflict((oc) => oc.columns(['provider', 'chat_id', 'message_id']).doUpdateSet({ updated_at: now }))
        .returning('id')
        .executeTakeFirstOrThrow();
      await tx.updateTable('chat_announcements').set({ status: 'sent', attempts: job.attempt, reason: null, chat_message_id: message.id, updated_at: now }).where('incident_id', '=', job.incidentId).where('provider', '=', job.provider).where('target', '=', job.target).execute();
      const mentioned = prepared.doc.mentions.map((m) => (m.kind === 'all' ? '@all' : m.name)).join(', ');
      await recordTimeline(tx, [{ incidentId: job.incidentId, at: now, kind: 'chat.announced', actor: systemActor, summary: `Announced in ${job.provider} ${job.target}${mentioned ? `, mentioning ${mentioned}` : ''}`, data: { chat_message_id: message.id } }]);
    });
  });
}
