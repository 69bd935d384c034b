import { z } from 'zod';
import { withTx } from '../db/database.js';
import { CHAT_REPLY_TASK, chatReplyJobKey } from '../domain/notify/index.js';
import { defineJob, enqueue, type JobDefinition } from '../queue/index.js';
import type { ChatTarget, MessageDoc } from '../providers/api.js';
import type { ChannelRegistry } from './channel-registry.js';
import type { EngineDeps } from './incident-jobs.js';
import { afterChatFailure, takeSlot } from './chat-pacing.js';

const payload = z.object({ provider: z.string(), target: z.object({ kind: z.enum(['chat', 'user']), id: z.string() }), text: z.string(), ok: z.boolean(), key: z.string(), slot: z.string().optional(), attempt: z.int().default(1) });

/** Answers a chat command where it was typed ("INC-12 acknowledged by Alice"), paced like any other post. */
export function chatReplyJob(deps: EngineDeps & { channels: ChannelRegistry }): JobDefinition {
  return defineJob(CHAT_REPLY_TASK, (p) => payload.parse(p), async (job) => {
    const now = deps.clock.now();
    const chat = deps.channels.chat(job.provider)?.chat;
    if (!chat?.messenger) return;
    const target: ChatTarget = job.target;
    const rule = chat.rateRule(target);
    const wait = await withTx(deps.db, async (tx) => {
      const at = await takeSlot(tx, rule, job.slot, () => deps.clock.now());
      if (at) await enqueue(tx, CHAT_REPLY_TASK, { ...job, slot: at.toISOString() }, { runAt: at, jobKey: chatReplyJobKey(job.provider, job.key) });
      return at;
    });
    if (wait) return;
    const [title, ...rest] = job.text.split('\n');
    const doc: MessageDoc = { kind: 'update', title: title ?? '', severity: job.ok ? 'P3' : 'P2', summary: rest.join('\n') || undefined, fields: [], links: [], actions: [], mentions: [] };
    try {
      await chat.messenger.post(target, doc, { idempotencyKey: `reply:${job.key}` });
    } catch (error) {
      await withTx(deps.db, async (tx) => {
        const next = await afterChatFailure(tx, rule, error, job.attempt, 4, now);
        if (next.retryAt) await enqueue(tx, CHAT_REPLY_TASK, { ...job, slot: undefined, attempt: job.attempt + 1 }, { runAt: next.retryAt, jobKey: chatReplyJobKey(job.provider, job.key) });
        else deps.logger.warn({ provider: job.provider, reason: next.reason }, 'could not answer a chat command');
      });
    }
  });
}
