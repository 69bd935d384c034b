import { createHash } from 'node:crypto';
import { ValidationError } from '../../kernel/index.js';
import type { ChatActor, ChatEvent, MessageAction } from '../api.js';

/** What a verified callback turned into: an event for chatops, or a reason it is none of ours. */
export type ParsedCallback = { kind: 'event'; event: ChatEvent } | { kind: 'ignored'; reason: string };

type Json = Record<string, unknown>;
const ACTIONS: readonly MessageAction['id'][] = ['view', 'ack', 'resolve', 'escalate'];

const obj = (value: unknown): Json => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {});
const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** The ids Feishu gives for a person, most useful first: open_id, user_id, union_id. */
export function actorOf(ids: unknown, name?: unknown): ChatActor {
  const id = obj(ids);
  const list = [str(id.open_id), str(id.user_id), str(id.union_id)].filter((v): v is string => Boolean(v));
  return { ids: list, ...(str(name) ? { name: str(name)! } : {}) };
}

/** Feishu times are ms strings; accept seconds and µs as well rather than produce a date in 1970 or 50000 AD. */
export function timeOf(value: unknown, fallback: Date): Date {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) return fallback;
  if (n < 1e11) return new Date(n * 1000);
  if (n > 1e14) return new Date(Math.floor(n / 1000));
  return new Date(n);
}

/**
 * im.message.receive_v1 (reference §1.8). `header` and `event` are the schema-2.0 parts; the long
 * connection hands both flattened into one object, which works as both.
 */
export function parseMessageEvent(header: Json, event: Json, now: Date, botOpenId?: string): ParsedCallback {
  const sender = obj(event.sender);
  if (sender.sender_type === 'app') return { kind: 'ignored', reason: 'message sent by a bot' };
  const message = obj(event.message);
  const messageId = str(message.message_id);
  const chatId = str(message.chat_id);
  if (!messageId || !chatId) throw new ValidationError('feishu message event without message_id or chat_id', { field: 'event.message' });
  const rawMentions = Array.isArray(message.mentions) ? message.mentions.map(obj) : [];
  const isBot = (m: Json) => m.mentioned_type === 'bot' || (botOpenId !== undefined && obj(m.id).open_id === botOpenId);
  const people = rawMentions.filter((m) => !isBot(m) && m.key !== '@_all');
  return {
    kind: 'event',
    event: {
      type: 'message',
      platform: 'feishu',
      eventId: str(header.event_id) ?? messageId,
      chatId,
      chatType: message.chat_type === 'p2p' ? 'direct' : 'group',
      messageId,
      sender: actorOf(sender.sender_id),
      text: plainText(str(message.message_type) ?? 'text', str(message.content) ?? '{}', rawMentions),
      mentions: people.map((m) => actorOf(m.id, m.name)),
      mentionsBot: rawMentions.some(isBot),
      at: timeOf(message.create_time ?? header.create_time, now),
    },
  };
}

/** Text of a text or post message with `@_user_N` / `@_all` placeholders taken out. */
function plainText(messageType: string, content: string, mentions: Json[]): string {
  let parsed: Json;
  try {
    parsed = obj(JSON.parse(content));
  } catch {
    return '';
  }
  let text = '';
  if (messageType === 'text') text = str(parsed.text) ?? '';
  if (messageType === 'post') {
    const body = Array.isArray(parsed.content) ? parsed : obj(Object.values(parsed).find((v) => Array.isArray(obj(v).content)));
    const rows = Array.isArray(body.content) ? (body.content as unknown[]) : [];
    text = [str(body.title), ...rows.map((row) => (Array.isArray(row) ? row.map((n) => str(obj(n).text) ?? '').join('') : ''))]
      .filter(Boolean)
      .join('\n');
  }
  for (const key of mentions.map((m) => str(m.key)).filter(Boolean)) text = text.split(key!).join(' ');
  return text.replace(/@_(user_\d+|all)\b/g, ' ').replace(/[ \t]+/g, ' ').replace(/ *\n */g, '\n').trim();
}

/** A button value we rendered: {action, incident}. Feishu may hand it back as an object or a JSON string. */
function buttonValue(value: unknown): { action: MessageAction['id']; incident: string } | null {
  let v: unknown = value;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      return null;
    }
  }
  const action = obj(v).action;
  const incident = str(obj(v).incident);
  if (typeof action !== 'string' || !(ACTIONS as readonly string[]).includes(action) || !incident) return null;
  return { action: action as MessageAction['id'], incident };
}

/** card.action.trigger, schema 2.0 (reference §1.6): operator, action.value, context ids. */
export function parseCardAction(header: Json, event: Json, now: Date): ParsedCallback {
  const value = buttonValue(obj(event.action).value);
  if (!value) return { kind: 'ignored', reason: 'card action that is not a warroom button' };
  const context = obj(event.context);
  const messageId = str(context.open_message_id) ?? str(event.open_message_id);
  const chatId = str(context.open_chat_id) ?? str(event.open_chat_id);
  const eventId = str(header.event_id);
  if (!eventId) throw new ValidationError('feishu card action without header.event_id', { field: 'header.event_id' });
  return {
    kind: 'event',
    event: {
      type: 'action',
      platform: 'feishu',
      eventId,
      action: value.action,
      incidentRef: value.incident,
      sender: actorOf(event.operator),
      ...(messageId && chatId ? { message: { platform: 'feishu', chatId, messageId } } : {}),
      at: timeOf(header.create_time, now),
    },
  };
}

/** Legacy v1 card callback: ids at the top level and no event id, so one is derived stably. */
export function parseLegacyCard(body: Json, timestamp: string, now: Date): ParsedCallback {
  const value = buttonValue(obj(body.action).value);
  if (!value) return { kind: 'ignored', reason: 'card action that is not a warroom button' };
  const messageId = str(body.open_message_id);
  const chatId = str(body.open_chat_id);
  const openId = str(body.open_id) ?? '';
  const digest = createHash('sha256').update([messageId ?? '', value.action, value.incident, openId, timestamp].join('\n')).digest('hex');
  return {
    kind: 'event',
    event: {
      type: 'action',
      platform: 'feishu',
      eventId: `legacy-${digest.slice(0, 32)}`,
      action: value.action,
      incidentRef: value.incident,
      sender: actorOf({ open_id: body.open_id, user_id: body.user_id, union_id: body.union_id }),
      ...(messageId && chatId ? { message: { platform: 'feishu', chatId, messageId } } : {}),
      at: timeOf(timestamp, now),
    },
  };
}

export function isLegacyCard(body: Json): boolean {
  return !('schema' in body) && !('encrypt' in body) && 'open_message_id' in body && 'action' in body;
}
