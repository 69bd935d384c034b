import { z } from 'zod';
import { systemClock, UnauthorizedError, ValidationError } from '../../kernel/index.js';
import type { ChatActor, ChatEvent, ChatOutcome, InboundReply, InboundRequest, InboundVerifier, MessageAction } from '../api.js';
import { CALLBACK_WINDOW_MS, checkDingtalkSign } from './sign.js';

/**
 * Inbound DingTalk payloads, shared by the stream connection and the HTTP callback: robot messages
 * (someone @-ed the app's robot, or wrote to it directly) and interactive-card button callbacks.
 * Schemas are loose objects because DingTalk keeps adding fields.
 */

const millis = z.union([z.number(), z.string().regex(/^\d{1,15}$/).transform(Number)]);

export const dingtalkRobotMessageSchema = z.looseObject({
  msgId: z.string().min(1),
  msgtype: z.string().min(1),
  conversationId: z.string().min(1),
  /** "1" one-to-one, "2" group. */
  conversationType: z.union([z.string(), z.number()]).transform(String).pipe(z.enum(['1', '2'])),
  conversationTitle: z.string().optional(),
  senderId: z.string().optional(),
  senderStaffId: z.string().optional(),
  senderNick: z.string().optional(),
  chatbotUserId: z.string().optional(),
  isInAtList: z.boolean().optional(),
  atUsers: z.array(z.looseObject({ dingtalkId: z.string().optional(), staffId: z.string().optional() })).optional(),
  createAt: millis.optional(),
  /** Where a reply goes, valid until sessionWebhookExpiredTime (ms). */
  sessionWebhook: z.string().optional(),
  sessionWebhookExpiredTime: millis.optional(),
  text: z.looseObject({ content: z.string() }).optional(),
});
export type DingtalkRobotMessage = z.output<typeof dingtalkRobotMessageSchema>;

/** A stream frame as dingtalk-stream hands it over (DWClientDownStream), reduced to what we read. */
export interface DingtalkDownstream {
  headers: { messageId: string; topic?: string; time?: string; eventId?: string };
  data: string;
}

const ACTIONS = ['view', 'ack', 'resolve', 'escalate'] as const satisfies readonly MessageAction['id'][];

const cardCallbackSchema = z.looseObject({
  userId: z.string().min(1),
  outTrackId: z.string().optional(),
  spaceId: z.string().optional(),
  /** JSON text: {"cardPrivateData":{"actionIds":[…],"params":{"action":"ack","incident":"INC-7"}}}. */
  value: z.string().optional(),
  content: z.string().optional(),
});
const cardValueSchema = z.object({
  cardPrivateData: z.object({ params: z.looseObject({ action: z.enum(ACTIONS), incident: z.string().trim().min(1) }) }),
});

/** Validates a robot message body (already JSON-parsed); ValidationError names the field. */
export function parseRobotMessageBody(raw: unknown): DingtalkRobotMessage {
  const parsed = dingtalkRobotMessageSchema.safeParse(raw);
  if (!parsed.success) throw invalid('robot message', parsed.error);
  if (!parsed.data.senderStaffId && !parsed.data.senderId) throw new ValidationError('dingtalk robot message has no sender', { field: 'senderId' });
  return parsed.data;
}

/** A robot message as warroom's ChatEvent. */
export function robotMessageEvent(message: DingtalkRobotMessage, now: Date): ChatEvent {
  const direct = message.conversationType === '1';
  const atUsers = message.atUsers ?? [];
  const isBot = (user: { dingtalkId?: string | undefined }) => Boolean(message.chatbotUserId) && user.dingtalkId === message.chatbotUserId;
  const mentions: ChatActor[] = atUsers
    .filter((user) => !isBot(user))
    .map((user) => ({ ids: ids(user.staffId, user.dingtalkId) }))
    .filter((actor) => actor.ids.length > 0);
  return {
    type: 'message',
    platform: 'dingtalk',
    eventId: message.msgId,
    chatId: message.conversationId,
    chatType: direct ? 'direct' : 'group',
    messageId: message.msgId,
    sender: { ids: ids(message.senderStaffId, message.senderId), ...(message.senderNick ? { name: message.senderNick } : {}) },
    // DingTalk already strips the robot's own @ from the content; other @s stay as typed.
    text: (message.text?.content ?? '').trim(),
    mentions,
    // In a one-to-one chat every message is addressed to the robot.
    mentionsBot: direct || message.isInAtList === true || atUsers.some(isBot),
    at: message.createAt !== undefined ? new Date(message.createAt) : now,
  };
}

/** The robot message inside a TOPIC_ROBOT frame (the stream needs its sessionWebhook too). */
export function readRobotFrame(downstream: DingtalkDownstream): DingtalkRobotMessage {
  return parseRobotMessageBody(parseJson(downstream.data, 'robot message'));
}

/** TOPIC_ROBOT frame → ChatEvent 'message'. Throws ValidationError when the frame is not a robot message. */
export function parseDingtalkRobotMessage(downstream: DingtalkDownstream, now: Date = systemClock.now()): ChatEvent {
  return robotMessageEvent(readRobotFrame(downstream), now);
}

/** TOPIC_CARD frame → ChatEvent 'action', from the button's params {action, incident}. */
export function parseDingtalkCardCallback(downstream: DingtalkDownstream, now: Date = systemClock.now()): ChatEvent {
  const parsed = cardCallbackSchema.safeParse(parseJson(downstream.data, 'card callback'));
  if (!parsed.success) throw invalid('card callback', parsed.error);
  const callback = parsed.data;
  const valueText = callback.value ?? callback.content;
  if (!valueText) throw new ValidationError('dingtalk card callback has no value', { field: 'value' });
  const value = cardValueSchema.safeParse(parseJson(valueText, 'card callback value'));
  if (!value.success) throw invalid('card callback value', value.error);
  const { action, incident } = value.data.cardPrivateData.params;
  const sentAt = downstream.headers.time && /^\d{1,15}$/.test(downstream.headers.time) ? new Date(Number(downstream.headers.time)) : now;
  return {
    type: 'action',
    platform: 'dingtalk',
    // A frame DingTalk re-pushes (not acked in time) keeps its ids.
    eventId: downstream.headers.eventId ?? downstream.headers.messageId,
    action,
    incidentRef: incident,
    sender: { ids: [callback.userId] },
    ...(callback.spaceId && callback.outTrackId ? { message: { platform: 'dingtalk', chatId: callback.spaceId, messageId: callback.outTrackId } } : {}),
    at: sentAt,
  };
}

/**
 * The HTTP mode of an app robot ("outgoing"): DingTalk POSTs the robot message with headers
 * `timestamp` (ms) and `sign` = base64(HMAC-SHA256(appSecret, timestamp + "\n" + appSecret)).
 * The signature does not cover the body, so a captured pair could carry any body while its
 * timestamp is fresh. Two defences: the window is ±CALLBACK_WINDOW_MS (5 minutes, not DingTalk's
 * hour), and the event id is derived from the signed pair (`dingtalk-cb:<timestamp>:<sign>`), not
 * from the unsigned msgId, so warroom's inbound dedup acts on a pair once and any reuse, whatever
 * its body, is a no-op. The answer body is a robot message DingTalk posts in the chat
 * [U: confirmed only by community code].
 */
export function createDingtalkCallbackVerifier(appSecret: string, options: { windowMs?: number } = {}): InboundVerifier {
  const windowMs = options.windowMs ?? CALLBACK_WINDOW_MS;
  const minutes = Math.round(windowMs / 60_000);
  return {
    handle(request: InboundRequest) {
      const timestamp = header(request, 'timestamp');
      const sign = header(request, 'sign');
      const check = checkDingtalkSign(appSecret, timestamp, sign, request.now, windowMs);
      if (check === 'stale') throw new UnauthorizedError(`dingtalk callback timestamp is outside the ${minutes}-minute window`);
      if (check !== 'ok') throw new UnauthorizedError('dingtalk callback signature is missing or invalid');
      if (request.method.toUpperCase() !== 'POST') throw new ValidationError('dingtalk callbacks are POSTs');
      const message = parseRobotMessageBody(parseJson(request.rawBody.toString('utf8'), 'robot message'));
      const event = { ...robotMessageEvent(message, request.now), eventId: callbackEventId(timestamp!, sign!) };
      return { kind: 'event', event, reply: replyOf };
    },
  };
}

/** The event id of an HTTP callback: the signed pair itself, the only part a forger cannot vary. */
export function callbackEventId(timestamp: string, sign: string): string {
  return `dingtalk-cb:${timestamp}:${sign}`;
}

/** A reply posted back into the chat: text, or nothing when warroom has nothing to say. */
export function dingtalkReplyBody(outcome: ChatOutcome): Record<string, unknown> {
  return outcome.text.trim() ? { msgtype: 'text', text: { content: outcome.text.trim() } } : {};
}

function replyOf(outcome: ChatOutcome): InboundReply {
  return { status: 200, body: dingtalkReplyBody(outcome), contentType: 'application/json' };
}

function header(request: InboundRequest, name: string): string | undefined {
  for (const [key, value] of Object.entries(request.headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ValidationError(`dingtalk ${what} is not JSON`);
  }
}

function invalid(what: string, error: z.ZodError): ValidationError {
  const issue = error.issues[0];
  const field = issue?.path.join('.') || '(root)';
  return new ValidationError(`dingtalk ${what} is invalid at ${field}: ${issue?.message ?? 'invalid'}`, { field });
}

function ids(...values: (string | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => Boolean(v)))];
}
