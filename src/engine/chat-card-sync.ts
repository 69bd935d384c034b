import { z } from 'zod';
import { withTx } from '../db/database.js';
import { CHAT_CARD_SYNC_TASK, cardSyncJobKey } from '../domain/notify/index.js';
import { defineJob, enqueue, type JobDefinition } from '../queue/index.js';
import type { ChatPlatform, MessageDoc } from '../providers/api.js';
import type { ChannelRegistry } from './channel-registry.js';
import type { EngineDeps } from './incident-jobs.js';
import { cardHash, composeIncidentCard } from './chat-card.js';
import { afterChatFailure, takeSlot } from './chat-pacing.js';

const payload = z.object({ chatMessageId: z.uuid(), slot: z.string().optional(), attempt: z.int().default(1) });
const MAX_ATTEMPTS = 6;

/**
 * Edits one live card to match its incident. It re-reads the incident when it runs, so every
 * change made while it waited (debounce, rate pacing, backoff) lands in this one edit.
 */
export function chatCardSyncJob(deps: EngineDeps & { channels: ChannelRegistry }): JobDefinition {
  return defineJob(CHAT_CARD_SYNC_TASK, (p) => payload.parse(p), async (job) => {
    const now = deps.clock.now();
    const prepared = await withTx(deps.db, async (tx) => {
      const row = await tx.selectFrom('chat_messages').selectAll().where('id', '=', job.chatMessageId).forUpdate().executeTakeFirst();
      const updater = row ? deps.channels.chat(row.provider)?.chat : undefined;
      if (!row || !updater?.updater) return null;
      const card = await composeIncidentCard(tx, row.incident_id, deps.settings().publicUrl, 'update');
      if (!card) return null;
      const hash = cardHash(card.doc);
      if (hash === row.doc_hash) return null;
      const rule = updater.rateRule({ kind: row.purpose === 'page' ? 'user' : 'chat', id: row.chat_id });
      const wait = await takeSlot(tx, rule, job.slot, () => deps.clock.now());
      if (wait) {
        await enqueue(tx, CHAT_CARD_SYNC_TASK, { ...job, slot: wait.toISOString() }, { runAt: wait, jobKey: cardSyncJobKey(row.id), queueName: cardSyncJobKey(row.id), priority: 1 });
        return null;
      }
      return { row, doc: card.doc as MessageDoc, hash, chat: updater, rule };
    });
    if (!prepared) return;
    const { row, doc, hash, chat, rule } = prepared;
    try {
      await chat.updater!.update({ platform: row.platform as ChatPlatform, chatId: row.chat_id, messageId: row.message_id }, doc);
    } catch (error) {
      await withTx(deps.db, async (tx) => {
        const next = await afterChatFailure(tx, rule, error, job.attempt, MAX_ATTEMPTS, now);
        if (next.retryAt) await enqueue(tx, CHAT_CARD_SYNC_TASK, { chatMessageId: row.id, attempt: job.attempt + 1 }, { runAt: next.retryAt, jobKey: cardSyncJobKey(row.id), queueName: cardSyncJobKey(row.id), priority: 1 });
        else deps.logger.warn({ chatMessageId: row.id, provider: row.provider, reason: next.reason }, 'gave up editing a chat card');
      });
      return;
    }
    await deps.db.updateTable('chat_messages').set({ doc_hash: hash, updated_at: now }).where('id', '=', row.id).execute();
  });
}
