import type { Db } from '../../db/database.js';
import type { ChatEvent } from '../../contracts/index.js';
import { recordTimeline, type Actor } from '../incidents/index.js';
import type { ChatUser } from './chat-identity.js';

export interface CapturedRoom {
  id: string;
  incidentId: string;
}

/** The war room a chat belongs to (the web room's chat id is its incident id). */
export async function roomOfChat(db: Db, provider: string, chatId: string): Promise<CapturedRoom | null> {
  const room = await db.selectFrom('rooms').select(['id', 'incident_id']).where('provider', '=', provider).where('chat_id', '=', chatId).where('status', 'in', ['active', 'closing']).executeTakeFirst();
  return room ? { id: room.id, incidentId: room.incident_id } : null;
}

/** Flagged messages start with "!" or carry #timeline / #记录. */
const isFlagged = (text: string) => /^\s*!/.test(text) || /#(timeline|记录)(?=\s|$)/i.test(text);

/**
 * A person's message in a room: kept (the web room shows it, chat rooms keep a copy), counted for
 * the collaboration facts (first human message, time to assemble), and put on the timeline when
 * capture is "all" or the message is flagged.
 */
export async function captureRoomMessage(tx: Db, room: CapturedRoom, event: Extract<ChatEvent, { type: 'message' }>, user: ChatUser | null, provider: string, capture: 'all' | 'flagged'): Promise<void> {
  const at = event.at;
  const inserted = await tx
    .insertInto('room_messages')
    .values({ incident_id: room.incidentId, provider, author_user_id: user?.id ?? null, author_label: user?.name ?? event.sender.name ?? event.sender.ids[0] ?? 'someone', kind: 'human', text: event.text.slice(0, 8000), doc: null, external_id: event.messageId, created_at: at, updated_at: at })
    .onConflict((oc) => oc.columns(['provider', 'external_id']).where('external_id', 'is not', null).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) return;
  await tx
    .updateTable('rooms')
    .set((eb) => ({ message_count: eb('message_count', '+', 1), human_message_count: eb('human_message_count', '+', 1), first_human_message_at: eb.fn.coalesce('first_human_message_at', eb.val(at)) }))
    .where('id', '=', room.id)
    .execute();
  if (user) {
    const member = await tx
      .updateTable('room_members')
      .set((eb) => ({ message_count: eb('message_count', '+', 1), first_spoke_at: eb.fn.coalesce('first_spoke_at', eb.val(at)) }))
      .where('incident_id', '=', room.incidentId)
      .where('user_id', '=', user.id)
      .returning('user_id')
      .executeTakeFirst();
    // Assembled: the first invited responder speaks.
    if (member) await tx.updateTable('rooms').set({ assembled_at: at }).where('id', '=', room.id).where('assembled_at', 'is', null).execute();
  }
  if (capture === 'all' || isFlagged(event.text)) {
    const actor: Actor = user ? { type: 'user', id: user.id } : { type: 'integration', id: `${provider}:${event.sender.ids[0] ?? 'unknown'}` };
    await recordTimeline(tx, [{ incidentId: room.incidentId, at, kind: 'chat.message', actor, summary: `${user?.name ?? event.sender.name ?? 'someone'}: ${event.text.slice(0, 500)}`, data: { provider, message_id: event.messageId } }]);
  }
}
