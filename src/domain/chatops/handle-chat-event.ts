import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { ChatEvent, ChatOutcome, Role } from '../../contracts/index.js';
import { AppError, formatIncidentRef } from '../../kernel/index.js';
import { roleAllows } from '../access/index.js';
import { escalateNow } from '../escalation/index.js';
import { changeIncidentStatus, findIncident, type Actor } from '../incidents/index.js';
import { findChatUser } from './chat-identity.js';
import { CHAT_COMMANDS, chatHelpText, parseChatCommand, type ChatCommandSpec } from './chat-commands.js';
import { claimInboundEvent } from './inbound-events.js';
import { captureRoomMessage, roomOfChat } from './room-capture.js';
import { runTextCommand } from './room-commands.js';

export interface ChatEventContext {
  now: Date;
  autoCloseAfterMs: number;
  /** The provider id the event came through (feishu, slack, web…), for dedup and wording. */
  provider: string;
  /** Which room messages go on the timeline. */
  capture?: 'all' | 'flagged';
  /** The most the caller may do whatever the user's role (a viewer API token speaking for a responder). */
  roleCap?: Role;
}

export interface ChatEventResult {
  outcome: ChatOutcome;
  /** Text to post back (message commands): into the chat, or to the person in a direct chat. */
  reply?: { target: { kind: 'chat' | 'user'; id: string }; text: string };
}

const PLATFORM_NAMES: Record<ChatEvent['platform'], string> = { feishu: 'Feishu', slack: 'Slack', dingtalk: 'DingTalk', wecom: 'WeCom', web: 'warroom' };

/**
 * One verified chat event, in the caller's transaction: dedup, capture (room messages), who is it,
 * may they, do it. Card buttons and typed commands take the same path, checked and audited alike.
 */
export async function handleChatEvent(tx: Db, event: ChatEvent, ctx: ChatEventContext): Promise<ChatEventResult> {
  if (!(await claimInboundEvent(tx, ctx.provider, event.eventId, ctx.now))) return { outcome: { ok: true, text: 'Already handled.' } };
  if (event.type === 'action') {
    if (event.action === 'view') return { outcome: { ok: true, text: '' } };
    const outcome = await perform(tx, event, CHAT_COMMANDS.find((c) => c.name === event.action)!, event.incidentRef, '', ctx);
    if (outcome.ok && event.message) await markAssembled(tx, ctx.provider, event.message.chatId, event.platform, event.sender, ctx.now);
    return { outcome };
  }
  const room = await roomOfChat(tx, ctx.provider, event.chatId);
  if (room) await captureRoomMessage(tx, room, event, await findChatUser(tx, event.platform, event.sender), ctx.provider, ctx.capture ?? 'all');
  const command = parseChatCommand(event.text, { addressed: event.mentionsBot && event.platform !== 'web' });
  // Conversation, not a command: captured above, nothing more to do.
  if (!command) return { outcome: { ok: true, text: '' } };
  if (room && command.incidentRef && (await findIncident(tx, command.incidentRef).catch(() => null))?.id !== room.incidentId) {
    // A room acts on its own incident only; another one is handled in its room or the console.
    return { outcome: { ok: false, text: `This room is about another incident; act on ${command.incidentRef} in its own room or in warroom.` }, reply: replyTarget(event, `This room is about another incident; act on ${command.incidentRef} in its own room or in warroom.`) };
  }
  const ref = command.incidentRef ?? room?.incidentId ?? (await incidentOfChat(tx, ctx.provider, event.chatId));
  const result = await perform(tx, event, command.spec, ref, command.text, ctx);
  return { outcome: result, reply: replyTarget(event, result.text) };
}

/** A card pressed in a room by an invited responder assembles that room, as speaking does. */
async function markAssembled(tx: Db, provider: string, chatId: string, platform: ChatEvent['platform'], sender: ChatEvent['sender'], now: Date): Promise<void> {
  const room = await roomOfChat(tx, provider, chatId);
  const user = room ? await findChatUser(tx, platform, sender) : null;
  if (!room || !user) return;
  const member = await tx.selectFrom('room_members').select('user_id').where('incident_id', '=', room.incidentId).where('user_id', '=', user.id).executeTakeFirst();
  if (member) await tx.updateTable('rooms').set({ assembled_at: now }).where('id', '=', room.id).where('assembled_at', 'is', null).execute();
}

function replyTarget(event: Extract<ChatEvent, { type: 'message' }>, text: string): NonNullable<ChatEventResult['reply']> {
  const target = event.chatType === 'direct' && event.sender.ids[0] ? { kind: 'user' as const, id: event.sender.ids[0] } : { kind: 'chat' as const, id: event.chatId };
  return { target, text };
}

async function perform(tx: Db, event: ChatEvent, spec: ChatCommandSpec, ref: string | null, text: string, ctx: ChatEventContext): Promise<ChatOutcome> {
  if (spec.name === 'help') return { ok: true, text: chatHelpText() };
  const platform = PLATFORM_NAMES[event.platform];
  const user = await findChatUser(tx, event.platform, event.sender);
  if (!user) {
    return { ok: false, text: `Your ${platform} account is not linked to a warroom user. Ask an admin to add your ${platform} id (${event.sender.ids[0] ?? 'unknown'}) to users[].chat.${event.platform}.` };
  }
  const role = ctx.roleCap && !roleAllows(ctx.roleCap, user.role) ? ctx.roleCap : user.role;
  if (!roleAllows(role, spec.role)) return { ok: false, text: `${user.name}, your role (${role}) may not ${spec.name}; it needs ${spec.role}.` };
  if (!ref) return { ok: false, text: `Which incident? Say "${spec.aliases[0]} INC-12".` };
  const actor: Actor = { type: 'user', id: user.id };
  const note = event.type === 'action' ? `from a ${platform} card` : `from ${platform}: "${event.text.trim().slice(0, 200)}"`;
  // Commands that fail on bad input answer the person; the savepoint keeps what was captured.
  await sql`savepoint chat_command`.execute(tx);
  try {
    const incident = await findIncident(tx, ref);
    const label = formatIncidentRef(incident.number);
    let answer: ChatOutcome;
    if (spec.args === 'text') {
      answer = { ok: true, text: await runTextCommand(tx, spec, text, incident, { now: ctx.now, autoCloseAfterMs: ctx.autoCloseAfterMs, actor, user, platform: event.platform, mentions: event.type === 'message' ? event.mentions : [] }) };
    } else if (spec.name === 'escalate') {
      const done = await escalateNow(tx, incident.id, ctx.now, actor);
      answer = done === 'escalated' ? { ok: true, text: `${label} escalated by ${user.name}: the next level is being paged.` } : { ok: false, text: `${label} is not escalating (it is ${incident.status}).` };
    } else {
      const updated = await changeIncidentStatus(tx, incident.id, { type: spec.name === 'ack' ? 'acknowledge' : 'resolve' }, { now: ctx.now, actor, autoCloseAfterMs: ctx.autoCloseAfterMs }, { note });
      answer = { ok: true, text: `${label} ${updated.status} by ${user.name}.` };
    }
    await sql`release savepoint chat_command`.execute(tx);
    return answer;
  } catch (error) {
    // 400, 404 and 409 are answers for the person, not failures of the request.
    if (error instanceof AppError && [400, 404, 409].includes(error.status)) {
      await sql`rollback to savepoint chat_command`.execute(tx);
      return { ok: false, text: error.message };
    }
    throw error;
  }
}

/** The incident a chat is about when it is not a room: the one card warroom posted there. */
async function incidentOfChat(db: Db, provider: string, chatId: string): Promise<string | null> {
  const rows = await db
    .selectFrom('chat_messages as m')
    .innerJoin('incidents as i', 'i.id', 'm.incident_id')
    .select(['i.id', 'm.purpose'])
    .where('m.provider', '=', provider)
    .where('m.chat_id', '=', chatId)
    .where('m.purpose', 'in', ['room', 'announcement'])
    .orderBy('m.created_at', 'desc')
    .limit(2)
    .execute();
  // A room belongs to one incident; a shared announcement chat is only unambiguous with one card.
  if (rows[0]?.purpose === 'room' || rows.length === 1) return rows[0]!.id;
  return null;
}
