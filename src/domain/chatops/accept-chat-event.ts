import type { Db } from '../../db/database.js';
import { withTx } from '../../db/database.js';
import type { ChatEvent, ChatOutcome } from '../../contracts/index.js';
import { enqueue } from '../../queue/index.js';
import { CHAT_REPLY_TASK, chatReplyJobKey } from '../notify/index.js';
import { handleChatEvent, type ChatEventContext } from './handle-chat-event.js';

/**
 * The one way a verified chat event enters warroom, from an HTTP callback or a long connection:
 * handled in one transaction, with the answer to a typed command queued as a durable reply.
 */
export async function acceptChatEvent(db: Db, event: ChatEvent, ctx: ChatEventContext & { repliesInline?: boolean }): Promise<ChatOutcome> {
  return withTx(db, async (tx) => {
    const result = await handleChatEvent(tx, event, ctx);
    // Platforms that answer in the inbound path itself (DingTalk's session webhook) get no queued reply.
    if (result.reply?.text && !ctx.repliesInline) {
      await enqueue(tx, CHAT_REPLY_TASK, { provider: ctx.provider, target: result.reply.target, text: result.reply.text, ok: result.outcome.ok, key: event.eventId }, { jobKey: chatReplyJobKey(ctx.provider, event.eventId) });
    }
    return result.outcome;
  });
}
