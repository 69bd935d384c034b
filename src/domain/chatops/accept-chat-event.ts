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
export async function acceptChatEvent(db: Db, event: ChatEvent, ctx: ChatEventContext): Promise<ChatOutcome> {
  return withTx(db, async (tx) => {
    const result = await handleChatEvent(tx, event, ctx);
    if (result.reply?.text) {
      await enqueue(tx, CHAT_REPLY_TASK, { provider: ctx.provider, chatId: result.reply.chatId, text: result.reply.text, ok: result.outcome.ok, key: event.eventId }, { jobKey: chatReplyJobKey(ctx.provider, event.eventId) });
    }
    return result.outcome;
  });
}
